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
  private batching = false;

  constructor(
    readonly db: Database,
    private readonly onCommitError: (err: unknown) => void,
  ) {}

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

  /** Runs `body` all or nothing; works inside the batch transaction too (a savepoint nests). */
  transaction<T>(body: () => T): T {
    this.run('SAVEPOINT body');
    try {
      const result = body();
      this.run('RELEASE body');
      return result;
    } catch (err) {
      this.run('ROLLBACK TO body');
      this.run('RELEASE body');
      throw err;
    }
  }

  /**
   * Opens the batch transaction unless one is open; it commits when the current synchronous
   * stretch of code is over (a microtask). Each commit costs sql.js a round through its in-memory
   * file system, ten times the cost of an insert, so a loop of 10,000 appends pays it once.
   */
  batch(): void {
    if (this.batching) return;
    this.db.run('BEGIN');
    this.batching = true;
    queueMicrotask(() => {
      try {
        this.commit();
      } catch (err) {
        // Nobody to throw to from a microtask; the next save's commit() throws if it persists.
        this.onCommitError(err);
      }
    });
  }

  /** Ends the batch now: before export() and VACUUM, which must see it committed. */
  commit(): void {
    if (!this.batching) return;
    this.batching = false;
    this.db.run('COMMIT');
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
