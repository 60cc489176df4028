import * as z from '../zodMini';
import { firstIssue, readToolCall, replaceInTurn, replaceText, type EditOf, type Harness } from './harness';

/**
 * Claude Code: a `PreToolUse` hook with matcher `Write|Edit|MultiEdit`, and a `Stop` hook. The
 * payload has `cwd`, `session_id`, `hook_event_name`, and for a tool `tool_name` and
 * `tool_input`: `Write` (`file_path`, `content`), `Edit` (`file_path`, `old_string`,
 * `new_string`, `replace_all`), `MultiEdit` (`file_path`, `edits[]`, applied in order). Exit
 * code 2 blocks the call; stderr is what Claude reads. A `Stop` answered with `decision:
 * "block"` keeps Claude going, with the `reason` as what to do.
 */
const Edit = z.object({ old_string: z.string(), new_string: z.string(), replace_all: z.optional(z.boolean()) });
const inputs = {
  Write: z.object({ file_path: z.string(), content: z.string() }),
  Edit: z.extend(Edit, { file_path: z.string() }),
  MultiEdit: z.object({ file_path: z.string(), edits: z.array(Edit).check(z.minLength(1)) }),
};

export const claudeCode: Harness = {
  name: 'claude-code',
  read(raw) {
    const call = readToolCall(raw, { harness: 'Claude Code', toolEvent: 'PreToolUse', stopEvent: 'Stop' });
    if ('kind' in call) return call;
    const { cwd, session_id: session, tool_name: tool, tool_input: input } = call;
    if (!(tool in inputs)) return { kind: 'pass' };
    const parsed = inputs[tool as keyof typeof inputs].safeParse(input);
    if (!parsed.success) return { kind: 'unreadable', why: `${tool}: ${firstIssue(parsed.error)}` };
    const args = parsed.data;
    let apply: EditOf;
    if ('content' in args) apply = () => args.content;
    else if ('edits' in args) {
      apply = (before) => replaceInTurn(before, args.edits.map((e) => ({ from: e.old_string, to: e.new_string, all: e.replace_all })));
    } else apply = (before) => replaceText(before ?? '', args.old_string, args.new_string, args.replace_all);
    return { kind: 'edit', cwd, session, files: [{ file: args.file_path, apply }] };
  },
  refuse: (reason) => ({ exitCode: 2, stderr: `${reason}\n` }),
  keepGoing: (reason) => ({ exitCode: 0, stdout: `${JSON.stringify({ decision: 'block', reason })}\n` }),
};
