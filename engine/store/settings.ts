import { settingRow, type Json } from './records';
import type { Sql } from './sql';

/** Settings that are not secrets (SPEC §8): API keys live in SecretStorage, never here. */

export function getSetting(sql: Sql, key: string): Json | undefined {
  return sql.get('SELECT value FROM settings WHERE key = ?', [key], settingRow)?.value;
}

/** `undefined` removes the setting. */
export function setSetting(sql: Sql, key: string, value: Json | undefined): void {
  if (value === undefined) sql.run('DELETE FROM settings WHERE key = ?', [key]);
  else sql.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, JSON.stringify(value)]);
}
