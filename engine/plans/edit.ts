import type { PlanDocument, PlanTask, Status } from './model';
import { readFields } from './fields';
import { rewriteCell } from './table';
import { dominantEol, splitLines, type Line, type TextEdit } from './text';
import { isValidDate, parseStatus } from './words';

/**
 * Minimal, safe edits of plan files (SPEC §1 "Edits"): each returns text edits on the document's
 * text; nothing outside the edited spans changes (line endings, BOM and trailing spaces
 * included). Applying is the caller's job: the CLI writes the file atomically, VS Code applies
 * a WorkspaceEdit to the document the person sees.
 */
export type EditResult = { ok: true; edits: TextEdit[] } | { ok: false; error: string };

/** Ticks an open checkbox or unticks a done one on a (0-based) line. */
export function toggleCheckbox(doc: PlanDocument, line: number): EditResult {
  const box = doc.checkboxes.find((b) => b.line === line);
  if (!box) return { ok: false, error: `line ${line + 1} has no checkbox` };
  const mark = box.done ? ' ' : doneMark(doc);
  return { ok: true, edits: [{ start: box.offset, end: box.offset + 1, newText: mark }] };
}

/**
 * The mark a file uses for done boxes: `x` unless it mostly writes `X`, so that ticking and
 * unticking in a file of `[X]` boxes gives back the same bytes.
 */
function doneMark(doc: PlanDocument): string {
  let upper = 0;
  let lower = 0;
  for (const b of doc.checkboxes) {
    if (b.mark === 'X') upper++;
    else if (b.mark === 'x') lower++;
  }
  return upper > lower ? 'X' : 'x';
}

export interface SetStatusOptions {
  /** YYYY-MM-DD written into Started / Completed / Last Updated; default today (local time). */
  date?: string;
}

export function setStatus(doc: PlanDocument, taskId: string, status: Status, options: SetStatusOptions = {}): EditResult {
  const task = doc.tasks.find((t) => t.id === taskId);
  if (!task) return { ok: false, error: `no task "${taskId}" in this plan` };
  if (status === 'unknown') return { ok: false, error: 'the status "unknown" cannot be written' };
  const date = options.date ?? today();
  if (!isValidDate(date)) return { ok: false, error: `"${date}" is not a date as YYYY-MM-DD` };
  if (task.status === status) return { ok: true, edits: [] };
  if (!task.statusSpan) return { ok: false, error: `task "${taskId}" has no status text to rewrite` };

  switch (task.dialect) {
    case 'checklist':
      return checklistStatus(doc, task, status);
    case 'front-matter':
      return frontMatterStatus(task, status);
    case 'table':
      return tableStatus(doc, task, status);
    case 'header-block':
      // Task Master's task files say pending, in-progress, deferred, done.
      if (task.metadata.format === 'task-master') return { ok: true, edits: [replace(task.statusSpan, styled(task.rawStatus, words.taskMaster[status], '-'))] };
      return { ok: true, edits: [replace(task.statusSpan, styled(task.rawStatus, words.headerBlock[status], '_'))] };
    case 'numbered-section': {
      const symbol = /^\P{L}/u.test(task.rawStatus.trim()) ? `${symbols[status]} ` : '';
      const word = styled(stripSymbols(task.rawStatus), words.numbered[status], ' ');
      return { ok: true, edits: [replace(task.statusSpan, symbol + word + (status === 'done' ? ` (${date})` : ''))] };
    }
    case 'task-heading':
      return taskHeadingStatus(doc, task, status, date);
    case 'emoji-list':
      return { ok: true, edits: [replace(task.statusSpan, symbols[status])] };
  }
}

const words = {
  headerBlock: { todo: 'TODO', 'in-progress': 'IN_PROGRESS', blocked: 'BLOCKED', paused: 'PAUSED', done: 'DONE', cancelled: 'CANCELLED' },
  taskHeading: { todo: 'pending', 'in-progress': 'in-progress', blocked: 'blocked', paused: 'paused', done: 'completed', cancelled: 'cancelled' },
  numbered: { todo: 'NOT STARTED', 'in-progress': 'IN PROGRESS', blocked: 'BLOCKED', paused: 'PAUSED', done: 'COMPLETED', cancelled: 'CANCELLED' },
  table: { todo: 'pending', 'in-progress': 'in progress', blocked: 'blocked', paused: 'paused', done: 'done', cancelled: 'cancelled' },
  taskMaster: { todo: 'pending', 'in-progress': 'in-progress', blocked: 'blocked', paused: 'deferred', done: 'done', cancelled: 'cancelled' },
  cursor: { todo: 'pending', 'in-progress': 'in_progress', done: 'completed', cancelled: 'cancelled' },
} satisfies Record<string, Partial<Record<Exclude<Status, 'unknown'>, string>>>;

const symbols: Record<Exclude<Status, 'unknown'>, string> = {
  todo: '📋',
  'in-progress': '🔄',
  blocked: '⛔',
  paused: '⏸️',
  done: '✅',
  cancelled: '🚫',
};

/**
 * Writes `word` in the case and word separator of the status text it replaces: a file that
 * says `IN_PROGRESS` gets `DONE`, one that says `in-progress` gets `completed`.
 */
function styled(previous: string, word: string, defaultSeparator: string): string {
  const letters = previous.replace(/[^\p{L}]/gu, '');
  const separator = /_/.test(previous) ? '_' : /\w-\w/.test(previous) ? '-' : / /.test(previous.trim()) ? ' ' : defaultSeparator;
  const parts = word.split(/[_\- ]/);
  let out = parts.join(separator);
  if (letters && letters === letters.toUpperCase()) out = out.toUpperCase();
  else if (letters && letters === letters.toLowerCase()) out = out.toLowerCase();
  else if (letters && /^\p{Lu}/u.test(letters)) out = parts.map((p) => p[0].toUpperCase() + p.slice(1).toLowerCase()).join(separator);
  return out;
}

/**
 * The mark a file uses for boxes in progress: Kiro writes `[-]`, others `[~]` or `[/]`; the one
 * the file uses most, `/` in a file that has none yet.
 */
function inProgressMark(doc: PlanDocument): string {
  const counts = new Map<string, number>();
  for (const b of doc.checkboxes) if ('-~/'.includes(b.mark)) counts.set(b.mark, (counts.get(b.mark) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '/';
}

function stripSymbols(text: string): string {
  return text.replace(/\([^)]*\)/g, '').replace(/[^\p{L}\s_-]/gu, '').trim();
}

function replace(span: { start: number; end: number }, newText: string): TextEdit {
  return { start: span.start, end: span.end, newText };
}

function checklistStatus(doc: PlanDocument, task: PlanTask, status: Status): EditResult {
  const marks: Partial<Record<Status, string>> = { todo: ' ', 'in-progress': inProgressMark(doc), done: doneMark(doc) };
  const mark = marks[status];
  if (mark === undefined) {
    return { ok: false, error: `a checkbox can say todo ([ ]), in progress ([/]) or done ([x]), not ${status}` };
  }
  return { ok: true, edits: [replace(task.statusSpan!, mark)] };
}

function frontMatterStatus(task: PlanTask, status: Status): EditResult {
  const word = (words.cursor as Partial<Record<Status, string>>)[status];
  if (!word) return { ok: false, error: `Cursor plan todos can be pending, in_progress, completed or cancelled, not ${status}` };
  return { ok: true, edits: [replace(task.statusSpan!, word)] };
}

function tableStatus(doc: PlanDocument, task: PlanTask, status: Exclude<Status, 'unknown'>): EditResult {
  // The table's own words first: its nearest row of this status says how (`✅ Complete`).
  const rows = new Map(doc.tasks.filter((t) => t.dialect === 'table').map((t) => [t.line, t]));
  const sameTable: PlanTask[] = [];
  for (const step of [-1, 1]) for (let line = task.line + step; rows.has(line); line += step) sameTable.push(rows.get(line)!);
  const said = sameTable
    .filter((t) => parseStatus(t.rawStatus) === status)
    .sort((a, b) => Math.abs(a.line - task.line) - Math.abs(b.line - task.line))[0]
    ?.rawStatus.trim();
  if (said) return { ok: true, edits: [rewriteCell(doc.text, task.statusSpan!, said)] };
  const hasSymbol = /^\P{L}/u.test(task.rawStatus.trim());
  const text = (hasSymbol ? `${symbols[status]} ` : '') + styled(stripSymbols(task.rawStatus), words.table[status], ' ');
  return { ok: true, edits: [rewriteCell(doc.text, task.statusSpan!, text)] };
}

/** task-heading: the status, Started / Completed / Last Updated lines, and the To-dos line. */
function taskHeadingStatus(doc: PlanDocument, task: PlanTask, status: Exclude<Status, 'unknown'>, date: string): EditResult {
  const lines = splitLines(doc.text);
  const eol = dominantEol(lines);
  const edits: TextEdit[] = [replace(task.statusSpan!, styled(task.rawStatus, words.taskHeading[status], '-'))];
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
    if (completed) edits.push(replace(completed.span, date));
    else insertAfter(field('started')?.line ?? field('assignee')?.line ?? block.statusLine, `**Completed**: ${date}`);
  } else if (completed && task.status === 'done') {
    // Reopened: the Completed date no longer holds, so it goes.
    edits.push(removeField(lines[completed.line], completed.span));
  }
  const updated = field('lastUpdated');
  if (updated && updated.value !== date) edits.push(replace(updated.span, date));

  const todo = doc.todoLines.find((t) => t.taskId === task.id);
  if (todo && status !== 'cancelled' && todo.box.done !== (status === 'done')) {
    edits.push({ start: todo.box.offset, end: todo.box.offset + 1, newText: status === 'done' ? doneMark(doc) : ' ' });
  }
  return { ok: true, edits: mergeInsertions(edits) };
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

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
