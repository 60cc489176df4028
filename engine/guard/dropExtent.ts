import type { Hunk } from './hunks';
import type { Definition, ParsedText } from './treeRead';

/**
 * How far a placeholder's drop really reaches. A line diff pairs equal lines by chance: the
 * closing brace and blank line of a dropped method with those of a method the agent added, a
 * `return` both happen to share. That cuts one drop into hunks with "equal" lines between. A
 * placeholder stands for whole definitions, so its hunk takes in the neighbouring hunks that
 * only remove blank lines and parts of definitions gone from the new text, across equal lines
 * paired by chance (blank, or a gone definition's line with a line of an added one), and the
 * chance-paired lines at its edges; equal lines it took in but no gone definition holds go back.
 */
export function dropExtent(index: number, hunks: Hunk[], oldLines: string[], newLines: string[], old: ParsedText, now: ParsedText, placeholders: Set<number>): Hunk {
  const own = hunks[index];
  const oldKeys = new Set(old.definitions.map(key));
  const newKeys = new Set(now.definitions.map(key));
  // A definition around the whole hunk (a class the agent renamed) is the drop's setting, not its content.
  const around = (d: Definition) => d.startLine < own.oldStart && d.endLine >= own.oldStart + own.removed.length;
  const gone = old.definitions.filter((d) => !newKeys.has(key(d)) && !around(d));
  const added = now.definitions.filter((d) => !oldKeys.has(key(d)));
  const within = (definitions: Definition[], line: number) => definitions.some((d) => d.startLine <= line && line <= d.endLine);
  const byChance = (oldLine: number, newLine: number) => oldLines[oldLine].trim() === '' || (within(gone, oldLine) && within(added, newLine));
  const removesGone = (h: Hunk) => h.removed.length > 0 && h.removed.every((line, i) => line.trim() === '' || within(gone, h.oldStart + i));
  const chanceBetween = (a: Hunk, b: Hunk) => {
    const from = a.oldStart + a.removed.length;
    const shift = a.newStart + a.added.length - from;
    for (let line = from; line < b.oldStart; line++) if (!byChance(line, line + shift)) return false;
    return true;
  };
  const joins = (i: number, j: number) => !placeholders.has(j) && removesGone(hunks[j]) && chanceBetween(hunks[Math.min(i, j)], hunks[Math.max(i, j)]);
  let first = index;
  let last = index;
  while (last + 1 < hunks.length && joins(last, last + 1)) last++;
  while (first > 0 && joins(first, first - 1)) first--;

  let oldStart = hunks[first].oldStart;
  let newStart = hunks[first].newStart;
  let oldEnd = hunks[last].oldStart + hunks[last].removed.length;
  let newEnd = hunks[last].newStart + hunks[last].added.length;
  // Equal lines at the edges still inside a gone definition the drop cuts through, paired by chance with an added one's.
  const nextStart = last + 1 < hunks.length ? hunks[last + 1].oldStart : oldLines.length;
  const previousEnd = first > 0 ? hunks[first - 1].oldStart + hunks[first - 1].removed.length : 0;
  const cuts = (line: number, other: number, inside: (d: Definition) => boolean) => gone.some(inside) && within(added, other) && oldLines[line].trim() !== '';
  while (oldEnd < nextStart && cuts(oldEnd, newEnd, (d) => d.startLine < oldEnd && d.endLine >= oldEnd)) (oldEnd++, newEnd++);
  while (oldStart > previousEnd && cuts(oldStart - 1, newStart - 1, (d) => d.startLine <= oldStart - 1 && d.endLine >= oldStart)) (oldStart--, newStart--);
  // Equal lines taken in at the edges that no gone definition holds are not part of the drop.
  while (oldEnd > oldStart && newEnd > own.newStart + own.added.length && oldLines[oldEnd - 1] === newLines[newEnd - 1] && !within(gone, oldEnd - 1)) (oldEnd--, newEnd--);
  while (oldStart < oldEnd && newStart < own.newStart && oldLines[oldStart] === newLines[newStart] && !within(gone, oldStart)) (oldStart++, newStart++);
  return { oldStart, removed: oldLines.slice(oldStart, oldEnd), newStart, added: newLines.slice(newStart, newEnd) };
}

function key(d: Definition): string {
  return `${d.kind}\u0000${d.name}`;
}
