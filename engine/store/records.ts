import { z } from 'zod';
import { severityOf, type ViolationKind, type ViolationSeverity } from '../guard/model';

/**
 * What the store hands out: plain data, camelCase, times in ms since the epoch, absent values as
 * null (these records go as they are into JSON for the webviews). Each row is checked with the
 * zod schema beside its type as it leaves the database, JSON columns included.
 */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const json: z.ZodType<Json> = z.json();

/** A TEXT column holding JSON: parsed, then checked to be plain JSON data. */
const jsonText = z
  .string()
  .transform((text, ctx): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
      return z.NEVER;
    }
  })
  .pipe(json);

const id = z.string();
const time = z.number();
const count = z.number().int().nonnegative();
const optionalText = z.string().nullable();

export interface Conversation {
  id: string;
  title: string;
  createdAt: number;
  updatedAt: number;
}
export const conversationRow: z.ZodType<Conversation> = z
  .object({ id, title: z.string(), created_at: time, updated_at: time })
  .transform((r) => ({ id: r.id, title: r.title, createdAt: r.created_at, updatedAt: r.updated_at }));

export const messageRoles = ['system', 'user', 'assistant', 'tool'] as const;
export type MessageRole = (typeof messageRoles)[number];

export interface Message {
  id: number;
  conversationId: string;
  role: MessageRole;
  content: Json;
  createdAt: number;
}
export const messageRow: z.ZodType<Message> = z
  .object({ id: count, conversation_id: id, role: z.enum(messageRoles), content: jsonText, created_at: time })
  .transform((r) => ({ id: r.id, conversationId: r.conversation_id, role: r.role, content: r.content, createdAt: r.created_at }));

/** SPEC §4's run state machine. */
export const runStates = ['queued', 'running', 'waiting-approval', 'waiting-user', 'done', 'failed', 'stopped', 'quarantined'] as const;
export type RunState = (typeof runStates)[number];

export interface Run {
  id: string;
  conversationId: string | null;
  taskFile: string | null;
  taskId: string | null;
  prompt: string;
  provider: string;
  model: string;
  state: RunState;
  startedAt: number;
  endedAt: number | null;
  steps: number;
  inputTokens: number;
  outputTokens: number;
  cost: number;
  error: string | null;
}
export const runRow: z.ZodType<Run> = z
  .object({
    id,
    conversation_id: optionalText,
    task_file: optionalText,
    task_id: optionalText,
    prompt: z.string(),
    provider: z.string(),
    model: z.string(),
    state: z.enum(runStates),
    started_at: time,
    ended_at: time.nullable(),
    steps: count,
    input_tokens: count,
    output_tokens: count,
    cost: z.number().nonnegative(),
    error: optionalText,
  })
  .transform((r) => ({
    id: r.id,
    conversationId: r.conversation_id,
    taskFile: r.task_file,
    taskId: r.task_id,
    prompt: r.prompt,
    provider: r.provider,
    model: r.model,
    state: r.state,
    startedAt: r.started_at,
    endedAt: r.ended_at,
    steps: r.steps,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    cost: r.cost,
    error: r.error,
  }));

export interface RunEvent {
  id: number;
  runId: string;
  /** 1, 2, 3… within its run, in the order the events were appended. */
  seq: number;
  type: string;
  at: number;
  data: Json;
}
export const eventRow: z.ZodType<RunEvent> = z
  .object({ id: count, run_id: id, seq: count, type: z.string(), at: time, data: jsonText })
  .transform((r) => ({ id: r.id, runId: r.run_id, seq: r.seq, type: r.type, at: r.at, data: r.data }));

export interface ViolationRecord {
  id: number;
  runId: string | null;
  agentId: string | null;
  file: string;
  kind: ViolationKind;
  severity: ViolationSeverity;
  line: number;
  message: string;
  at: number;
}
// From the guard's own table, so a kind the guard adds is accepted here without a second list.
const violationKinds = Object.keys(severityOf) as [ViolationKind, ...ViolationKind[]];
const severities = [...new Set(Object.values(severityOf))] as [ViolationSeverity, ...ViolationSeverity[]];
export const violationRow: z.ZodType<ViolationRecord> = z
  .object({ id: count, run_id: optionalText, agent_id: optionalText, file: z.string(), kind: z.enum(violationKinds), severity: z.enum(severities), line: count, message: z.string(), at: time })
  .transform((r) => ({ id: r.id, runId: r.run_id, agentId: r.agent_id, file: r.file, kind: r.kind, severity: r.severity, line: r.line, message: r.message, at: r.at }));

export type AgentKind = 'own' | 'hub';
export type AgentState = 'active' | 'quarantined';

export interface Agent {
  id: string;
  name: string;
  kind: AgentKind;
  state: AgentState;
  quarantinedAt: number | null;
  reason: string | null;
}
export const agentRow: z.ZodType<Agent> = z
  .object({ id, name: z.string(), kind: z.enum(['own', 'hub']), state: z.enum(['active', 'quarantined']), quarantined_at: time.nullable(), reason: optionalText })
  .transform((r) => ({ id: r.id, name: r.name, kind: r.kind, state: r.state, quarantinedAt: r.quarantined_at, reason: r.reason }));

export const settingRow = z.object({ value: jsonText });
