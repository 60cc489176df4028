import type { PlanDocument, Span } from '../model';
import type { TextEdit } from '../text';
import type { SettableStatus } from './format';

/** How formats write a status: shared by the format modules' `setStatus`. */

export function replaceSpan(span: Span, newText: string): TextEdit {
  return { start: span.start, end: span.end, newText };
}

/** The symbol written for each status where a format says it with a symbol. */
export const statusSymbols: Record<SettableStatus, string> = {
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
export function styled(previous: string, word: string, defaultSeparator: string): string {
  const letters = previous.replace(/[^\p{L}]/gu, '');
  // `InProgress` (BMAD) joins its words with nothing.
  const separator = /_/.test(previous)
    ? '_'
    : /\w-\w/.test(previous)
      ? '-'
      : / /.test(previous.trim())
        ? ' '
        : /\p{Ll}\p{Lu}/u.test(previous)
          ? ''
          : defaultSeparator;
  const parts = word.split(/[_\- ]/);
  let out = parts.join(separator);
  if (letters && letters === letters.toUpperCase()) out = out.toUpperCase();
  else if (letters && letters === letters.toLowerCase()) out = out.toLowerCase();
  else if (letters && /^\p{Lu}/u.test(letters)) out = parts.map((p) => p[0].toUpperCase() + p.slice(1).toLowerCase()).join(separator);
  return out;
}

/** The words of a status text, without symbols and parenthesized notes (`✅ COMPLETED (2026-02-08)` → `COMPLETED`). */
export function statusWords(text: string): string {
  return text.replace(/\([^)]*\)/g, '').replace(/[^\p{L}\s_-]/gu, '').trim();
}

/** True when a status text starts with a symbol (`✅ done`): the rewrite keeps one. */
export const startsWithSymbol = (text: string) => /^\P{L}/u.test(text.trim());

/**
 * The mark a file uses for done boxes: `x` unless it mostly writes `X`, so that ticking and
 * unticking in a file of `[X]` boxes gives back the same bytes.
 */
export function doneMark(doc: PlanDocument): string {
  let upper = 0;
  let lower = 0;
  for (const b of doc.checkboxes) {
    if (b.mark === 'X') upper++;
    else if (b.mark === 'x') lower++;
  }
  return upper > lower ? 'X' : 'x';
}

/**
 * The mark a file uses for boxes in progress: Kiro writes `[-]`, others `[~]` or `[/]`; the one
 * the file uses most, `/` in a file that has none yet.
 */
export function inProgressMark(doc: PlanDocument): string {
  const counts = new Map<string, number>();
  for (const b of doc.checkboxes) if ('-~/'.includes(b.mark)) counts.set(b.mark, (counts.get(b.mark) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '/';
}
