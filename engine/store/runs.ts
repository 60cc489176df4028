import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { eventRow, runRow, type Json, type Run, type RunEvent, type RunState } from './records';
import type { Params, Sql } from './sql';

/** Agent runs and the events of each (SPEC §4 "Runs" and "Trace"), and their retention. */

export interface NewRun {
  /** Chosen by the store (a UUID) unless the caller already named the run. */
  id?: string;
  conversationId?: string | null;
  taskFile?: string | null;
  taskId?: string | null;
  prompt: string;
  provider: string;
  model: string;
  state?: RunState;
  startedAt?: number;
}

export type RunUpdate = Partial<Pick<Run, 'state' | 'endedAt' | 'steps' | 'inputTokens' | 'outputTokens' | 'cost' | 'error'>>;

const columnOf: Record<keyof RunUpdate, string> = {
  state: 'state',
  endedAt: 'ended_at',
  steps: 'steps',
  inputTokens: 'input_tokens',
  outputTokens: 'output_tokens',
  cost: 'cost',
  error: 'error',
};

export function createRun(sql: Sql, now: number, run: NewRun): Run {
  const row = sql.get(
    `INSERT INTO runs (id, conversation_id, task_file, task_id, prompt, provider, model, state, started_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *`,
    [run.id ?? randomUUID(), run.conversationId ?? null, run.taskFile ?? null, run.taskId ?? null, run.prompt, run.provider, run.model, run.state ?? 'queued', run.startedAt ?? now],
    runRow,
  );
  if (!row) throw new Error('Plumbline store: INSERT … RETURNING gave no row');
  return row;
}

export function updateRun(sql: Sql, id: string, update: RunUpdate): Run {
  const keys = (Object.keys(update) as (keyof RunUpdate)[]).filter((key) => key in columnOf && update[key] !== undefined);
  const values: Params = keys.map((key) => update[key] ?? null);
  const assignments = keys.map((key) => `${columnOf[key]} = ?`);
  // With nothing to change this still reads the run back, so a missing run is an error either way.
  const row = keys.length
    ? sql.get(`UPDATE runs SET ${assignments.join(', ')} WHERE id = ? RETURNING *`, [...values, id], runRow)
    : getRun(sql, id);
  if (!row) throw new Error(`Plumbline store: no run ${id}`);
  return row;
}

export function getRun(sql: Sql, id: string): Run | undefined {
  return sql.get('SELECT * FROM runs WHERE id = ?', [id], runRow);
}

/** Newest first. */
export function listRuns(sql: Sql, limit: number): Run[] {
  return sql.all('SELECT * FROM runs ORDER BY started_at DESC, rowid DESC LIMIT ?', [limit], runRow);
}

/** A conversation's runs, oldest first, as the chat shows them. */
export function runsOf(sql: Sql, conversationId: string): Run[] {
  return sql.all('SELECT * FROM runs WHERE conversation_id = ? ORDER BY started_at, rowid', [conversationId], runRow);
}

const appended = z.object({ id: z.number(), seq: z.number() });

/** The event gets the next seq of its run, computed in the same statement that inserts it. */
export function appendEvent(sql: Sql, now: number, runId: string, type: string, data: Json): RunEvent {
  let row: z.infer<typeof appended> | undefined;
  try {
    row = sql.get(
      `INSERT INTO events (run_id, seq, type, at, data)
       VALUES (?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM events WHERE run_id = ?), ?, ?, ?) RETURNING id, seq`,
      [runId, runId, type, now, JSON.stringify(data)],
      appended,
    );
  } catch (err) {
    if (err instanceof Error && /FOREIGN KEY/.test(err.message)) throw new Error(`Plumbline store: no run ${runId}`);
    throw err;
  }
  if (!row) throw new Error('Plumbline store: INSERT … RETURNING gave no row');
  return { id: row.id, runId, seq: row.seq, type, at: now, data };
}

export function eventsOf(sql: Sql, runId: string): RunEvent[] {
  return sql.all('SELECT * FROM events WHERE run_id = ? ORDER BY seq', [runId], eventRow);
}

/**
 * Keeps the newest `keep` runs; older ones go with their events and violations (ON DELETE
 * CASCADE). Violations that belong to no run (edits of hub agents outside a run) would otherwise
 * grow without end, so only the newest `VIOLATIONS_PER_RUN × keep` of those stay.
 */
export function pruneRuns(sql: Sql, keep: number): { runs: number; violations: number } {
  return sql.transaction(() => {
    sql.run('DELETE FROM runs WHERE rowid IN (SELECT rowid FROM runs ORDER BY started_at DESC, rowid DESC LIMIT -1 OFFSET ?)', [keep]);
    const runs = sql.changes();
    sql.run('DELETE FROM violations WHERE id IN (SELECT id FROM violations WHERE run_id IS NULL ORDER BY id DESC LIMIT -1 OFFSET ?)', [VIOLATIONS_PER_RUN * keep]);
    return { runs, violations: sql.changes() };
  });
}

export const VIOLATIONS_PER_RUN = 10;
