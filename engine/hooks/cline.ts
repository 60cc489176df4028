import * as z from '../zodMini';
import { firstIssue, replaceInTurn, rootHolding, type Harness } from './harness';

/**
 * Cline: a `PreToolUse` hook script. The payload has `hookName`, `workspaceRoots` and
 * `preToolUse: { toolName, parameters }`, for `write_to_file` (`path`, `content`) and
 * `replace_in_file` (`path`, `diff`: SEARCH/REPLACE blocks, `------- SEARCH` … `=======` …
 * `+++++++ REPLACE`, or the older `<<<<<<< SEARCH` … `>>>>>>> REPLACE`). Paths are relative to
 * the first workspace root. A refusal is JSON on stdout: `cancel`, the `errorMessage` the
 * person sees and the `contextModification` the model reads.
 */
const Payload = z.object({
  hookName: z.string(),
  workspaceRoots: z.tuple([z.string()], z.string()),
  preToolUse: z.optional(z.object({ toolName: z.string(), parameters: z.record(z.string(), z.unknown()) })),
});
const WriteToFile = z.object({ path: z.string(), content: z.string() });
const ReplaceInFile = z.object({ path: z.string(), diff: z.string() });

export const cline: Harness = {
  name: 'cline',
  read(raw) {
    const payload = Payload.safeParse(raw);
    if (!payload.success) return { kind: 'unreadable', why: `not a Cline hook payload (${firstIssue(payload.error)})` };
    const { hookName, workspaceRoots, preToolUse } = payload.data;
    if (hookName !== 'PreToolUse' || !preToolUse) return { kind: 'pass' };
    const rootOf = (file: string) => rootHolding(workspaceRoots, file);
    const { toolName: tool, parameters } = preToolUse;
    if (tool === 'write_to_file') {
      const args = WriteToFile.safeParse(parameters);
      if (!args.success) return { kind: 'unreadable', why: `write_to_file: ${firstIssue(args.error)}` };
      return { kind: 'edit', cwd: rootOf(args.data.path), files: [{ file: args.data.path, apply: () => args.data.content }] };
    }
    if (tool === 'replace_in_file') {
      const args = ReplaceInFile.safeParse(parameters);
      if (!args.success) return { kind: 'unreadable', why: `replace_in_file: ${firstIssue(args.error)}` };
      const blocks = searchReplaceBlocks(args.data.diff);
      if (blocks instanceof Error) return { kind: 'unreadable', why: `replace_in_file: ${blocks.message}` };
      return {
        kind: 'edit',
        cwd: rootOf(args.data.path),
        files: [{ file: args.data.path, apply: (before) => replaceInTurn(before, blocks.map((b) => ({ from: b.search, to: b.replace }))) }],
      };
    }
    return { kind: 'pass' };
  },
  refuse: (reason) => ({
    exitCode: 0,
    stdout: `${JSON.stringify({ cancel: true, errorMessage: reason.split('\n')[0], contextModification: reason })}\n`,
  }),
};

/** The SEARCH/REPLACE blocks of a `replace_in_file` diff, in order. */
export function searchReplaceBlocks(diff: string): { search: string; replace: string }[] | Error {
  const lines = diff.replace(/\r\n/g, '\n').split('\n');
  const blocks: { search: string; replace: string }[] = [];
  let state: 'outside' | 'search' | 'replace' = 'outside';
  let search: string[] = [];
  let replace: string[] = [];
  for (const line of lines) {
    if (/^-{3,} SEARCH\s*$|^<{3,} SEARCH\s*$/.test(line)) {
      state = 'search';
      search = [];
      replace = [];
    } else if (/^={3,}\s*$/.test(line) && state === 'search') state = 'replace';
    else if (/^\+{3,} REPLACE\s*$|^>{3,} REPLACE\s*$/.test(line) && state === 'replace') {
      // Blocks match whole lines: the text between the markers, with the line break of its last line.
      blocks.push({ search: search.length ? `${search.join('\n')}\n` : '', replace: replace.length ? `${replace.join('\n')}\n` : '' });
      state = 'outside';
    } else if (state === 'search') search.push(line);
    else if (state === 'replace') replace.push(line);
  }
  if (state !== 'outside') return new Error('a SEARCH/REPLACE block is not closed');
  if (!blocks.length) return new Error('no SEARCH/REPLACE block');
  return blocks;
}
