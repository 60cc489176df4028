import { parseDependencyList } from '../fields';
import { slug } from '../slug';
import { newTask, type PlanDocument, type PlanTask, type Span } from '../model';
import { lineAt, splitLines, type Line, type TextEdit } from '../text';
import { parsePriority } from '../words';
import type { PlanFormat, PlanSource, SettableStatus } from './format';
import { colourFor, colourIn, statusReader } from './legend';
import { startsWithSymbol, statusSymbols, statusWords, styled } from './statusText';
import { containsWords, plainTitle } from './titles';

/**
 * `table` (SPEC §1): a table with a Status column is a task table, one task a row. The ID
 * column may be headed ID, Task ID, Key, # or Subtask (a Subtask row whose id extends another
 * row's id, `qual-001-a` under `qual-001`, is that task's subtask). Without an ID column (memory
 * banks, roadmaps' progress tables) a table of things with a status still is one: the id is a
 * number at the start of the title cell (`7. Billing Export`), else a slug of the title; and
 * such a table that restates tasks read elsewhere in the file (a Cursor plan's todos, phase
 * headings) is a summary of them, one task each, not two.
 */
export const table: PlanFormat = {
  dialect: 'table',
  recognize: (source) => source.structure.tables.length > 0,
  read(source) {
    let named: string[] | undefined;
    return readTables(source).filter((row) => !rowsWithoutIds.has(row) || !restates(row, (named ??= source.tasks.map((t) => plainTitle(t.title)))));
  },
  setStatus: (doc, task, status) => writeStatusCell(doc, task, status, words),
};

export interface Cell {
  text: string;
  /** The cell between its pipes, spaces included (for rewrites that keep the column width). */
  inner: Span;
  /** The trimmed text. */
  span: Span;
}

/** Splits a table row into cells, honouring `\|` and pipes inside backticks. */
export function splitRow(line: Line): Cell[] {
  const text = line.text;
  const cells: Cell[] = [];
  let start = 0;
  let i = 0;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('|')) start = i = text.length - trimmed.length + 1;
  let inCode = false;
  for (; i <= text.length; i++) {
    const c = text[i];
    if (c === '`') inCode = !inCode;
    if (c === '\\') {
      i++;
      continue;
    }
    if ((c === '|' && !inCode) || i === text.length) {
      const raw = text.slice(start, i);
      if (i === text.length && raw.trim() === '') break; // the trailing pipe's empty remainder
      const lead = raw.length - raw.trimStart().length;
      const value = raw.trim();
      cells.push({
        text: value,
        inner: { start: line.start + start, end: line.start + i },
        span: { start: line.start + start + lead, end: line.start + start + lead + value.length },
      });
      start = i + 1;
    }
  }
  return cells;
}

/**
 * Rewrites a table cell whose trimmed text is at `span`, keeping the column width where the new
 * text fits (so the table stays aligned) and the cell's leading space as written.
 */
export function rewriteCell(text: string, span: Span, newText: string): TextEdit {
  let start = span.start;
  while (start > 0 && text[start - 1] !== '|' && text[start - 1] !== '\n' && text[start - 1] !== '\r') start--;
  let end = span.end;
  while (end < text.length && text[end] !== '|' && text[end] !== '\n' && text[end] !== '\r') end++;
  const lead = text.slice(start, span.start);
  const trail = text.slice(span.end, end);
  const width = end - start;
  const body = lead + newText;
  const cell = body.length + (trail.length > 0 ? 1 : 0) <= width ? body.padEnd(width, ' ') : body + (trail.length > 0 ? ' ' : '');
  return { start, end, newText: cell };
}

const idHeaders = /^(id|task id|task|subtask|sub-task|key|#|ref)$/i;
/** Rows of tables without an ID column (their ids come from their titles). */
const rowsWithoutIds = new WeakSet<PlanTask>();

/** What a table without an ID column lists, by its first column's header. */
const titleHeaders = /^(feature|component|item|deliverable|milestone|phase|sprint|step|story|module|service|work item|epic|area|description)$/i;

/**
 * A row's status: its Status cell's words; when they say nothing Plumbline knows (`🟡 Structure`),
 * the row's completion cell (`25%`: in progress, `100%` done, `0%` to do).
 */
function rowStatus(source: PlanSource, text: string | undefined, cells: readonly Cell[]): PlanTask['status'] {
  const status = text === undefined ? 'unknown' : source.status(text);
  if (status !== 'unknown') return status;
  const percent = cells.map((c) => /^\**(\d{1,3})\s*%\**$/.exec(c.text)).find(Boolean);
  if (!percent) return status;
  const value = Number(percent[1]);
  return value >= 100 ? 'done' : value === 0 ? 'todo' : 'in-progress';
}

/** `7. Billing Export` → 7; `**Auth Service**` → auth-service. */
function idOfTitle(text: string): string {
  const clean = text.replace(/[*`]/g, '').trim();
  if (!clean || /^[-–—:]+$/.test(clean)) return '';
  const number = /^(\d+(?:\.\d+)*)[.)]?\s/.exec(clean);
  return number ? number[1] : slug(clean);
}

/** The title as a reader sees it: emphasis and code marks off, and a leading number when the number is the id. */
function titleText(text: string, numberIsId: boolean): string {
  const plain = text.replace(/^\*\*(.*)\*\*$/, '$1').replace(/^`(.*)`$/, '$1');
  return numberIsId ? plain.replace(/^\**(\d+(?:\.\d+)*)[.)]?\s+/, '').replace(/^\*\*(.*)\*\*$/, '$1') : plain;
}

function readTables(source: PlanSource): PlanTask[] {
  const { lines, problems } = source;
  const tables = source.structure.tables;
  const tasks: PlanTask[] = [];
  const known = new Set<string>();
  for (const table of tables) {
    const header = splitRow(lines[table.headerLine]).map((c) => c.text.replace(/[*`]/g, '').trim());
    const find = (re: RegExp) => header.findIndex((h) => re.test(h));
    const statusCol = find(/^(status|state|progress)$/i);
    if (statusCol === -1) continue;
    // Without an ID column, a table of things with a status is still a task table: the id is a
    // number at the start of the title cell (`7. Billing Export`), else a slug of the title.
    const idCol = find(idHeaders);
    const isSubtaskTable = idCol !== -1 && /^sub-?task$/i.test(header[idCol]);
    let titleCol = find(/^(title|name|task name|summary)$/i);
    if (titleCol === -1 && idCol === -1) titleCol = find(titleHeaders);
    if (titleCol === -1) titleCol = header.findIndex((_, i) => i !== idCol && i !== statusCol);
    if (titleCol === -1 && idCol === -1) continue;
    const priorityCol = find(/^(priority|prio|pri)$/i);
    const ownerCol = find(/^(owner|assignee|assigned to|who)$/i);
    const effortCol = find(/^(est\.?|estimate|estimated|effort|size)$/i);
    const depsCol = find(/^(depends on|dependencies|deps|blocked by)$/i);

    for (const rowLine of table.rowLines) {
      const cells = splitRow(lines[rowLine]);
      const cell = (col: number) => (col >= 0 ? cells[col] : undefined);
      const id = idCol !== -1 ? cell(idCol)?.text.replace(/^`|`$/g, '').replace(/^\*\*|\*\*$/g, '').trim() : idOfTitle(cell(titleCol)?.text ?? '');
      if (!id) continue;
      const status = cell(statusCol);
      if (!status) {
        problems.push({
          code: 'unreadable',
          severity: 'warning',
          line: rowLine,
          taskId: id,
          message: `row "${id}" has no Status cell (the table has ${header.length} columns, this row ${cells.length})`,
        });
      }
      const metadata: Record<string, string> = {};
      header.forEach((name, col) => {
        if (![idCol, statusCol, titleCol, priorityCol, ownerCol, effortCol, depsCol].includes(col) && cells[col]?.text) {
          metadata[name] = cells[col].text;
        }
      });
      const title = titleText(cell(titleCol)?.text ?? id, idCol === -1);
      tasks.push(newTask({
        id,
        title,
        status: rowStatus(source, status?.text, cells),
        rawStatus: status?.text ?? '',
        priority: cell(priorityCol) ? parsePriority(cell(priorityCol)!.text) : null,
        dependencies: cell(depsCol) ? parseDependencyList(cell(depsCol)!.text) : [],
        dialect: 'table',
        line: rowLine,
        startLine: rowLine,
        endLine: rowLine,
        statusSpan: status?.span,
        assignee: cell(ownerCol)?.text || null,
        effort: cell(effortCol)?.text || null,
        parent: isSubtaskTable ? parentId(id, known) : null,
        metadata,
      }));
      if (idCol === -1) rowsWithoutIds.add(tasks[tasks.length - 1]);
      known.add(id);
    }
  }
  return tasks;
}

/** The longest known id that `id` extends at a `-` or `.` (`qual-001-a` → `qual-001`). */
function parentId(id: string, known: ReadonlySet<string>): string | null {
  for (let i = id.length - 1; i > 0; i--) {
    if ((id[i] === '-' || id[i] === '.') && known.has(id.slice(0, i))) return id.slice(0, i);
  }
  return null;
}

/**
 * A row of a status table without ids restates a task of the file when a task's title holds
 * the row's title (`Environment Setup` in `Phase 0: Environment Setup (…)`) or starts with the
 * row's numbered cell and its column's name (`| **5** |` under `Phase` and `Phase 5: …`).
 */
function restates(row: PlanTask, named: readonly string[]): boolean {
  const title = plainTitle(row.title);
  const numbered = Object.entries(row.metadata)
    .map(([column, value]) => ({ column: column.toLowerCase(), number: /^\**\s*(\d+(?:\.\d+)*)\s*\**$/.exec(value)?.[1] }))
    .filter((c): c is { column: string; number: string } => c.number !== undefined);
  return named.some((t) => containsWords(t, title) || numbered.some((c) => containsWords(t.slice(0, c.column.length + c.number.length + 1), `${c.column} ${c.number}`)));
}

const words = { todo: 'pending', 'in-progress': 'in progress', blocked: 'blocked', paused: 'paused', done: 'done', cancelled: 'cancelled' };

/**
 * Rewrites a Status cell in the table's own words: its nearest row of that status says how
 * (`✅ Complete`); else a colour of the file's legend, else `fallback` styled like the cell.
 */
export function writeStatusCell(doc: PlanDocument, task: PlanTask, status: SettableStatus, fallback: Record<SettableStatus, string>) {
  const lines = splitLines(doc.text);
  const { legend, status: sayStatus } = statusReader(doc.text, lines);
  const row = lineAt(lines, task.statusSpan!.start);
  const column = splitRow(lines[row]).findIndex((c) => c.span.start === task.statusSpan!.start);
  // The rows of the same table, nearest first, by their cell in the same column.
  const inTable = (l: number) => l >= 0 && l < lines.length && lines[l].text.trimStart().startsWith('|');
  let said: string | undefined;
  let [up, down] = [column !== -1, column !== -1];
  for (let distance = 1; said === undefined && (up || down); distance++) {
    up &&= inTable(row - distance);
    down &&= inTable(row + distance);
    const near = [...(up ? [row - distance] : []), ...(down ? [row + distance] : [])];
    // By what the cell says: a cell whose row took its status from a completion cell (`🟡 Wiring`, 40%) says nothing to copy.
    said = near.map((l) => splitRow(lines[l])[column]?.text).find((text) => text && sayStatus(text) === status);
  }
  if (said) return { ok: true as const, edits: [rewriteCell(doc.text, task.statusSpan!, said)] };
  // A cell that is a colour of the legend gets the legend's colour for the status.
  const colour = colourIn(task.rawStatus) === task.rawStatus.trim().replace(/\uFE0F/g, '') ? colourFor(legend, status) : undefined;
  if (colour) return { ok: true as const, edits: [rewriteCell(doc.text, task.statusSpan!, colour)] };
  const text = (startsWithSymbol(task.rawStatus) ? `${statusSymbols[status]} ` : '') + styled(statusWords(task.rawStatus), fallback[status], ' ');
  return { ok: true as const, edits: [rewriteCell(doc.text, task.statusSpan!, text)] };
}
