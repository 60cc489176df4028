import path from 'node:path';
// zod's functional build: a hook runs on every edit an agent makes, and loading zod's full API
// would cost it more than all the rest of the call (bench/hooks.bench.ts).
import * as z from '../zodMini';

/**
 * One agent harness's hooks (Claude Code, Gemini CLI, …): how its pre-edit hook payload names
 * the file and the edit, and how it wants a refusal. Each harness is one module of this shape
 * in `./index.ts`; `plumbline hook <harness>` (engine/cli/hook.ts) does the rest the same way
 * for all of them.
 */
export interface Harness {
  readonly name: string;
  /** What the payload asks: an edit to check, the end of a turn, or nothing to do (another tool, another event). */
  read(payload: unknown): HookRequest;
  /**
   * How this harness is told "no": what to print and the exit code. A harness whose hook runs
   * after the edit landed (Cursor) cannot refuse; it tells the agent what went wrong instead.
   */
  refuse(reason: string): HookAnswer;
  /** Harnesses with a stop hook: how the agent is told to keep going and do `reason` first. */
  keepGoing?(reason: string): HookAnswer;
}

export type HookRequest =
  /** One tool call's edits: one file (Write, Edit), or several (a Codex patch). */
  | { kind: 'edit'; cwd: string; session?: string; files: FileEdit[] }
  /** The agent is about to end its turn (Claude Code `Stop`, Gemini `AfterAgent`, …). */
  | { kind: 'stop'; cwd: string; session?: string }
  | { kind: 'pass' }
  | { kind: 'unreadable'; why: string };

/**
 * One file of a tool call. A hook that runs before the edit has the text before on disk and
 * works out the text after (`apply`); one that runs after it (Cursor) has the text after on
 * disk and works out the text before (`undo`).
 */
export type FileEdit = { file: string; apply: EditOf } | { file: string; undo: EditOf };

/**
 * The file's text after the edit, from its text before (`null` for a file that does not exist
 * yet); an Error when the edit does not apply (the harness's own tool will refuse it then, so
 * the hook lets it be).
 */
export type EditOf = (before: string | null) => string | Error;

export interface HookAnswer {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

/** `old_string` → `new_string` once (or everywhere), as Claude Code's and Gemini's edit tools do. */
export function replaceText(text: string, oldString: string, newString: string, all = false): string | Error {
  if (oldString === '') return text === '' ? newString : new Error('empty old_string on a file that is not empty');
  const at = text.indexOf(oldString);
  if (at === -1) return new Error('old_string is not in the file');
  if (all) return text.split(oldString).join(newString);
  if (text.indexOf(oldString, at + oldString.length) !== -1) return new Error('old_string is in the file more than once');
  return text.slice(0, at) + newString + text.slice(at + oldString.length);
}

/** The first thing wrong in a payload, as `path: message` (`root` for the payload itself). */
export function firstIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'root'}: ${issue?.message}`;
}

/** What every hook of Claude Code, Codex, Gemini CLI and Kiro sends: where it runs, which event, in which session. */
export const HookPayload = z.object({ cwd: z.string(), hook_event_name: z.string(), session_id: z.optional(z.string()) });

/** The payload those harnesses send a tool hook: which tool, with what. */
export const ToolCallPayload = z.extend(HookPayload, { tool_name: z.string(), tool_input: z.record(z.string(), z.unknown()) });
export type ToolCall = z.infer<typeof ToolCallPayload>;

/**
 * The start of reading such a payload: a call of the harness's pre-tool event (`toolEvent`,
 * matched without case), the end of a turn (`stopEvent`), or a request already decided (another
 * event passes; a payload without its fields is unreadable).
 */
export function readToolCall(raw: unknown, events: { harness: string; toolEvent: string; stopEvent?: string }): ToolCall | HookRequest {
  const base = HookPayload.safeParse(raw);
  if (!base.success) return { kind: 'unreadable', why: `not a ${events.harness} hook payload (${firstIssue(base.error)})` };
  const { cwd, hook_event_name: event, session_id: session } = base.data;
  if (events.stopEvent && event === events.stopEvent) return { kind: 'stop', cwd, session };
  if (event.toLowerCase() !== events.toolEvent.toLowerCase()) return { kind: 'pass' };
  const call = ToolCallPayload.safeParse(raw);
  return call.success ? call.data : { kind: 'unreadable', why: `not a ${events.harness} tool call (${firstIssue(call.error)})` };
}

/** Replacements applied in turn, as a multi-edit tool applies them; the first that does not apply stops it. */
export function replaceInTurn(before: string | null, edits: readonly { from: string; to: string; all?: boolean }[]): string | Error {
  return edits.reduce<string | Error>((text, e) => (text instanceof Error ? text : replaceText(text, e.from, e.to, e.all)), before ?? '');
}

/** The workspace root that holds an absolute path (the first root for a relative one, or when none does). */
export function rootHolding(roots: readonly [string, ...string[]], file: string): string {
  if (!path.isAbsolute(file)) return roots[0];
  return roots.find((r) => file.startsWith(path.resolve(r) + path.sep)) ?? roots[0];
}
