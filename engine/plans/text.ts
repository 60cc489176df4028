/** A line of a file: its text without the line break, and where it sits in the whole text. */
export interface Line {
  text: string;
  start: number;
  /** Offset just after the text, before the line break. */
  end: number;
  /** The line break as written: '\r\n', '\n', '\r' or '' (last line). */
  eol: string;
}

/** Splits on CRLF, LF and lone CR, the way markdown-it counts lines. */
export function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  // indexOf, not a regex: every parse splits its whole file, and a match array per line was
  // most of what splitting allocated. The next LF and the next CR are each looked for again
  // only once passed, so a file of lone CRs (or with one CR at its end) stays one pass.
  let lf = text.indexOf('\n');
  let cr = text.indexOf('\r');
  let start = 0;
  for (;;) {
    if (lf !== -1 && lf < start) lf = text.indexOf('\n', start);
    if (cr !== -1 && cr < start) cr = text.indexOf('\r', start);
    const at = lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
    if (at === -1) break;
    const eol = text.charCodeAt(at) === 13 ? (text.charCodeAt(at + 1) === 10 ? '\r\n' : '\r') : '\n';
    lines.push({ text: text.slice(start, at), start, end: at, eol });
    start = at + eol.length;
  }
  lines.push({ text: text.slice(start), start, end: text.length, eol: '' });
  return lines;
}

/** The line break the file mostly uses, for lines Plumbline inserts. */
export function dominantEol(lines: Line[]): string {
  const counts = new Map<string, number>();
  for (const line of lines) if (line.eol) counts.set(line.eol, (counts.get(line.eol) ?? 0) + 1);
  let best = '\n';
  let bestCount = 0;
  for (const [eol, count] of counts) if (count > bestCount) [best, bestCount] = [eol, count];
  return best;
}

/** A text edit on offsets of the original text. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/** Applies non-overlapping edits (any order) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  let out = '';
  let at = 0;
  for (const edit of sorted) {
    if (edit.start < at) throw new Error('overlapping edits');
    out += text.slice(at, edit.start) + edit.newText;
    at = edit.end;
  }
  return out + text.slice(at);
}

/** The edits that undo `edits` on the text they produce (what VS Code's undo does). */
export function invertEdits(text: string, edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => a.start - b.start);
  const inverse: TextEdit[] = [];
  let shift = 0;
  for (const edit of sorted) {
    const start = edit.start + shift;
    inverse.push({ start, end: start + edit.newText.length, newText: text.slice(edit.start, edit.end) });
    shift += edit.newText.length - (edit.end - edit.start);
  }
  return inverse;
}

/** Line index containing an offset (binary search over line starts). */
export function lineAt(lines: readonly Line[], offset: number): number {
  let lo = 0;
  let hi = lines.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (lines[mid].start <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
