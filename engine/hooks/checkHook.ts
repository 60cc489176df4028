import path from 'node:path';
import { decodeText, isWithin, readRegularFile, resolvesWithin } from '../fs';
import { Guard, languageOfFile, type Violation } from '../guard';
import type { EditOf, Harness, HookAnswer } from './harness';

/**
 * One hook call: the harness's payload, read; the file's text before (on disk) and after (the
 * tool's arguments applied to it), guarded; a refusal in the harness's own form when the edit
 * has a critical or high finding. Everything else passes silently (exit 0, nothing printed): a
 * clean edit, another tool, a file outside the payload's workspace, a file that is not UTF-8.
 * A payload that cannot be read passes too, with one line on stderr: a hook must never block
 * an agent by accident.
 */
export async function checkHook(harness: Harness, input: string, guard = new Guard()): Promise<HookAnswer> {
  const warn = (why: string): HookAnswer => ({ exitCode: 0, stderr: `plumbline hook ${harness.name}: ${why}; the edit was not checked\n` });
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch {
    return warn('the payload on stdin is not JSON');
  }
  const request = harness.read(payload);
  if (request.kind === 'pass') return { exitCode: 0 };
  if (request.kind === 'unreadable') return warn(request.why);
  const root = path.resolve(request.cwd);
  const refusals: string[] = [];
  let unchecked: string | undefined;
  for (const edit of request.files) {
    const file = path.resolve(root, edit.file);
    const found = await checkFile(root, file, edit.apply, guard);
    // A file it cannot read is not checked; the other files of the call still are.
    if (typeof found === 'string') unchecked ??= found;
    else if (found.length) refusals.push(refusal(path.relative(root, file).split(path.sep).join('/'), found));
  }
  if (refusals.length) return harness.refuse(refusals.join('\n\n'));
  return unchecked ? warn(unchecked) : { exitCode: 0 };
}

/** The critical and high findings of one file's edit; a string when the file cannot be read. */
async function checkFile(root: string, file: string, apply: EditOf, guard: Guard): Promise<Violation[] | string> {
  // Only the payload's workspace: a file elsewhere (or a link that leads out) is not ours to judge.
  if (!isWithin(root, file)) return [];
  let before: string | null = null;
  try {
    const bytes = await readRegularFile(file);
    if (!(await resolvesWithin(file, [root]))) return [];
    const { text, exact } = decodeText(bytes);
    if (!exact) return [];
    before = text;
  } catch (err) {
    // A file the tool creates: its text before is none.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return `cannot read ${path.relative(root, file)}: ${(err as Error).message}`;
  }
  const after = apply(before);
  if (after instanceof Error) return []; // the tool itself refuses an edit that does not apply
  return (await guard.checkEdit(before ?? '', after, languageOfFile(file))).filter((v) => v.severity === 'critical' || v.severity === 'high');
}

/** What the model reads: what the edit did wrong, line by line, and how to write it again. */
export function refusal(file: string, violations: Violation[]): string {
  const lines = [`Plumbline refused this edit to ${file}:`];
  for (const v of violations) lines.push(`- line ${v.line + 1}: ${v.message}`);
  const dropped = violations.some((v) => v.kind === 'placeholder-dropped');
  const stubs = violations.some((v) => v.kind === 'incomplete-code');
  const broken = violations.some((v) => v.kind === 'malformed-syntax');
  if (dropped) lines.push('The placeholder stands for code that is in the file now and would be lost. Write the edit again with that code written out in full (or change only the lines you mean to change): no "existing code" or "rest unchanged" comments.');
  if (stubs) lines.push('Write the implementation itself, not a stub or a comment asking for one.');
  if (broken) lines.push('The file would no longer parse: write the construct out to its end.');
  return lines.join('\n');
}
