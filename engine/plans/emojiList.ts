import { unsaidFields, type PlanTask } from './model';
import type { Structure } from './structure';
import type { Line } from './text';
import { parseStatus, statusSymbolAt } from './words';

/**
 * Tasks written as a status symbol and a bracketed id, without a checkbox (BMAD stories and
 * hand-kept plans): `- ✅ **[1a]** Title` as a list item, `**✅ [TASK-1.1.1]** Title` as a line
 * of its own. The symbol is the status (edits replace it); items under such a task, or after a
 * line task in the same section, are its subtasks.
 */
const emojiTask = /^(\*\*)?\s*(\S+?)\s*(?:\*\*)?\s*\*{0,2}\[([\w][\w.-]*)\]\*{0,2}\s+(.+)$/u;

const startsWithSymbol = /^[\s*]*[^\x00-\x7F]/;
const mayBeEmojiTask = (text: string) => startsWithSymbol.test(text) && text.includes('[');

export function readEmojiTasks(lines: readonly Line[], structure: Structure, taken: ReadonlySet<number>): PlanTask[] {
  const tasks: PlanTask[] = [];
  const byItem = new Map<number, PlanTask>();
  let lineTask: PlanTask | undefined;
  let headingIndex = 0;
  // Only lines that start with a symbol (not ASCII) and hold a bracket can be such tasks: the
  // rest, nearly every line, never reach the pattern.
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
    if (taken.has(start.line)) continue;
    const m = emojiTask.exec(start.text);
    if (!m) continue;
    const symbol = statusSymbolAt(m[2]);
    if (!symbol) continue;
    const at = start.offset + start.text.indexOf(m[2]);
    const parent = (start.parentLine !== undefined ? byItem.get(start.parentLine) : undefined) ?? ('paragraph' in start ? undefined : lineTask);
    const task: PlanTask = {
      ...unsaidFields,
      id: m[3],
      title: m[4].replace(/\*\*/g, '').trim(),
      status: parseStatus(symbol),
      rawStatus: symbol,
      dependencies: [],
      dialect: 'emoji-list',
      line: start.line,
      startLine: start.line,
      endLine: start.line,
      statusSpan: { start: at, end: at + symbol.length },
      parent: parent?.id ?? null,
    };
    tasks.push(task);
    byItem.set(start.line, task);
    if ('paragraph' in start) lineTask = task;
  }
  return tasks;
}
