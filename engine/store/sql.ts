import type { Database, SqlValue, Statement } from 'sql.js';
import type { z } from 'zod';

export type Params = SqlValue[];

/**
 * The one place that talks to sql.js: prepared statements cached by their text, and every row
 * that comes out checked against a zod schema, so a row with an unexpected shape (a file edited
 * by hand, a newer schema) fails loudly here instead of deep inside a caller.
 */
export class Sql {
  private readonly statements = new Map<string, Statement>();

  constructor(readonly db: Database) {}

  run(sql: string, params: Params = []): void {
    const statement = this.prepare(sql);
    try {
      statement.run(params);
    } finally {
      statement.reset();
    }
  }

  /** Changes made by the last INSERT, UPDATE or DELETE. */
  changes(): number {
    return this.db.getRowsModified();
  }

  all<T>(sql: string, params: Params, row: z.ZodType<T>): T[] {
    const statement = this.prepare(sql);
    const rows: T[] = [];
    try {
      statement.bind(params);
      while (statement.step()) rows.push(parseRow(row, statement.getAsObject(), sql));
    } finally {
      statement.reset();
    }
    return rows;
  }

  get<T>(sql: string, params: Params, row: z.ZodType<T>): T | undefined {
    return this.all(sql, params, row)[0];
  }

  /** Runs `body` in a transaction: all of it or none of it. */
  transaction<T>(body: () => T): T {
    this.db.run('BEGIN');
    try {
      const result = body();
      this.db.run('COMMIT');
      return result;
    } catch (err) {
      this.db.run('ROLLBACK');
      throw err;
    }
  }

  /** Frees the cached statements (before close, and whenever sql.js may have invalidated them). */
  forget(): void {
    for (const statement of this.statements.values()) statement.free();
    this.statements.clear();
  }

  private prepare(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

function parseRow<T>(schema: z.ZodType<T>, row: unknown, sql: string): T {
  const parsed = schema.safeParse(row);
  if (!parsed.success) throw new Error(`Plumbline store: unexpected row from "${sql.slice(0, 60)}…": ${parsed.error.message}`);
  return parsed.data;
}
