import * as z from '../zodMini';
import { firstIssue, readToolCall, replaceText, type Harness } from './harness';

/**
 * Gemini CLI: a `BeforeTool` hook with matcher `write_file|replace`. The payload has `cwd`,
 * `hook_event_name`, `tool_name` and `tool_input`: `write_file` (`file_path`, `content`),
 * `replace` (`file_path`, `old_string`, `new_string`, `expected_replacements`). Exit code 2
 * blocks the call with stderr as the reason the model reads. An `AfterAgent` hook answered with
 * `decision: "deny"` rejects the turn's answer and sends the `reason` back as a new prompt.
 */
const WriteFile = z.object({ file_path: z.string(), content: z.string() });
const Replace = z.object({ file_path: z.string(), old_string: z.string(), new_string: z.string(), expected_replacements: z.optional(z.int().check(z.positive())) });

export const gemini: Harness = {
  name: 'gemini',
  read(raw) {
    const call = readToolCall(raw, { harness: 'Gemini CLI', toolEvent: 'BeforeTool', stopEvent: 'AfterAgent' });
    if ('kind' in call) return call;
    const { cwd, session_id: session, tool_name: tool, tool_input: input } = call;
    if (tool !== 'write_file' && tool !== 'replace') return { kind: 'pass' };
    if (tool === 'write_file') {
      const args = WriteFile.safeParse(input);
      if (!args.success) return { kind: 'unreadable', why: `write_file: ${firstIssue(args.error)}` };
      return { kind: 'edit', cwd, session, files: [{ file: args.data.file_path, apply: () => args.data.content }] };
    }
    const args = Replace.safeParse(input);
    if (!args.success) return { kind: 'unreadable', why: `replace: ${firstIssue(args.error)}` };
    const { file_path: file, old_string: from, new_string: to, expected_replacements: count } = args.data;
    return { kind: 'edit', cwd, session, files: [{ file, apply: (before) => replaceText(before ?? '', from, to, (count ?? 1) > 1) }] };
  },
  refuse: (reason) => ({ exitCode: 2, stderr: `${reason}\n` }),
  keepGoing: (reason) => ({ exitCode: 0, stdout: `${JSON.stringify({ decision: 'deny', reason })}\n` }),
};
