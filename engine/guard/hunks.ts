import { diffLines } from 'diff';

/** One place where the edit changed lines: what it removed from the old text and added in the new. */
export interface Hunk {
  /** First removed line in the old text (where the removal happened, even if nothing was removed). */
  oldStart: number;
  removed: string[];
  /** First added line in the new text. */
  newStart: number;
  added: string[];
}

/** The lines of a text, split the way the hunks split them. */
export function linesOf(text: string): string[] {
  return text.split(/\r\n|\n|\r/);
}

/**
 * The edit's hunks, from a real line diff (jsdiff, which diffs lines as tokens). Lines keep
 * their text without line breaks. Pure removals and insertions are then slid along repeated
 * lines to join a neighbouring hunk when they can, as git does: a longest common subsequence
 * happily pairs the blank line after a placeholder with one in the middle of the dropped text,
 * which would cut one drop into two.
 */
export function hunksOf(before: string, after: string): Hunk[] {
  const hunks: Hunk[] = [];
  let oldLine = 0;
  let newLine = 0;
  let current: Hunk | undefined;
  for (const change of diffLines(before, after)) {
    const lines = splitChangeLines(change.value);
    if (!change.added && !change.removed) {
      current = undefined;
      oldLine += lines.length;
      newLine += lines.length;
      continue;
    }
    current ??= hunks[hunks.push({ oldStart: oldLine, removed: [], newStart: newLine, added: [] }) - 1];
    if (change.removed) {
      current.removed.push(...lines);
      oldLine += lines.length;
    } else {
      current.added.push(...lines);
      newLine += lines.length;
    }
  }
  return hunks.length > 1 ? compact(hunks, linesOf(before), linesOf(after)) : hunks;
}

function splitChangeLines(value: string): string[] {
  const lines = value.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * Joins a pure removal (or insertion) to the hunk before or after it when the lines between
 * repeat the block's own edge lines, so that sliding the block over them is the same diff.
 */
function compact(hunks: Hunk[], oldLines: string[], newLines: string[]): Hunk[] {
  const result: Hunk[] = [];
  for (const hunk of hunks) {
    const previous = result.at(-1);
    const up = previous && slideUp(previous, hunk, oldLines, newLines);
    if (up) result[result.length - 1] = up;
    else result.push(hunk);
  }
  for (let i = result.length - 2; i >= 0; i--) {
    const down = slideDown(result[i], result[i + 1], oldLines, newLines);
    if (down) result.splice(i, 2, down);
  }
  return result;
}

/** `hunk`, a pure removal or insertion, slid up over the equal lines to join `previous`. */
function slideUp(previous: Hunk, hunk: Hunk, oldLines: string[], newLines: string[]): Hunk | undefined {
  const gap = hunk.oldStart - (previous.oldStart + previous.removed.length);
  const removal = hunk.added.length === 0;
  if (gap <= 0 || (!removal && hunk.removed.length > 0)) return undefined;
  const lines = removal ? oldLines : newLines;
  const start = removal ? hunk.oldStart : hunk.newStart;
  const end = start + (removal ? hunk.removed.length : hunk.added.length);
  for (let i = 1; i <= gap; i++) if (lines[start - i] !== lines[end - i]) return undefined;
  return removal
    ? { ...previous, removed: oldLines.slice(previous.oldStart, end - gap) }
    : { ...previous, added: newLines.slice(previous.newStart, end - gap) };
}

/** `hunk`, a pure removal or insertion, slid down over the equal lines to join `next`. */
function slideDown(hunk: Hunk, next: Hunk, oldLines: string[], newLines: string[]): Hunk | undefined {
  const gap = next.oldStart - (hunk.oldStart + hunk.removed.length);
  const removal = hunk.added.length === 0;
  if (gap <= 0 || (!removal && hunk.removed.length > 0)) return undefined;
  const lines = removal ? oldLines : newLines;
  const start = removal ? hunk.oldStart : hunk.newStart;
  const end = start + (removal ? hunk.removed.length : hunk.added.length);
  for (let i = 0; i < gap; i++) if (lines[start + i] !== lines[end + i]) return undefined;
  const oldStart = hunk.oldStart + gap;
  const newStart = hunk.newStart + gap;
  return {
    oldStart,
    removed: oldLines.slice(oldStart, next.oldStart + next.removed.length),
    newStart,
    added: newLines.slice(newStart, next.newStart + next.added.length),
  };
}
