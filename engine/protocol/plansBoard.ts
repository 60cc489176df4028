import { z } from 'zod';
import { messageSet, messageType, type MessageOf, type ViewProtocol } from './messages';
import { PlanSummary, SettableStatus } from './plans';

/** Messages between the Plans board webview panel and the extension host. */

// ── webview → host ──────────────────────────────────────────────────────────

/** The board has rendered and wants the plans. */
export const Ready = messageType('ready', z.object({}).strict());
/** Open a plan file at a line (a task or deliverable was clicked). */
export const OpenTask = messageType('openTask', z.object({ uri: z.string(), line: z.number().int().nonnegative() }).strict());
/** Change a task's status. */
export const SetStatus = messageType('setStatus', z.object({ uri: z.string(), taskId: z.string(), status: SettableStatus }).strict());
/** Tick or untick the checkbox on `line`, which the board showed with `text`. */
export const ToggleCheckbox = messageType(
  'toggleCheckbox',
  z.object({ uri: z.string(), line: z.number().int().nonnegative(), text: z.string() }).strict(),
);
/** "Run agent on this task". */
export const RunAgent = messageType('runAgent', z.object({ uri: z.string(), taskId: z.string() }).strict());
/** The board received a message it could not accept. */
export const ReportProblem = messageType('reportProblem', z.object({ message: z.string().max(2000) }).strict());

export const fromWebview = messageSet(Ready, OpenTask, SetStatus, ToggleCheckbox, RunAgent, ReportProblem);

// ── host → webview ──────────────────────────────────────────────────────────

/**
 * Every plan, sent on `ready` and whenever a plan changes. `ready`: plans have arrived;
 * `complete`: every plan of the workspace is among them (the server reads open plans first).
 */
export const Plans = messageType('plans', z.object({ plans: z.array(PlanSummary), ready: z.boolean(), complete: z.boolean() }).strict());
/** A message for the person, shown on the board (e.g. why an action did nothing). */
export const Notice = messageType('notice', z.object({ message: z.string() }).strict());

export const toWebview = messageSet(Plans, Notice);
export type ToBoard = MessageOf<(typeof toWebview.types)[number]>;

export const plansBoardProtocol: ViewProtocol<typeof fromWebview.types, typeof toWebview.types> = { fromWebview, toWebview };

/** The board page's <title>: how tests find its frame in the workbench. */
export const plansBoardTitle = 'Plumbline Plans Board';
