import type { Hunk } from './hunks';

interface Point {
  row: number;
  column: number;
}

/** One change in the terms of web-tree-sitter's Tree.edit (offsets and columns in UTF-16 code units). */
export interface TreeEdit {
  startIndex: number;
  oldEndIndex: number;
  newEndIndex: number;
  startPosition: Point;
  oldEndPosition: Point;
  newEndPosition: Point;
}

/**
 * The edits that turn the old text's tree into one the parser can reuse for the new text, one
 * per hunk, first to last. Each is in the coordinates of the text with the hunks before it
 * applied: up to the hunk that is the new text, from it on still the old one.
 */
export function editsOf(before: string, after: string, hunks: Hunk[]): TreeEdit[] {
  const oldStarts = lineStarts(before);
  const newStarts = lineStarts(after);
  return hunks.map((hunk) => {
    const start = at(newStarts, after, hunk.newStart);
    const oldFrom = at(oldStarts, before, hunk.oldStart);
    const oldTo = at(oldStarts, before, hunk.oldStart + hunk.removed.length);
    const newEnd = at(newStarts, after, hunk.newStart + hunk.added.length);
    return {
      startIndex: start.index,
      oldEndIndex: start.index + (oldTo.index - oldFrom.index),
      newEndIndex: newEnd.index,
      startPosition: start.point,
      // Old rows move by as many lines as the new text has before the hunk, columns stay.
      oldEndPosition: { row: oldTo.point.row - hunk.oldStart + hunk.newStart, column: oldTo.point.column },
      newEndPosition: newEnd.point,
    };
  });
}

/** Where each line starts (lines split on \r\n, \n and \r, like the hunks). */
function lineStarts(text: string): number[] {
  const starts = [0];
  if (!text.includes('\r')) {
    // The usual case, and a native search is several times faster than a regular expression here.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    return starts;
  }
  const breaks = /\r\n|\n|\r/g;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) starts.push(match.index + match[0].length);
  return starts;
}

/** The start of a line, or the end of the text for the line after its last one. */
function at(starts: number[], text: string, line: number): { index: number; point: Point } {
  if (line < starts.length) return { index: starts[line], point: { row: line, column: 0 } };
  const last = starts.length - 1;
  return { index: text.length, point: { row: last, column: text.length - starts[last] } };
}
