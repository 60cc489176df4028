import type { ViolationKind, ViolationSeverity } from '../guard/model';
import { agentRow, violationRow, type Agent, type AgentKind, type AgentState, type ViolationRecord } from './records';
import type { Sql } from './sql';

/** The guard's findings on agent edits, and the agents it may quarantine (SPEC §2, §4, §6). */

export interface NewViolation {
  runId?: string | null;
  agentId?: string | null;
  file: string;
  kind: ViolationKind;
  severity: ViolationSeverity;
  line: number;
  message: string;
  at?: number;
}

export function addViolation(sql: Sql, now: number, v: NewViolation): ViolationRecord {
  const row = sql.get(
    'INSERT INTO violations (run_id, agent_id, file, kind, severity, line, message, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING *',
    [v.runId ?? null, v.agentId ?? null, v.file, v.kind, v.severity, v.line, v.message, v.at ?? now],
    violationRow,
  );
  if (!row) throw new Error('Plumbline store: INSERT … RETURNING gave no row');
  return row;
}

export interface ViolationQuery {
  runId?: string;
  agentId?: string;
  limit?: number;
}

/** Newest first; with neither runId nor agentId, every violation. */
export function violationsOf(sql: Sql, query: ViolationQuery): ViolationRecord[] {
  return sql.all(
    `SELECT * FROM violations WHERE (?1 IS NULL OR run_id = ?1) AND (?2 IS NULL OR agent_id = ?2) ORDER BY id DESC LIMIT ?3`,
    [query.runId ?? null, query.agentId ?? null, query.limit ?? -1],
    violationRow,
  );
}

/** Adds the agent or renames it; its state (quarantined or not) is kept. */
export function upsertAgent(sql: Sql, agent: { id: string; name: string; kind: AgentKind }): Agent {
  const row = sql.get(
    `INSERT INTO agents (id, name, kind) VALUES (?, ?, ?)
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, kind = excluded.kind RETURNING *`,
    [agent.id, agent.name, agent.kind],
    agentRow,
  );
  if (!row) throw new Error('Plumbline store: INSERT … RETURNING gave no row');
  return row;
}

/** Quarantine (with when and why) or release (which clears both). */
export function setAgentState(sql: Sql, now: number, id: string, state: AgentState, reason?: string): Agent {
  const row =
    state === 'quarantined'
      ? sql.get("UPDATE agents SET state = 'quarantined', quarantined_at = ?, reason = ? WHERE id = ? RETURNING *", [now, reason ?? null, id], agentRow)
      : sql.get("UPDATE agents SET state = 'active', quarantined_at = NULL, reason = NULL WHERE id = ? RETURNING *", [id], agentRow);
  if (!row) throw new Error(`Plumbline store: no agent ${id}`);
  return row;
}

export function getAgent(sql: Sql, id: string): Agent | undefined {
  return sql.get('SELECT * FROM agents WHERE id = ?', [id], agentRow);
}

export function listAgents(sql: Sql): Agent[] {
  return sql.all('SELECT * FROM agents ORDER BY name COLLATE NOCASE, id', [], agentRow);
}
