import type { Database } from 'sql.js';

/**
 * The database schema (SPEC §8), as an ordered list of migrations: migration i takes the file
 * from schema version i to i + 1, kept in SQLite's `user_version`. Never edit a migration that
 * has shipped; add a new one. Times are milliseconds since the epoch (INTEGER), JSON is TEXT.
 */
export type Migration = string | ((db: Database) => void);

export const migrations: readonly Migration[] = [
  `CREATE TABLE conversations (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX conversations_by_updated ON conversations (updated_at);
   CREATE TABLE messages (
     id INTEGER PRIMARY KEY,
     conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
   CREATE TABLE runs (
     id TEXT PRIMARY KEY,
     conversation_id TEXT REFERENCES conversations (id) ON DELETE SET NULL,
     task_file TEXT,
     task_id TEXT,
     prompt TEXT NOT NULL,
     provider TEXT NOT NULL,
     model TEXT NOT NULL,
     state TEXT NOT NULL,
     started_at INTEGER NOT NULL,
     ended_at INTEGER,
     steps INTEGER NOT NULL DEFAULT 0,
     input_tokens INTEGER NOT NULL DEFAULT 0,
     output_tokens INTEGER NOT NULL DEFAULT 0,
     cost REAL NOT NULL DEFAULT 0,
     error TEXT
   );
   CREATE INDEX runs_by_started ON runs (started_at);
   CREATE INDEX runs_by_conversation ON runs (conversation_id);
   CREATE TABLE events (
     id INTEGER PRIMARY KEY,
     run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
     seq INTEGER NOT NULL,
     type TEXT NOT NULL,
     at INTEGER NOT NULL,
     data TEXT NOT NULL
   );
   CREATE UNIQUE INDEX events_by_run ON events (run_id, seq);
   CREATE TABLE agents (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     kind TEXT NOT NULL CHECK (kind IN ('own', 'hub')),
     state TEXT NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'quarantined')),
     quarantined_at INTEGER,
     reason TEXT
   );
   CREATE TABLE violations (
     id INTEGER PRIMARY KEY,
     run_id TEXT REFERENCES runs (id) ON DELETE CASCADE,
     agent_id TEXT,
     file TEXT NOT NULL,
     kind TEXT NOT NULL,
     severity TEXT NOT NULL,
     line INTEGER NOT NULL,
     message TEXT NOT NULL,
     at INTEGER NOT NULL
   );
   CREATE INDEX violations_by_run ON violations (run_id);
   CREATE INDEX violations_by_agent ON violations (agent_id, at);
   CREATE INDEX violations_by_at ON violations (at);
   CREATE TABLE settings (
     key TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
];

/** What the code reads and writes; a file without these columns is unusable. */
export const expectedColumns: Record<string, string[]> = {
  conversations: ['id', 'title', 'created_at', 'updated_at'],
  messages: ['id', 'conversation_id', 'role', 'content', 'created_at'],
  runs: ['id', 'conversation_id', 'task_file', 'task_id', 'prompt', 'provider', 'model', 'state', 'started_at', 'ended_at', 'steps', 'input_tokens', 'output_tokens', 'cost', 'error'],
  events: ['id', 'run_id', 'seq', 'type', 'at', 'data'],
  violations: ['id', 'run_id', 'agent_id', 'file', 'kind', 'severity', 'line', 'message', 'at'],
  agents: ['id', 'name', 'kind', 'state', 'quarantined_at', 'reason'],
  settings: ['key', 'value'],
};

/**
 * Connection settings, not stored in the file. Applied on open and again after every export():
 * older sql.js versions closed and reopened the database to export it, which reset them, and a
 * store without foreign_keys would silently stop cascading deletes.
 * sql.js keeps its file in emscripten's in-memory file system, so a rollback journal there, and
 * syncing it, only slow every commit down (about tenfold); durability comes from our own atomic
 * save of the exported bytes. A journal in memory still lets a transaction roll back.
 */
export function applyPragmas(db: Database): void {
  db.run('PRAGMA foreign_keys = ON');
  db.run('PRAGMA journal_mode = MEMORY');
  db.run('PRAGMA synchronous = OFF');
}

export function schemaVersion(db: Database): number {
  return Number(db.exec('PRAGMA user_version')[0]?.values[0]?.[0] ?? 0);
}

/**
 * Brings the file up to the latest version, one migration per transaction, so a failure leaves
 * the file at the last version that completed. Foreign keys are off while migrating because a
 * migration that rebuilds a table (SQLite's only way to change most columns) would otherwise
 * cascade deletes into the tables that point at it; they are checked once it is done.
 */
export function migrate(db: Database, list: readonly Migration[] = migrations): { from: number; to: number } {
  const from = schemaVersion(db);
  if (from >= list.length) return { from, to: from };
  db.run('PRAGMA foreign_keys = OFF');
  try {
    for (let version = from; version < list.length; version++) {
      const migration = list[version];
      db.run('BEGIN');
      try {
        if (typeof migration === 'string') db.exec(migration);
        else migration(db);
        const broken = db.exec('PRAGMA foreign_key_check');
        if (broken.length) throw new Error(`migration to version ${version + 1} left ${broken[0].values.length} rows pointing at nothing`);
        db.run(`PRAGMA user_version = ${version + 1}`);
        db.run('COMMIT');
      } catch (err) {
        db.run('ROLLBACK');
        throw err;
      }
    }
  } finally {
    applyPragmas(db);
  }
  return { from, to: list.length };
}

/** Undefined when every expected table and column is there, else what is missing. */
export function schemaProblem(db: Database): string | undefined {
  for (const [table, columns] of Object.entries(expectedColumns)) {
    const found = new Set(db.exec(`PRAGMA table_info(${table})`)[0]?.values.map((row) => String(row[1])) ?? []);
    if (!found.size) return `table ${table} is missing`;
    const missing = columns.filter((column) => !found.has(column));
    if (missing.length) return `table ${table} lacks ${missing.join(', ')}`;
  }
  return undefined;
}
