import * as z from '../zodMini';
import { firstIssue, replaceText, rootHolding, type Harness } from './harness';

/**
 * Cursor: `afterFileEdit` and `stop` hooks in `.cursor/hooks.json`. Every payload has
 * `hook_event_name`, `conversation_id` and `workspace_roots`. `afterFileEdit` runs once the edit
 * is written (`file_path`, absolute, and `edits[]` of `old_string` → `new_string`): nothing can be
 * refused, so the text before is the file with the edits undone, last first, and a finding goes
 * back as `additional_context` for the agent. `stop` (`status`, `loop_count`) sends the agent
 * back with a `followup_message` while the conversation's files still have findings; only after
 * a turn that completed, not one the person aborted or that failed.
 */
const Roots = z.tuple([z.string()], z.string());
const Payload = z.object({ hook_event_name: z.string(), conversation_id: z.optional(z.string()), workspace_roots: Roots });
const AfterFileEdit = z.object({ file_path: z.string(), edits: z.array(z.object({ old_string: z.string(), new_string: z.string() })).check(z.minLength(1)) });
const Stop = z.object({ status: z.string() });

export const cursor: Harness = {
  name: 'cursor',
  read(raw) {
    const payload = Payload.safeParse(raw);
    if (!payload.success) return { kind: 'unreadable', why: `not a Cursor hook payload (${firstIssue(payload.error)})` };
    const { hook_event_name: event, conversation_id: session, workspace_roots: roots } = payload.data;
    if (event === 'stop') {
      const stop = Stop.safeParse(raw);
      if (!stop.success) return { kind: 'unreadable', why: `stop: ${firstIssue(stop.error)}` };
      return stop.data.status === 'completed' ? { kind: 'stop', cwd: roots[0], session } : { kind: 'pass' };
    }
    if (event !== 'afterFileEdit') return { kind: 'pass' };
    const edit = AfterFileEdit.safeParse(raw);
    if (!edit.success) return { kind: 'unreadable', why: `afterFileEdit: ${firstIssue(edit.error)}` };
    const { file_path: file, edits } = edit.data;
    const undo = (after: string | null) =>
      edits.reduceRight<string | Error>((text, e) => {
        if (text instanceof Error) return text;
        // A new file: its one edit wrote the whole text.
        if (e.old_string === '' && e.new_string === text) return '';
        if (e.new_string === '') return new Error('an edit deleted text, and where cannot be told');
        const undone = replaceText(text, e.new_string, e.old_string);
        return undone instanceof Error ? new Error(`an edit's new_string is ${text.includes(e.new_string) ? 'in the file more than once' : 'not in the file'}`) : undone;
      }, after ?? '');
    return { kind: 'edit', cwd: rootHolding(roots, file), session, files: [{ file, undo }] };
  },
  refuse: (reason) => ({ exitCode: 0, stdout: `${JSON.stringify({ additional_context: reason })}\n` }),
  keepGoing: (reason) => ({ exitCode: 0, stdout: `${JSON.stringify({ followup_message: reason })}\n` }),
};
