import { readToolCall, type EditOf, type Harness } from './harness';

/**
 * Codex CLI: a `PreToolUse` hook (Codex 0.124+ runs it for `apply_patch`). `tool_input.command`
 * is the patch envelope: `*** Begin Patch`, then per file `*** Update File: path` (with `***
 * Move to:` and `@@` hunks of ` `/`-`/`+` lines), `*** Add File: path` (`+` lines) or `*** Delete
 * File: path`, then `*** End Patch`. The patch is applied in memory to each file on disk. Exit
 * code 2 blocks the call; stderr is what the model reads. Its `Stop` hook takes Claude Code's
 * answer: `decision: "block"` continues the turn with the `reason` as the next prompt.
 */

export const codex: Harness = {
  name: 'codex',
  read(raw) {
    const call = readToolCall(raw, { harness: 'Codex', toolEvent: 'PreToolUse', stopEvent: 'Stop' });
    if ('kind' in call) return call;
    const { cwd, session_id: session, tool_name: tool, tool_input: input } = call;
    if (tool !== 'apply_patch') return { kind: 'pass' };
    const patch = typeof input.command === 'string' ? input.command : typeof input.patch === 'string' ? input.patch : undefined;
    if (patch === undefined) return { kind: 'unreadable', why: 'apply_patch: tool_input.command is not a patch' };
    const files = parsePatch(patch);
    if (files instanceof Error) return { kind: 'unreadable', why: `apply_patch: ${files.message}` };
    return { kind: 'edit', cwd, session, files };
  },
  refuse: (reason) => ({ exitCode: 2, stderr: `${reason}\n` }),
  keepGoing: (reason) => ({ exitCode: 0, stdout: `${JSON.stringify({ decision: 'block', reason })}\n` }),
};

interface Hunk {
  old: string[];
  now: string[];
}

/** The files a patch touches, each with how it changes the file's text. Deleted files are not edits the guard checks. */
export function parsePatch(patch: string): { file: string; apply: EditOf }[] | Error {
  const lines = patch.replace(/\r\n/g, '\n').split('\n');
  const start = lines.findIndex((l) => l.trim() === '*** Begin Patch');
  if (start === -1) return new Error('no "*** Begin Patch" line');
  const files: { file: string; apply: EditOf }[] = [];
  let i = start + 1;
  while (i < lines.length && lines[i].trim() !== '*** End Patch') {
    const header = /^\*\*\* (Add|Update|Delete) File: (.+)$/.exec(lines[i]);
    if (!header) return new Error(`line ${i + 1}: expected "*** Add/Update/Delete File: path", found "${lines[i].slice(0, 60)}"`);
    const [, action, file] = header;
    i++;
    if (action === 'Delete') continue;
    if (action === 'Add') {
      const added: string[] = [];
      for (; i < lines.length && lines[i].startsWith('+'); i++) added.push(lines[i].slice(1));
      files.push({ file: file.trim(), apply: () => `${added.join('\n')}\n` });
      continue;
    }
    // A move (`*** Move to:`) is checked as the edit of the file it moves: its text is there now.
    if (/^\*\*\* Move to: /.test(lines[i] ?? '')) i++;
    const hunks: Hunk[] = [];
    for (; i < lines.length && !lines[i].startsWith('*** '); i++) {
      const line = lines[i];
      if (line.startsWith('@@')) {
        hunks.push({ old: [], now: [] });
        continue;
      }
      if (!hunks.length) hunks.push({ old: [], now: [] });
      const hunk = hunks[hunks.length - 1];
      const body = line.slice(1);
      if (line.startsWith('-')) hunk.old.push(body);
      else if (line.startsWith('+')) hunk.now.push(body);
      else {
        hunk.old.push(line.startsWith(' ') ? body : line);
        hunk.now.push(line.startsWith(' ') ? body : line);
      }
    }
    if (lines[i]?.trim() === '*** End of File') i++;
    files.push({ file: file.trim(), apply: (before) => applyHunks(before, hunks) });
  }
  return files;
}

/** Applies the hunks in order, each found after the one before: exactly, else ignoring trailing spaces. */
function applyHunks(before: string | null, hunks: Hunk[]): string | Error {
  if (before === null) return new Error('the file to update does not exist');
  const eol = before.includes('\r\n') ? '\r\n' : '\n';
  const lines = before.split(/\r?\n/);
  let at = 0;
  for (const hunk of hunks) {
    const found = find(lines, hunk.old, at, (a, b) => a === b) ?? find(lines, hunk.old, at, (a, b) => a.trimEnd() === b.trimEnd()) ?? find(lines, hunk.old, at, (a, b) => a.trim() === b.trim());
    if (found === undefined) return new Error('a hunk does not match the file');
    lines.splice(found, hunk.old.length, ...hunk.now);
    at = found + hunk.now.length;
  }
  return lines.join(eol);
}

function find(lines: string[], wanted: string[], from: number, same: (a: string, b: string) => boolean): number | undefined {
  if (wanted.length === 0) return from;
  for (let i = from; i + wanted.length <= lines.length; i++) {
    if (wanted.every((w, j) => same(lines[i + j], w))) return i;
  }
  return undefined;
}
