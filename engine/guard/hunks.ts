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

/** The edit's hunks, from a real line diff (jsdiff). Lines keep their text without line breaks. */
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
  return hunks;
}

function splitChangeLines(value: string): string[] {
  const lines = value.split(/\r\n|\n|\r/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
