import { z } from 'zod';
import { runStates } from '../store/records';
import { messageSet, messageType, type MessageOf, type ViewProtocol } from './messages';

/**
 * Messages between Mission Control (the runs webview panel, SPEC §5) and the extension host.
 * Compiled into both bundles; each side validates what it receives against these declarations.
 */

/** Any JSON value: event payloads as the store keeps them. */
const Json: z.ZodType<unknown> = z.json();

/** One run, Plumbline's own or a hub agent's. Times are epoch milliseconds. */
export const RunRow = z
  .object({
    id: z.string(),
    /** Who ran it: "qwen2.5-coder (Ollama)", or the hub agent's name. */
    agent: z.string(),
    agentKind: z.enum(['own', 'hub']),
    state: z.enum(runStates),
    prompt: z.string(),
    task: z.object({ file: z.string(), id: z.string() }).strict().nullable(),
    model: z.string(),
    startedAt: z.number(),
    endedAt: z.number().nullable(),
    steps: z.number().int().nonnegative(),
    tokens: z.number().int().nonnegative(),
    cost: z.number().nonnegative(),
    error: z.string().nullable(),
  })
  .strict();
export type RunRow = z.infer<typeof RunRow>;

/** One event of a run, as recorded (SPEC §4 "Trace"). `seq` orders a run's events. */
export const RunEventRow = z.object({ seq: z.number().int().positive(), type: z.string(), at: z.number(), data: Json }).strict();
export type RunEventRow = z.infer<typeof RunEventRow>;

export const QuarantineRow = z.object({ agentId: z.string(), agent: z.string(), reason: z.string(), at: z.number(), runId: z.string().nullable() }).strict();
export type QuarantineRow = z.infer<typeof QuarantineRow>;

/** One day of history for the charts (local day, YYYY-MM-DD). */
export const DayStats = z
  .object({
    day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
    runs: z.number().int().nonnegative(),
    /** Runs that ended done. Success rate = done / finished. */
    done: z.number().int().nonnegative(),
    finished: z.number().int().nonnegative(),
    /** Runs with at least one guard violation. Violation rate = withViolations / runs. */
    withViolations: z.number().int().nonnegative(),
    tokens: z.number().int().nonnegative(),
  })
  .strict();
export type DayStats = z.infer<typeof DayStats>;

// ── webview → host ──────────────────────────────────────────────────────────

export const Ready = messageType('ready', z.object({}).strict());
/** Shows a run's events; the host answers with `runDetail` and then streams `runEvent`s of it. */
export const SelectRun = messageType('selectRun', z.object({ runId: z.string().min(1) }).strict());
export const StopRun = messageType('stopRun', z.object({ runId: z.string().min(1) }).strict());
/** "Stop All Agents". */
export const StopAll = messageType('stopAll', z.object({}).strict());
export const Release = messageType('release', z.object({ agentId: z.string().min(1) }).strict());
/** Opens the run's conversation in the chat. */
export const OpenConversation = messageType('openConversation', z.object({ runId: z.string().min(1) }).strict());
export const ReportProblem = messageType('reportProblem', z.object({ message: z.string().max(2000) }).strict());

export const fromWebview = messageSet(Ready, SelectRun, StopRun, StopAll, Release, OpenConversation, ReportProblem);

// ── host → webview ──────────────────────────────────────────────────────────

/** Every run the view lists (newest first, at most 500), sent on `ready` and when runs change. */
export const Runs = messageType('runs', z.object({ runs: z.array(RunRow) }).strict());
/** A run's recorded events, in order. */
export const RunDetail = messageType('runDetail', z.object({ run: RunRow, events: z.array(RunEventRow) }).strict());
/** A new event of the selected run. */
export const RunEvent = messageType('runEvent', z.object({ runId: z.string(), event: RunEventRow }).strict());
export const Quarantines = messageType('quarantines', z.object({ items: z.array(QuarantineRow) }).strict());
/** Per-day history for the charts, oldest day first (the last 30 days with runs). */
export const Stats = messageType('stats', z.object({ days: z.array(DayStats) }).strict());

export const toWebview = messageSet(Runs, RunDetail, RunEvent, Quarantines, Stats);
export type ToMissionControl = MessageOf<(typeof toWebview.types)[number]>;

export const missionControlProtocol: ViewProtocol<typeof fromWebview.types, typeof toWebview.types> = { fromWebview, toWebview };

/** The panel's <title>: how tests find its frame in the workbench. */
export const missionControlTitle = 'Plumbline Mission Control';
