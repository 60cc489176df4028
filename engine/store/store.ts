import type { Database } from 'sql.js';
import type { Logger } from '../log';
import { addViolation, getAgent, listAgents, setAgentState, upsertAgent, violationsOf, type NewViolation, type ViolationQuery } from './agents';
import { writeFileAtomic } from '../fs';
import { addMessage, createConversation, deleteConversation, getConversation, listConversations, messagesOf, renameConversation } from './chat';
import type { Lock } from './lock';
import { openFile, type CorruptFile, type ReadOnly } from './openFile';
import type { Agent, AgentKind, AgentState, Conversation, Json, Message, MessageRole, Run, RunEvent, ViolationRecord } from './records';
import { appendEvent, createRun, eventsOf, getRun, listRuns, pruneRuns, runsOf, updateRun, type NewRun, type RunUpdate } from './runs';
import { applyPragmas, migrations, type Migration } from './schema';
import { getSetting, setSetting } from './settings';
import { Sql } from './sql';
import { loadSqlJs } from './sqlJs';

export interface StoreOptions {
  /** Retention: how many runs to keep, newest first (SPEC §8). Default 500. */
  keepRuns?: number;
  /** Saves are merged: at most one per this many ms. Default 1000. */
  saveIntervalMs?: number;
  log?: Logger;
  /** Called after each save reaches the disk (counts and timings, e.g. for tests and benches). */
  onSave?: (save: { bytes: number; ms: number }) => void;
  /** The clock for timestamps the caller does not give. */
  now?: () => number;
  /** The schema's migrations; only tests pass their own, to check upgrades of older files. */
  migrations?: readonly Migration[];
}

/** Thrown by every write to a store that opened read-only; the message says why. */
export class StoreReadOnlyError extends Error {
  override name = 'StoreReadOnlyError';
}

/**
 * Plumbline's persistence for one workspace (SPEC §8): a sql.js database in memory, saved to
 * `file` atomically, at most once per `saveIntervalMs` and on `flush()`/`close()`. Writes are
 * synchronous and in memory; a write marks the store dirty and schedules the next save.
 */
export class Store {
  private readonly sql: Sql;
  private readonly keepRuns: number;
  private readonly interval: number;
  private readonly now: () => number;
  private dirty = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  private lastSaveAt = -Infinity;
  /** The last background save's failure, cleared by the next save that succeeds. */
  lastSaveError: Error | undefined;

  static async open(file: string, options: StoreOptions = {}): Promise<Store> {
    const opened = await openFile(await loadSqlJs(), file, options.migrations ?? migrations);
    const store = new Store(file, opened.db, opened.lock, opened.readOnly, opened.corrupt, options);
    if (opened.corrupt) options.log?.warn(`Plumbline store: ${file} was not a usable database (${opened.corrupt.reason}); moved it to ${opened.corrupt.movedTo} and started a new one`);
    if (opened.readOnly) options.log?.warn(opened.readOnly.reason);
    if (!opened.readOnly) {
      store.prune();
      if (opened.changed) store.markDirty();
    }
    return store;
  }

  private constructor(
    readonly file: string,
    private readonly db: Database,
    private readonly lock: Lock | undefined,
    /** Set when this store never writes its file, with the reason for a person. */
    readonly readOnly: ReadOnly | undefined,
    /** Set when the file was not a usable database and was moved aside. */
    readonly corrupt: CorruptFile | undefined,
    private readonly options: StoreOptions,
  ) {
    this.sql = new Sql(db, (err) => options.log?.error(`Plumbline store: commit failed: ${err instanceof Error ? err.message : String(err)}`));
    this.keepRuns = options.keepRuns ?? 500;
    this.interval = options.saveIntervalMs ?? 1000;
    this.now = options.now ?? Date.now;
  }

  // Conversations and messages
  createConversation(title: string): Conversation {
    return this.write((sql, now) => createConversation(sql, now, title));
  }
  getConversation(id: string): Conversation | undefined {
    return getConversation(this.read(), id);
  }
  listConversations(limit = 200): Conversation[] {
    return listConversations(this.read(), limit);
  }
  renameConversation(id: string, title: string): boolean {
    return this.write((sql, now) => renameConversation(sql, now, id, title));
  }
  deleteConversation(id: string): boolean {
    return this.write((sql) => deleteConversation(sql, id));
  }
  addMessage(conversationId: string, role: MessageRole, content: Json): Message {
    return this.write((sql, now) => addMessage(sql, now, conversationId, role, content));
  }
  messagesOf(conversationId: string): Message[] {
    return messagesOf(this.read(), conversationId);
  }

  // Runs and their events
  createRun(run: NewRun): Run {
    return this.write((sql, now) => createRun(sql, now, run));
  }
  updateRun(id: string, update: RunUpdate): Run {
    return this.write((sql) => updateRun(sql, id, update));
  }
  getRun(id: string): Run | undefined {
    return getRun(this.read(), id);
  }
  listRuns(limit = 100): Run[] {
    return listRuns(this.read(), limit);
  }
  runsOf(conversationId: string): Run[] {
    return runsOf(this.read(), conversationId);
  }
  appendEvent(runId: string, type: string, data: Json): RunEvent {
    return this.write((sql, now) => appendEvent(sql, now, runId, type, data));
  }
  eventsOf(runId: string): RunEvent[] {
    return eventsOf(this.read(), runId);
  }

  // Guard findings and agents
  addViolation(violation: NewViolation): ViolationRecord {
    return this.write((sql, now) => addViolation(sql, now, violation));
  }
  violationsOf(query: ViolationQuery = {}): ViolationRecord[] {
    return violationsOf(this.read(), query);
  }
  upsertAgent(agent: { id: string; name: string; kind: AgentKind }): Agent {
    return this.write((sql) => upsertAgent(sql, agent));
  }
  setAgentState(id: string, state: AgentState, reason?: string): Agent {
    return this.write((sql, now) => setAgentState(sql, now, id, state, reason));
  }
  getAgent(id: string): Agent | undefined {
    return getAgent(this.read(), id);
  }
  listAgents(): Agent[] {
    return listAgents(this.read());
  }

  // Settings (never secrets)
  getSetting(key: string): Json | undefined {
    return getSetting(this.read(), key);
  }
  setSetting(key: string, value: Json | undefined): void {
    this.write((sql) => setSetting(sql, key, value));
  }

  /**
   * Retention: drops runs beyond the newest `keepRuns` with their events and violations. Called
   * on open; the caller calls it again when a run ends. Returns how many runs went.
   */
  prune(): number {
    if (this.readOnly) return 0;
    const sql = this.read();
    sql.batch();
    const deleted = pruneRuns(sql, this.keepRuns);
    if (deleted.runs + deleted.violations === 0) return 0;
    this.compactIfSparse();
    this.markDirty();
    return deleted.runs;
  }

  /** Schedules a save: now if none happened in the last interval, else when the interval ends. */
  markDirty(): void {
    if (this.readOnly || this.closed) return;
    this.dirty = true;
    if (!this.timer && !this.saving) this.schedule();
  }

  /** Saves now if anything changed since the last save, and waits for any save under way. */
  async flush(): Promise<void> {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    while (this.saving) await this.saving.catch(() => undefined);
    if (this.dirty && !this.readOnly) await this.saveNow();
  }

  /** Saves now, changed or not. */
  async save(): Promise<void> {
    if (this.readOnly) throw new StoreReadOnlyError(this.readOnly.reason);
    this.dirty = true;
    await this.flush();
  }

  /** Saves what is unsaved, releases the lock and frees the database. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.flush();
    } finally {
      this.closed = true;
      clearTimeout(this.timer);
      this.sql.commit();
      this.sql.forget();
      this.db.close();
      await this.lock?.release();
    }
  }

  private read(): Sql {
    if (this.closed) throw new Error(`Plumbline store: ${this.file} is closed`);
    return this.sql;
  }

  private write<T>(body: (sql: Sql, now: number) => T): T {
    const sql = this.read();
    if (this.readOnly) throw new StoreReadOnlyError(this.readOnly.reason);
    sql.batch();
    // A savepoint per write: one that fails, even on checking the row it wrote, leaves no trace.
    const result = sql.transaction(() => body(sql, this.now()));
    this.markDirty();
    return result;
  }

  private schedule(): void {
    const delay = Math.max(0, this.lastSaveAt + this.interval - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined);
    }, delay);
    // A pending save must not keep a CLI process alive; close() is what saves on the way out.
    this.timer.unref();
  }

  private saveNow(): Promise<void> {
    const started = performance.now();
    this.lastSaveAt = Date.now();
    let bytes: Uint8Array;
    try {
      this.sql.commit();
      bytes = this.db.export();
    } finally {
      applyPragmas(this.db);
    }
    this.dirty = false;
    this.saving = writeFileAtomic(this.file, bytes, { mode: 0o600 })
      .then(
        () => {
          if (this.lastSaveError) this.options.log?.info(`Plumbline store: saved ${this.file} again`);
          this.lastSaveError = undefined;
          this.options.onSave?.({ bytes: bytes.length, ms: performance.now() - started });
        },
        (err: unknown) => {
          this.dirty = true;
          const error = err instanceof Error ? err : new Error(String(err));
          if (!this.lastSaveError) this.options.log?.error(`Plumbline store: cannot save ${this.file}: ${error.message}; will retry`);
          this.lastSaveError = error;
          throw error;
        },
      )
      .finally(() => {
        this.saving = undefined;
        if (this.dirty && !this.closed && !this.timer) this.schedule();
      });
    return this.saving;
  }

  /** Deleted rows leave free pages that every save still writes; rewrite the file once they pile up. */
  private compactIfSparse(): void {
    const [free, total] = ['freelist_count', 'page_count'].map((pragma) => Number(this.db.exec(`PRAGMA ${pragma}`)[0]?.values[0]?.[0] ?? 0));
    if (free * 4 <= total) return;
    this.sql.commit();
    this.db.run('VACUUM');
  }
}
