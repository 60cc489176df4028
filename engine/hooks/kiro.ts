import * as z from '../zodMini';
import { firstIssue, readToolCall, replaceText, type Harness } from './harness';

/**
 * Kiro CLI: a `preToolUse` hook on `fs_write`. The payload has `cwd`, `hook_event_name` and
 * `tool_name` / `tool_input`, where `tool_input.command` says which write: `create` (`path`,
 * `file_text`), `str_replace` (`path`, `old_str`, `new_str`), `insert` (`path`, `insert_line`,
 * `new_str`) or `append` (`path`, `new_str`). Exit code 2 blocks the call; stderr is what the
 * model reads.
 */
const FsWrite = z.discriminatedUnion('command', [
  z.object({ command: z.literal('create'), path: z.string(), file_text: z.string() }),
  z.object({ command: z.literal('str_replace'), path: z.string(), old_str: z.string(), new_str: z.string() }),
  z.object({ command: z.literal('insert'), path: z.string(), insert_line: z.int().check(z.nonnegative()), new_str: z.string() }),
  z.object({ command: z.literal('append'), path: z.string(), new_str: z.string() }),
]);

export const kiro: Harness = {
  name: 'kiro',
  read(raw) {
    const call = readToolCall(raw, { harness: 'Kiro', toolEvent: 'preToolUse' });
    if ('kind' in call) return call;
    const { cwd, tool_name: tool, tool_input: input } = call;
    if (tool !== 'fs_write') return { kind: 'pass' };
    const parsed = FsWrite.safeParse(input);
    if (!parsed.success) return { kind: 'unreadable', why: `fs_write: ${firstIssue(parsed.error)}` };
    const args = parsed.data;
    const apply = (before: string | null): string | Error => {
      const text = before ?? '';
      switch (args.command) {
        case 'create':
          return args.file_text;
        case 'str_replace':
          return replaceText(text, args.old_str, args.new_str);
        case 'append':
          return text + (text === '' || text.endsWith('\n') ? '' : '\n') + args.new_str;
        case 'insert': {
          const lines = text.split('\n');
          if (args.insert_line > lines.length) return new Error('insert_line is past the end of the file');
          lines.splice(args.insert_line, 0, ...args.new_str.split('\n'));
          return lines.join('\n');
        }
      }
    };
    return { kind: 'edit', cwd, files: [{ file: args.path, apply }] };
  },
  refuse: (reason) => ({ exitCode: 2, stderr: `${reason}\n` }),
};
