import { parseDependencyList, readFields, type Field } from '../fields';
import { newTask, type PlanDocument, type PlanTask } from '../model';
import { slug } from '../slug';
import type { ListItem } from '../structure';
import { splitLines, type TextEdit } from '../text';
import { parsePriority, statusSymbolAt } from '../words';
import { sectionNumberOf } from './checklist';
import type { PlanFormat, PlanSource, SettableStatus } from './format';
import { colourFor, colourIn, readLegend } from './legend';
import { replaceSpan, statusSymbols, styled } from './statusText';
import { moveToMetadata } from './titles';

/**
 * `status-list`: list items without a box whose sub-items are fields, one of them a Status:
 *
 *     1. **Set up the ledger** 🔄
 *        - **Status**: In Progress
 *        - **Depends on**: 2
 *
 * The item's number is its id (prefixed by its section's number, `## Phase 2` → `2.1`, or its
 * parent's id), else a slug of its title; a status symbol after the title is kept in step with
 * the Status field when the status changes.
 */
export const statusList: PlanFormat = {
  dialect: 'status-list',
  recognize: (source) => /^[ \t>]*(?:[-*+]|\d+[.)])[ \t]+\**status\**[ \t]*:/im.test(source.text),
  read,
  setStatus,
};

function read(source: PlanSource): PlanTask[] {
  const { structure, lines } = source;
  const fieldsOf = new Map<ListItem, (Field & { name: string })[]>();
  for (const item of structure.items) {
    if (item.box || !item.parent || item.parent.box) continue;
    const fields = readFields(item.text, item.textStart, item.line);
    if (!fields.length) continue;
    fieldsOf.set(item.parent, [...(fieldsOf.get(item.parent) ?? []), ...fields]);
  }
  const tasks: PlanTask[] = [];
  const byItem = new Map<ListItem, PlanTask>();
  let headingIndex = 0;
  for (const [item, fields] of [...fieldsOf].sort((a, b) => a[0].line - b[0].line)) {
    // A status said as one (`**Status**: Done`, `Status: Done`) under a title, not a data model's
    // `status: enum (…)` under a line that introduces a list.
    const status = fields.find((f) => f.key === 'status' && /^\p{Lu}/u.test(f.name));
    if (!status || source.taken.has(item.line) || /:\s*$/.test(item.text)) continue;
    while (headingIndex < structure.headings.length && structure.headings[headingIndex].line < item.line) headingIndex++;
    const metadata: Record<string, string> = {};
    for (const f of fields) if (f.key === 'other') metadata[f.name] = f.value;
    const symbol = trailingSymbol(item.text, source.statusSymbol);
    const title = moveToMetadata(
      [symbol ? item.text.slice(0, symbol.index) : item.text, ...item.continuation].join(' ').replace(/\*\*|__/g, '').trim(),
      metadata,
    );
    const number = /^[ \t>]*(\d+)[.)]/.exec(lines[item.line].text)?.[1];
    const parent = item.parent ? byItem.get(item.parent) : undefined;
    const section = headingIndex > 0 ? sectionNumberOf(structure.headings[headingIndex - 1]) : null;
    const prefix = parent?.id ?? section;
    const get = (key: Field['key']) => fields.find((f) => f.key === key)?.value;
    const byWords = source.status(status.value);
    if (byWords === 'unknown' && !symbol) continue;
    const task = newTask({
      id: number ? (prefix ? `${prefix}.${number}` : number) : slug(title),
      title,
      status: byWords === 'unknown' && symbol ? source.status(symbol.text) : byWords,
      rawStatus: status.value,
      priority: get('priority') ? parsePriority(get('priority')!) : null,
      dependencies: get('dependencies') ? parseDependencyList(get('dependencies')!) : [],
      dialect: 'status-list',
      line: item.line,
      startLine: item.line,
      endLine: item.lastLine,
      statusSpan: status.span,
      assignee: get('assignee') ?? null,
      effort: get('effort') ?? null,
      parent: parent?.id ?? null,
      metadata,
    });
    tasks.push(task);
    byItem.set(item, task);
  }
  return tasks;
}

/** A status symbol at the end of an item's first line (`**Title** 🔄`, a legend's `🟢`), with where it starts in that text. */
function trailingSymbol(text: string, isSymbol: (token: string) => string | undefined): { text: string; index: number } | undefined {
  const m = /\s(\S+)\s*$/.exec(text);
  return m && isSymbol(m[1]) ? { text: m[1], index: m.index } : undefined;
}

/** A status symbol, or any colour (one the file's legend may define). */
const symbolOrColour = (token: string) => statusSymbolAt(token) ?? (colourIn(token) === token.replace(/\uFE0F/g, '') ? token : undefined);

const words = { todo: 'Not Started', 'in-progress': 'In Progress', blocked: 'Blocked', paused: 'Paused', done: 'Done', cancelled: 'Cancelled' };

/** The Status field in the list's own words (a sibling of that status says how), and the symbol after the title. */
function setStatus(doc: PlanDocument, task: PlanTask, status: SettableStatus) {
  const lines = splitLines(doc.text);
  const sibling = doc.tasks.find((t) => t.dialect === 'status-list' && t.status === status && t !== task);
  const edits: TextEdit[] = [replaceSpan(task.statusSpan!, sibling?.rawStatus ?? styled(task.rawStatus, words[status], ' '))];
  const line = lines[task.line];
  const symbol = trailingSymbol(line.text, symbolOrColour);
  if (symbol) {
    const at = line.start + line.text.lastIndexOf(symbol.text);
    const siblingSymbol = sibling && trailingSymbol(lines[sibling.line].text, symbolOrColour)?.text;
    const legendColour = colourIn(symbol.text) ? colourFor(readLegend(doc.text, lines), status) : undefined;
    edits.push(replaceSpan({ start: at, end: at + symbol.text.length }, siblingSymbol ?? legendColour ?? statusSymbols[status]));
  }
  return { ok: true as const, edits };
}
