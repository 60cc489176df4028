import { formatOf, type EditResult } from './formats';
import { doneMark } from './formats/statusText';
import { mirrorDisagrees, type PlanDocument, type Status } from './model';
import type { TextEdit } from './text';
import { isValidDate } from './words';

export type { EditResult } from './formats';

/**
 * Minimal, safe edits of plan files (SPEC §1 "Edits"): each returns text edits on the document's
 * text; nothing outside the edited spans changes (line endings, BOM and trailing spaces
 * included). Applying is the caller's job: the CLI writes the file atomically, VS Code applies
 * a WorkspaceEdit to the document the person sees. How a status is written is each format's
 * own (`formats/`).
 */

/** Ticks an open checkbox or unticks a done one on a (0-based) line. */
export function toggleCheckbox(doc: PlanDocument, line: number): EditResult {
  const box = doc.checkboxes.find((b) => b.line === line);
  if (!box) return { ok: false, error: `line ${line + 1} has no checkbox` };
  const mark = box.done ? ' ' : doneMark(doc);
  return { ok: true, edits: [{ start: box.offset, end: box.offset + 1, newText: mark }] };
}

export interface SetStatusOptions {
  /** YYYY-MM-DD written into Started / Completed / Last Updated; default today (local time). */
  date?: string;
}

/** Writes a task's status in its format's words, and in the lines that restate it (its mirrors). */
export function setStatus(doc: PlanDocument, taskId: string, status: Status, options: SetStatusOptions = {}): EditResult {
  const task = doc.tasks.find((t) => t.id === taskId);
  if (!task) return { ok: false, error: `no task "${taskId}" in this plan` };
  if (status === 'unknown') return { ok: false, error: 'the status "unknown" cannot be written' };
  const date = options.date ?? today();
  if (!isValidDate(date)) return { ok: false, error: `"${date}" is not a date as YYYY-MM-DD` };
  if (task.status === status) return { ok: true, edits: [] };
  if (!task.statusSpan) return { ok: false, error: `task "${taskId}" has no status text to rewrite` };
  const result = formatOf(task.dialect).setStatus(doc, task, status, date);
  if (!result.ok) return result;
  const edits: TextEdit[] = [...result.edits];
  for (const mirror of doc.mirrors) {
    if (mirror.of !== task.id || !mirrorDisagrees(mirror.task, status) || !mirror.task.statusSpan) continue;
    // A box says done or open, as a To-dos line does; another restatement that cannot say this
    // status keeps what it says.
    const said = mirror.task.dialect === 'checklist' ? (status === 'done' ? 'done' : 'todo') : status;
    const mirrored = formatOf(mirror.task.dialect).setStatus(doc, mirror.task, said, date);
    if (mirrored.ok) edits.push(...mirrored.edits.filter((e) => !edits.some((o) => o.start < e.end && e.start < o.end)));
  }
  return { ok: true, edits };
}

function today(): string {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}
