import { mkdir, readFile, rename } from 'node:fs/promises';
import path from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { removeStaleTempFiles } from '../fs';
import { acquireLock, code, type Lock } from './lock';
import { applyPragmas, migrate, schemaProblem, schemaVersion, type Migration } from './schema';

/** Why this store never writes its file, in words for a person. */
export interface ReadOnly {
  reason: string;
}

/** A file that was not a usable database, moved aside (never deleted) before a fresh one began. */
export interface CorruptFile {
  movedTo: string;
  reason: string;
}

export interface Opened {
  db: Database;
  /** Held while the store may write; undefined when read-only. */
  lock?: Lock;
  readOnly?: ReadOnly;
  corrupt?: CorruptFile;
  /** The file needs writing now: it is new, was migrated, or replaced a corrupt one. */
  changed: boolean;
}

/**
 * Opens the database file the safe way round: lock first (so only the holder ever writes or moves
 * anything), then read, then check. Whatever goes wrong, the result is a working database in
 * memory; what could not be done is in `readOnly` or `corrupt`, never silently dropped.
 */
export async function openFile(SQL: SqlJsStatic, file: string, list: readonly Migration[]): Promise<Opened> {
  await mkdir(path.dirname(file), { recursive: true }).catch(() => undefined);
  const attempt = await acquireLock(file);
  let lock = attempt.ok ? attempt.lock : undefined;
  const lockProblem = attempt.ok ? '' : attempt.reason;
  const readOnly = (why: string): ReadOnly => ({ reason: `Plumbline opened ${file} read-only: ${why}. Nothing will be saved from this window.` });

  let bytes: Buffer | undefined;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if (code(err) !== 'ENOENT') {
      await lock?.release();
      return { db: fresh(SQL, list), readOnly: readOnly(`it cannot read the file (${code(err) ?? String(err)})`), changed: false };
    }
  }
  if (lock) await removeStaleTempFiles(file);
  if (!bytes?.length) {
    // No file, or an empty one (which SQLite itself reads as an empty database): nothing to lose.
    return lock ? { db: fresh(SQL, list), lock, changed: true } : { db: fresh(SQL, list), readOnly: readOnly(lockProblem), changed: false };
  }

  const loaded = load(SQL, bytes, list);
  if ('db' in loaded) {
    if (lock && loaded.newer === undefined) return { db: loaded.db, lock, changed: loaded.migrated };
    await lock?.release();
    const why = loaded.newer ?? lockProblem;
    return { db: loaded.db, readOnly: readOnly(why), changed: false };
  }
  if (!lock) {
    // Only the lock holder may move the file; this window just works from an empty database.
    return { db: fresh(SQL, list), readOnly: readOnly(`${lockProblem}, and the file is not a usable database (${loaded.problem})`), changed: false };
  }
  const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/:/g, '-')}`;
  try {
    await rename(file, movedTo);
  } catch (err) {
    await lock.release();
    lock = undefined;
    return { db: fresh(SQL, list), readOnly: readOnly(`the file is not a usable database (${loaded.problem}) and could not be moved aside (${code(err) ?? String(err)})`), changed: false };
  }
  return { db: fresh(SQL, list), lock, corrupt: { movedTo, reason: loaded.problem }, changed: true };
}

type Loaded = { db: Database; migrated: boolean; newer?: string } | { problem: string };

function load(SQL: SqlJsStatic, bytes: Uint8Array, list: readonly Migration[]): Loaded {
  let db: Database | undefined;
  try {
    db = new SQL.Database(bytes);
    // sql.js accepts any bytes here; the first statement is what reads the header and pages.
    const check = db.exec('PRAGMA integrity_check')[0]?.values.map((row) => String(row[0])) ?? [];
    if (check.join() !== 'ok') throw new Error(`integrity check failed: ${check.slice(0, 3).join('; ')}`);
    applyPragmas(db);
    const version = schemaVersion(db);
    if (version > list.length) {
      // Written by a newer Plumbline: usable for reading maybe, but never ours to rewrite or move.
      return { db, migrated: false, newer: `the file has schema version ${version}, newer than this Plumbline knows (${list.length})` };
    }
    const { from, to } = migrate(db, list);
    const problem = schemaProblem(db);
    if (problem) throw new Error(`unusable schema: ${problem}`);
    return { db, migrated: from !== to };
  } catch (err) {
    db?.close();
    return { problem: err instanceof Error ? err.message : String(err) };
  }
}

function fresh(SQL: SqlJsStatic, list: readonly Migration[]): Database {
  const db = new SQL.Database();
  applyPragmas(db);
  migrate(db, list);
  return db;
}
