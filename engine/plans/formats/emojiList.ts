import { newTask, type PlanDocument, type PlanTask } from '../model';
import { splitLines } from '../text';
import type { PlanFormat, PlanSource, SettableStatus } from './format';
import { colourFor, colourIn, readLegend } from './legend';
import { replaceSpan, statusSymbols } from './statusText';

/**
 * `emoji-list`: tasks written as a status symbol and a bracketed id, without a checkbox (BMAD
 * stories and hand-kept plans): `- ✅ **[1a]** Title` as a list item, `**✅ [TASK-1.1.1]** Title`
 * as a line of its own. The symbol is the status (edits replace it; a colour of the file's legend
 * is replaced by the legend's colour); items under such a task, or after a line task in the same
 * section, are its subtasks.
 */
export const emojiList: PlanFormat = {
  dialect: 'emoji-list',
  // Only lines that start with a symbol (not ASCII) and hold a bracket can be such tasks.
  recognize: (source) => /^[\s>*+-]*[^\x00-\x7F]/m.test(source.text),
  read,
  setStatus: (doc, task, status) => ({ ok: true, edits: [replaceSpan(task.statusSpan!, symbolFor(doc, task, status))] }),
};

const emojiTask = /^(\*\*)?\s*(\S+?)\s*(?:\*\*)?\s*\*{0,2}\[([\w][\w.-]*)\]\*{0,2}\s+(.+)$/u;

const startsWithSymbol = /^[\s*]*[^\x00-\x7F]/;
const mayBeEmojiTask = (text: string) => startsWithSymbol.test(text) && text.includes('[');

function read(source: PlanSource): PlanTask[] {
  const { structure, lines } = source;
  const tasks: PlanTask[] = [];
  const byItem = new Map<number, PlanTask>();
  let lineTask: PlanTask | undefined;
  let headingIndex = 0;
  const starts = [
    ...structure.items.filter((i) => !i.box && mayBeEmojiTask(i.text)).map((i) => ({ line: i.line, text: i.text, offset: i.textStart, parentLine: i.parent?.line })),
    ...structure.paragraphs
      .filter((p) => mayBeEmojiTask(lines[p.startLine].text))
      .map((p) => ({ line: p.startLine, text: lines[p.startLine].text, offset: lines[p.startLine].start, parentLine: undefined as number | undefined, paragraph: true })),
  ].sort((a, b) => a.line - b.line);
  for (const start of starts) {
    while (headingIndex < structure.headings.length && structure.headings[headingIndex].line < start.line) {
      headingIndex++;
      lineTask = undefined;
    }
    if (source.taken.has(start.line)) continue;
    const m = emojiTask.exec(start.text);
    if (!m) continue;
    const symbol = source.statusSymbol(m[2]);
    if (!symbol) continue;
    const at = start.offset + start.text.indexOf(m[2]);
    const parent = (start.parentLine !== undefined ? byItem.get(start.parentLine) : undefined) ?? ('paragraph' in start ? undefined : lineTask);
    const task = newTask({
      id: m[3],
      title: m[4].replace(/\*\*/g, '').trim(),
      status: source.status(symbol),
      rawStatus: symbol,
      dependencies: [],
      dialect: 'emoji-list',
      line: start.line,
      startLine: start.line,
      endLine: start.line,
      statusSpan: { start: at, end: at + symbol.length },
      parent: parent?.id ?? null,
    });
    tasks.push(task);
    byItem.set(start.line, task);
    if ('paragraph' in start) lineTask = task;
  }
  return tasks;
}

/** The symbol to write: the legend's colour for the status when the task says its status in colours, else the usual symbol. */
function symbolFor(doc: PlanDocument, task: PlanTask, status: SettableStatus): string {
  return (colourIn(task.rawStatus) && colourFor(readLegend(doc.text, splitLines(doc.text)), status)) || statusSymbols[status];
}
