import path from 'node:path';
import { decodeText, isWithin, readRegularFile, resolvesWithin } from '../fs';
import { Guard, languageOfFile, type Violation } from '../guard';
import type { FileEdit, Harness, HookAnswer } from './harness';
import { reportToHub, type ReportedEdit } from './hubReport';
import { forgetOldSessions, HookSession } from './session';

/** The stop hook sends the agent back at most this many times in a row; then it lets it stop. */
const MAX_REMINDERS = 3;

/**
 * One hook call. An edit: the file's text before and after, guarded; a refusal in the harness's
 * own form when it has a critical or high finding; a clean edit is reported to the hub serving
 * the workspace, if any. The end of a turn: the files the session changed, checked against their
 * text before the session; the agent is sent back to fix what is still wrong. Everything else
 * passes silently (exit 0, nothing printed): another tool, a file outside the payload's
 * workspace, a file that is not UTF-8. A payload that cannot be read passes too, with one line
 * on stderr: a hook must never block an agent by accident.
 */
export async function checkHook(harness: Harness, input: string, guard = new Guard()): Promise<HookAnswer> {
  const warn = (why: string): HookAnswer => ({ exitCode: 0, stderr: `plumbline hook ${harness.name}: ${why}\n` });
  let payload: unknown;
  try {
    payload = JSON.parse(input);
  } catch {
    return warn('the payload on stdin is not JSON; the edit was not checked');
  }
  const request = harness.read(payload);
  if (request.kind === 'pass') return { exitCode: 0 };
  if (request.kind === 'unreadable') return warn(`${request.why}; the edit was not checked`);
  const root = path.resolve(request.cwd);
  const session = HookSession.of(harness.name, root, request.session);
  if (request.kind === 'stop') return stop(harness, root, session, guard);

  const refusals: string[] = [];
  const landed: ReportedEdit[] = [];
  const warnings: string[] = [];
  for (const edit of request.files) {
    const file = path.resolve(root, edit.file);
    const found = await checkFile(root, file, edit, guard);
    // A file it cannot read is not checked; the other files of the call still are.
    if (typeof found === 'string') {
      warnings.push(`${found}; the edit was not checked`);
      continue;
    }
    if (!found) continue;
    // Only a harness with a stop hook ever reads what the session changed.
    if (harness.keepGoing) await session.remember(file, found.before).catch((err: Error) => warnings.push(`cannot record the session: ${err.message}`));
    if (found.violations.length) {
      const heading = 'undo' in edit ? `Plumbline found a problem in your edit to ${display(root, file)}:` : `Plumbline refused this edit to ${display(root, file)}:`;
      refusals.push(refusal(heading, found.violations, 'undo' in edit));
    }
    // What the file holds once the tool ran: every edit of a call that is let through, and an
    // edit that has already landed (Cursor) even with findings, so the person can restore it.
    landed.push({ file, before: found.before, after: found.after });
  }
  const lands = !refusals.length || request.files.some((f) => 'undo' in f);
  const hubWarning = lands ? await reportToHub(`${harness.name} ${request.session?.slice(0, 8) ?? ''}`.trim(), root, landed).catch((err: Error) => err.message) : undefined;
  if (hubWarning) warnings.push(hubWarning);
  const stderr = warnings.map((w) => `plumbline hook ${harness.name}: ${w}\n`).join('');
  if (refusals.length) {
    const answer = harness.refuse(refusals.join('\n\n'));
    return { ...answer, stderr: (answer.stderr ?? '') + stderr };
  }
  return stderr ? { exitCode: 0, stderr } : { exitCode: 0 };
}

interface CheckedFile {
  before: string | null;
  after: string;
  violations: Violation[];
}

/**
 * One file's edit: its text before and after, and the critical and high findings. Undefined when
 * it is not ours to judge (outside the workspace, not UTF-8, an edit the tool itself will
 * refuse); a string when the file cannot be read.
 */
async function checkFile(root: string, file: string, edit: FileEdit, guard: Guard): Promise<CheckedFile | string | undefined> {
  // Only the payload's workspace: a file elsewhere (or a link that leads out) is not ours to judge.
  if (!isWithin(root, file)) return undefined;
  let onDisk: string | null = null;
  try {
    const bytes = await readRegularFile(file);
    if (!(await resolvesWithin(file, [root]))) return undefined;
    const { text, exact } = decodeText(bytes);
    if (!exact) return undefined;
    onDisk = text;
  } catch (err) {
    // A file the tool creates: its text before is none.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return `cannot read ${path.relative(root, file)}: ${(err as Error).message}`;
  }
  let before: string | null;
  let after: string;
  if ('apply' in edit) {
    const applied = edit.apply(onDisk);
    if (applied instanceof Error) return undefined; // the tool itself refuses an edit that does not apply
    [before, after] = [onDisk, applied];
  } else {
    if (onDisk === null) return undefined; // written and already gone again
    const undone = edit.undo(onDisk);
    if (undone instanceof Error) return `cannot tell what ${path.relative(root, file)} held before the edit (${undone.message})`;
    [before, after] = [undone, onDisk];
  }
  return { before, after, violations: await serious(guard, before, after, file) };
}

async function serious(guard: Guard, before: string | null, after: string, file: string): Promise<Violation[]> {
  return (await guard.checkEdit(before ?? '', after, languageOfFile(file))).filter((v) => v.severity === 'critical' || v.severity === 'high');
}

/**
 * The end of the agent's turn: every file the session changed, as it is now against its text
 * before the session. Anything still wrong sends the agent back (at most MAX_REMINDERS times in
 * a row, so that a finding the agent cannot fix does not keep it going forever).
 */
async function stop(harness: Harness, root: string, session: HookSession, guard: Guard): Promise<HookAnswer> {
  await forgetOldSessions().catch(() => undefined);
  if (!harness.keepGoing) return { exitCode: 0 };
  const open: string[] = [];
  for (const { file, before } of await session.baselines()) {
    if (!isWithin(root, file) || !(await resolvesWithin(file, [root]))) continue; // only ever the workspace's files
    const now = await readRegularFile(file).then((b) => decodeText(b), () => undefined);
    if (!now?.exact || now.text === before) continue; // deleted, not UTF-8 any more, or back as it was
    const violations = await serious(guard, before, now.text, file);
    if (violations.length) open.push(refusal(`${display(root, file)} still has what Plumbline would have refused:`, violations, true));
  }
  if (!open.length) {
    await session.end();
    return { exitCode: 0 };
  }
  if ((await session.countReminder()) > MAX_REMINDERS) {
    await session.end();
    return { exitCode: 0, stderr: `plumbline hook ${harness.name}: findings are still open after ${MAX_REMINDERS} reminders; letting the agent stop\n` };
  }
  return harness.keepGoing(`Before you finish, fix what this session left behind.\n\n${open.join('\n\n')}`);
}

function display(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}

/**
 * What the model reads: what is wrong, line by line, and how to write it again. `landed`: the
 * edit is already in the file (Cursor's hook, the stop hook), so the dropped code must be put back.
 */
export function refusal(heading: string, violations: Violation[], landed = false): string {
  const lines = [heading];
  for (const v of violations) lines.push(`- line ${v.line + 1}: ${v.message}`);
  const dropped = violations.some((v) => v.kind === 'placeholder-dropped');
  const stubs = violations.some((v) => v.kind === 'incomplete-code');
  const broken = violations.some((v) => v.kind === 'malformed-syntax');
  if (dropped && landed) lines.push('The placeholder stands for code the file held before and has lost. Put that code back, written out in full: no "existing code" or "rest unchanged" comments.');
  if (dropped && !landed) lines.push('The placeholder stands for code that is in the file now and would be lost. Write the edit again with that code written out in full (or change only the lines you mean to change): no "existing code" or "rest unchanged" comments.');
  if (stubs) lines.push('Write the implementation itself, not a stub or a comment asking for one.');
  if (broken) lines.push('The file would no longer parse: write the construct out to its end.');
  return lines.join('\n');
}
