import { readFields } from '../fields';
import type { PlanDocument, PlanTask } from '../model';
import { dominantEol, splitLines, type Line, type TextEdit } from '../text';
import type { PlanFormat, SettableStatus } from './format';
import { readHeadings } from './headingTask';
import { doneMark, replaceSpan, styled } from './statusText';

/**
 * `task-heading` (SPEC §1): `### Task 12: Title` (any level, `## Task N:` in roadmaps too)
 * followed by `**Status**: in-progress | **Priority**: high | …`, with Started / Completed /
 * Last Updated lines that a status change keeps true, and a To-dos line that mirrors it.
 */
export const taskHeading: PlanFormat = {
  dialect: 'task-heading',
  recognize: (source) => source.structure.headings.some((h) => taskTitle.test(h.text)),
  read: (source) =>
    readHeadings(source, 'task-heading', (heading) => {
      const m = taskTitle.exec(heading.text);
      return m ? { id: m[1], title: m[2].trim() || heading.text } : undefined;
    }),
  setStatus: (doc, task, status, date) => ({ ok: true, edits: statusEdits(doc, task, status, date) }),
};

const taskTitle = /^Task\s+#?([\w.-]*\w)\s*[:.)\-–—]\s*(.*)$/i;

const words = { todo: 'pending', 'in-progress': 'in-progress', blocked: 'blocked', paused: 'paused', done: 'completed', cancelled: 'cancelled' };

/** The status, Started / Completed / Last Updated lines, and the To-dos line. */
function statusEdits(doc: PlanDocument, task: PlanTask, status: SettableStatus, date: string): TextEdit[] {
  const lines = splitLines(doc.text);
  const eol = dominantEol(lines);
  const edits: TextEdit[] = [replaceSpan(task.statusSpan!, styled(task.rawStatus, words[status], '-'))];
  const block = fieldBlock(lines, task);
  const field = (key: string) => block.fields.find((f) => f.key === key);
  const insertAfter = (line: number, text: string) => {
    const at = lines[line];
    edits.push({ start: at.end, end: at.end, newText: `${at.eol || eol}${text}` });
  };

  if (status === 'in-progress' && !field('started')) {
    insertAfter(field('assignee')?.line ?? block.statusLine, `**Started**: ${date}`);
  }
  const completed = field('completed');
  if (status === 'done') {
    if (completed) edits.push(replaceSpan(completed.span, date));
    else insertAfter(field('started')?.line ?? field('assignee')?.line ?? block.statusLine, `**Completed**: ${date}`);
  } else if (completed && task.status === 'done') {
    // Reopened: the Completed date no longer holds, so it goes.
    edits.push(removeField(lines[completed.line], completed.span));
  }
  const updated = field('lastUpdated');
  if (updated && updated.value !== date) edits.push(replaceSpan(updated.span, date));

  const todo = doc.todoLines.find((t) => t.taskId === task.id);
  if (todo && status !== 'cancelled' && todo.box.done !== (status === 'done')) {
    edits.push({ start: todo.box.offset, end: todo.box.offset + 1, newText: status === 'done' ? doneMark(doc) : ' ' });
  }
  return mergeInsertions(edits);
}

/**
 * Removes a `**Key**: value` field: the whole line (with its line break) when it is alone on it,
 * else the field and one `|` separator next to it.
 */
function removeField(line: Line, value: { start: number; end: number }): TextEdit {
  const text = line.text;
  const valueEnd = value.end - line.start;
  const keyStart = text.lastIndexOf('**', text.lastIndexOf('**', value.start - line.start - 1) - 1);
  const before = text.slice(0, keyStart);
  const after = text.slice(valueEnd);
  if (before.trim() === '' && after.trim() === '') return { start: line.start, end: line.end + line.eol.length, newText: '' };
  const pipeBefore = /\s*\|\s*$/.exec(before);
  if (pipeBefore) return { start: line.start + pipeBefore.index, end: value.end, newText: '' };
  const pipeAfter = /^\s*\|\s*/.exec(after)?.[0] ?? '';
  return { start: line.start + keyStart, end: value.end + pipeAfter.length, newText: '' };
}

/** The field lines right under a task's heading, where Started / Completed lines belong. */
function fieldBlock(lines: readonly Line[], task: PlanTask): { statusLine: number; fields: ReturnType<typeof readFields> } {
  let statusLine = task.line;
  const fields: ReturnType<typeof readFields> = [];
  let l = task.line + 1;
  while (l <= task.endLine && lines[l].text.trim() === '') l++;
  for (; l <= task.endLine && lines[l].text.trim() !== ''; l++) {
    const found = readFields(lines[l].text, lines[l].start, l);
    if (found.some((f) => f.span.start === task.statusSpan!.start)) statusLine = l;
    fields.push(...found);
  }
  return { statusLine, fields };
}

/** Two insertions at one offset (Started and Completed after the same line) become one edit. */
function mergeInsertions(edits: TextEdit[]): TextEdit[] {
  const out: TextEdit[] = [];
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    const last = out.at(-1);
    if (last && last.start === edit.start && last.end === last.start && edit.end === edit.start) last.newText += edit.newText;
    else out.push({ ...edit });
  }
  return out;
}
