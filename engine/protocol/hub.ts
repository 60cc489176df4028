import { z } from 'zod';
import { statuses } from '../plans/model';
import { SettableStatus } from './plans';
import { ViolationJson } from './violations';

/**
 * The agent hub's protocol (SPEC §6): JSON-RPC 2.0 over a WebSocket on 127.0.0.1. Every method
 * is declared once here — its name, the zod schema of its params and of its result, and who
 * sends it — and both the hub (engine/hub/server.ts) and the client library
 * (engine/hub/client.ts) import these. docs/hub-protocol.md describes the same messages for
 * people writing agents in other languages.
 */

/** The header a client sends its token in (the token is in the lock file, SPEC §6). */
export const tokenHeader = 'x-plumbline-token';
/** The largest frame the hub accepts: ws closes the connection with 1009 above it. */
export const maxPayloadBytes = 1024 * 1024;

/** JSON-RPC error codes: the standard ones, then the hub's own (-32000 to -32099 are for servers). */
export const ErrorCode = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  /** A method other than `hello` before `hello`. */
  helloFirst: -32001,
  /** The agent is quarantined until a person releases it. */
  quarantined: -32002,
  /** A person stopped the agent (Stop All Agents, or Stop on its run). */
  stopped: -32003,
  /** Another agent holds the task. */
  claimed: -32004,
  /** The plan refused: no such task, a task already done, a file that cannot be read. */
  planError: -32005,
  /** A path outside the workspace (after symlinks), or empty. */
  pathRefused: -32006,
  /** Nobody answered in time (a question, the guard). */
  timeout: -32007,
} as const;

const AgentName = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[\p{L}\p{N} ._@:/+-]+$/u, 'letters, digits, spaces and . _ @ : / + - only');

const RelativePath = z.string().min(1).max(4096);
/** A file's text: up to the frame size, which ws enforces first. */
const Text = z.string().max(maxPayloadBytes);

/** A task as an agent sees it: lines 1-based, the file relative to the workspace. */
export const HubTask = z.object({
  file: z.string(),
  id: z.string(),
  title: z.string(),
  status: z.enum(statuses),
  priority: z.string().nullable(),
  dependencies: z.array(z.string()),
  line: z.number().int().positive(),
  deliverables: z.array(z.object({ line: z.number().int().positive(), text: z.string(), done: z.boolean() })),
});
export type HubTask = z.infer<typeof HubTask>;


/** A request an agent sends and the hub answers. */
function request<M extends string, P extends z.ZodType, R extends z.ZodType>(method: M, params: P, result: R) {
  return { method, params, result } as const;
}

/** Sent by an agent, first on every connection: who it is. The name identifies the agent across connections. */
export const Hello = request(
  'hello',
  z.object({ name: AgentName, version: z.string().max(50).default(''), pid: z.number().int().positive().optional() }).strict(),
  z.object({
    agentId: z.string(),
    hubVersion: z.string(),
    workspaceFolders: z.array(z.string()),
    /** How often the hub expects a heartbeat (or any message) from a working agent. */
    heartbeatMs: z.number().int().positive(),
    /** Set when a person has not yet released the agent from an earlier quarantine. */
    quarantined: z.object({ reason: z.string() }).nullable(),
  }),
);

/** Sent by an agent: every plan of the workspace with its tasks. */
export const ListTasks = request('tasks/list', z.object({}).strict(), z.object({ plans: z.array(z.object({ file: z.string(), tasks: z.array(HubTask) })) }));

/** Sent by an agent: the highest-priority task that is ready (dependencies done), or null. */
export const NextTask = request('tasks/next', z.object({}).strict(), z.object({ task: HubTask.nullable() }));

/**
 * Sent by an agent: it takes the task. The task goes in progress in its plan file and a run
 * starts in Mission Control; refused while another agent holds it, or when it is done.
 */
export const ClaimTask = request('tasks/claim', z.object({ file: RelativePath, id: z.string().min(1).max(200) }).strict(), z.object({ task: HubTask, runId: z.string() }));

/** Sent by an agent: a task's status, written into the plan file. Done, blocked or todo on its claimed task ends its run. */
export const SetTaskStatus = request(
  'tasks/setStatus',
  z.object({ file: RelativePath, id: z.string().min(1).max(200), status: SettableStatus }).strict(),
  z.object({ task: HubTask }),
);

/**
 * Sent by an agent after it changed a file: the text before (null for a new file) and after.
 * The guard checks it; findings show as diagnostics in VS Code; a placeholder drop quarantines
 * the agent (the answer says so; a `quarantined` notification is sent as well, before the answer).
 */
export const ReportEdit = request(
  'edits/report',
  z.object({ path: RelativePath, before: Text.nullable(), after: Text }).strict(),
  z.object({ violations: z.array(ViolationJson), quarantined: z.boolean() }),
);

/** Sent by an agent: a question for the person, shown in the chat; the answer comes back (30 minutes at most). */
export const Ask = request('ask', z.object({ question: z.string().trim().min(1).max(10_000) }).strict(), z.object({ answer: z.string() }));

/** Sent by an agent while it works, so the hub knows it is alive (any message counts as well). */
export const Heartbeat = request('heartbeat', z.object({}).strict(), z.object({ at: z.number() }));

export const hubRequests = [Hello, ListTasks, NextTask, ClaimTask, SetTaskStatus, ReportEdit, Ask, Heartbeat] as const;
export type HubRequest = (typeof hubRequests)[number];
export type ParamsOf<R extends HubRequest> = z.infer<R['params']>;
export type ResultOf<R extends HubRequest> = z.infer<R['result']>;

/** Notifications the hub sends to agents. */
export const StopNotification = { method: 'stop' as const, params: z.object({ reason: z.string() }) } as const;
export const QuarantinedNotification = { method: 'quarantined' as const, params: z.object({ reason: z.string(), file: z.string(), violations: z.array(ViolationJson) }) } as const;
export const ReleasedNotification = { method: 'released' as const, params: z.object({}) } as const;
export const hubNotifications = [StopNotification, QuarantinedNotification, ReleasedNotification] as const;
type NotificationOf<N extends (typeof hubNotifications)[number]> = { method: N['method']; params: z.infer<N['params']> };
export type HubNotification = NotificationOf<typeof StopNotification> | NotificationOf<typeof QuarantinedNotification> | NotificationOf<typeof ReleasedNotification>;

// ── the JSON-RPC envelopes ───────────────────────────────────────────────────

const Id = z.union([z.string().max(200), z.number().int()]);

/** A message from an agent: a request (with an id) or a notification (without). */
export const IncomingMessage = z.object({ jsonrpc: z.literal('2.0'), id: Id.optional(), method: z.string().max(100), params: z.unknown().optional() }).strict();
export type IncomingMessage = z.infer<typeof IncomingMessage>;

export const RpcError = z.object({ code: z.number().int(), message: z.string(), data: z.unknown().optional() });
export type RpcError = z.infer<typeof RpcError>;

/** A message from the hub: an answer to a request, or a notification. */
export const OutgoingMessage = z.union([
  z.object({ jsonrpc: z.literal('2.0'), id: Id.nullable(), result: z.unknown() }).strict(),
  z.object({ jsonrpc: z.literal('2.0'), id: Id.nullable(), error: RpcError }).strict(),
  z.object({ jsonrpc: z.literal('2.0'), method: z.string(), params: z.unknown() }).strict(),
]);
export type OutgoingMessage = z.infer<typeof OutgoingMessage>;

/** The lock file `~/.plumbline/hub/<port>.lock` (SPEC §6), exactly these four fields. */
export const LockFile = z
  .object({ pid: z.number().int().positive(), port: z.number().int().min(1).max(65_535), token: z.string().regex(/^[0-9a-f]{32}$/), workspaceFolders: z.array(z.string()) })
  .strict();
export type LockFile = z.infer<typeof LockFile>;

/** The environment variable terminals opened in VS Code get (the token stays in the lock file). */
export const portVariable = 'PLUMBLINE_HUB_PORT';
