import { z } from 'zod';

/**
 * One agent harness's hooks (Claude Code, Gemini CLI, …): how its pre-edit hook payload names
 * the file and the edit, and how it wants a refusal. Each harness is one module of this shape
 * in `./index.ts`; `plumbline hook <harness>` (engine/cli/hook.ts) does the rest the same way
 * for all of them.
 */
export interface Harness {
  readonly name: string;
  /** What the payload asks: an edit to check, or nothing to do (another tool, another event). */
  read(payload: unknown): HookRequest;
  /** How this harness is told "no": what to print and the exit code. */
  refuse(reason: string): HookAnswer;
}

export type HookRequest =
  /** One tool call's edits: one file (Write, Edit), or several (a Codex patch). */
  | { kind: 'edit'; cwd: string; files: { file: string; apply: EditOf }[] }
  | { kind: 'pass' }
  | { kind: 'unreadable'; why: string };

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
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issue?.path.join('.') || 'root'}: ${issue?.message}`;
}

/** The payload most harnesses send a tool hook: where it runs, which event, which tool with what. */
export const ToolCallPayload = z.object({ cwd: z.string(), hook_event_name: z.string(), tool_name: z.string(), tool_input: z.record(z.string(), z.unknown()) });

/** Replacements applied in turn, as a multi-edit tool applies them; the first that does not apply stops it. */
export function replaceInTurn(before: string | null, edits: readonly { from: string; to: string; all?: boolean }[]): string | Error {
  return edits.reduce<string | Error>((text, e) => (text instanceof Error ? text : replaceText(text, e.from, e.to, e.all)), before ?? '');
}
