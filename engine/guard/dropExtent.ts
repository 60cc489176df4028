import type { Hunk } from './hunks';
import type { Definition, ParsedText } from './treeRead';

/**
 * How far a placeholder's drop really reaches. A line diff pairs lines by coincidence: the
 * closing brace and blank line of a dropped method with those of a method the agent added, a
 * `return` both happen to share. That cuts one drop into hunks with "equal" lines between. A
 * placeholder stands for whole definitions, so its hunk takes in the neighbouring hunks and
 * lines that only hold blank lines and parts of definitions the edit removed (gone from the new
 * text), then gives back the equal lines at its edges that belong to no such definition.
 */
export function dropExtent(index: number, hunks: Hunk[], oldLines: string[], newLines: string[], old: ParsedText, now: ParsedText, placeholders: Set<number>): Hunk {
  const present = new Set(now.definitions.map(key));
  const own = hunks[index];
  // A definition around the whole hunk (a class the agent renamed) is the drop's setting, not its content.
  const around = (d: Definition) => d.startLine < own.oldStart && d.endLine >= own.oldStart + own.removed.length;
  const gone = old.definitions.filter((d) => !present.has(key(d)) && !around(d));
  const inGone = (line: number) => gone.some((d) => d.startLine <= line && line <= d.endLine);
  const dropped = (from: number, to: number) => {
    for (let line = from; line < to; line++) if (oldLines[line].trim() !== '' && !inGone(line)) return false;
    return true;
  };
  const joins = (a: Hunk, b: Hunk) => b.removed.length > 0 && dropped(a.oldStart + a.removed.length, b.oldStart + b.removed.length);
  let first = index;
  let last = index;
  while (last + 1 < hunks.length && !placeholders.has(last + 1) && joins(hunks[last], hunks[last + 1])) last++;
  while (first > 0 && !placeholders.has(first - 1) && hunks[first - 1].removed.length > 0 && dropped(hunks[first - 1].oldStart, hunks[first].oldStart)) first--;

  let oldStart = hunks[first].oldStart;
  let newStart = hunks[first].newStart;
  let oldEnd = hunks[last].oldStart + hunks[last].removed.length;
  let newEnd = hunks[last].newStart + hunks[last].added.length;
  // Equal lines at the edges that a removed definition still spans: its closing brace, paired with another one.
  const cutAfter = (line: number) => gone.some((d) => d.startLine < line && d.endLine >= line);
  const cutBefore = (line: number) => gone.some((d) => d.startLine <= line && d.endLine > line);
  const nextStart = last + 1 < hunks.length ? hunks[last + 1].oldStart : oldLines.length;
  const previousEnd = first > 0 ? hunks[first - 1].oldStart + hunks[first - 1].removed.length : 0;
  while (oldEnd < nextStart && cutAfter(oldEnd)) (oldEnd++, newEnd++);
  while (oldStart > previousEnd && cutBefore(oldStart - 1)) (oldStart--, newStart--);
  // Equal lines at the edges that belong to no removed definition are not part of the drop.
  const placeholderAt = own.newStart;
  const placeholderEnd = own.newStart + own.added.length;
  while (oldEnd > oldStart && newEnd > placeholderEnd && oldLines[oldEnd - 1] === newLines[newEnd - 1] && !inGone(oldEnd - 1)) (oldEnd--, newEnd--);
  while (oldStart < oldEnd && newStart < placeholderAt && oldLines[oldStart] === newLines[newStart] && !inGone(oldStart)) (oldStart++, newStart++);
  return { oldStart, removed: oldLines.slice(oldStart, oldEnd), newStart, added: newLines.slice(newStart, newEnd) };
}

function key(d: Definition): string {
  return `${d.kind}\u0000${d.name}`;
}
