import { diffArrays } from 'diff';

/** One place where the edit changed lines: what it removed from the old text and added in the new. */
export interface Hunk {
  /** First removed line in the old text (where the removal happened, even if nothing was removed). */
  oldStart: number;
  removed: string[];
  /** First added line in the new text. */
  newStart: number;
  added: string[];
}

/** Where a hunk is, in lines: [start, end) in the old and in the new text. */
interface Span {
  oldStart: number;
  oldEnd: number;
  newStart: number;
  newEnd: number;
}

const lineBreak = /\r\n|\n|\r/;

/** The lines of a text, split the way the hunks split them. */
export function linesOf(text: string): string[] {
  // Splitting on one character is several times faster than on a pattern, and most texts have no \r.
  return text.includes('\r') ? text.split(lineBreak) : text.split('\n');
}

/**
 * The edit's hunks, from a real line diff. Lines are compared with their line break (a last line
 * that gains one has changed, as have CRLF lines turned LF) and keep their text without it.
 * The common head and tail of both texts are cut off first, so a small edit in a long file
 * diffs only the stretch it touched. Pure removals and insertions are then slid along repeated
 * lines to join a neighbouring hunk when they can, as git does: a longest common subsequence
 * happily pairs the blank line after a placeholder with one in the middle of the dropped text,
 * which would cut one drop into two.
 */
export function hunksOf(before: string, after: string): Hunk[] {
  const head = commonHead(before, after);
  const tail = commonTail(before, after, head);
  const oldTokens = tokens(before.slice(head, before.length - tail));
  const newTokens = tokens(after.slice(head, after.length - tail));
  const spans: Span[] = [];
  let oldLine = 0;
  let newLine = 0;
  let current: Span | undefined;
  for (const change of diffArrays(oldTokens, newTokens)) {
    const count = change.value.length;
    if (!change.added && !change.removed) {
      current = undefined;
      oldLine += count;
      newLine += count;
      continue;
    }
    current ??= spans[spans.push({ oldStart: oldLine, oldEnd: oldLine, newStart: newLine, newEnd: newLine }) - 1];
    if (change.removed) current.oldEnd = oldLine += count;
    else current.newEnd = newLine += count;
  }
  const first = breaksIn(before, head);
  const strip = (token: string) => token.replace(/(\r\n|\n|\r)$/, '');
  return compact(spans, oldTokens, newTokens).map((s) => ({
    oldStart: first + s.oldStart,
    removed: oldTokens.slice(s.oldStart, s.oldEnd).map(strip),
    newStart: first + s.newStart,
    added: newTokens.slice(s.newStart, s.newEnd).map(strip),
  }));
}

/** Lines with their line breaks, the last one without when the text does not end in one. */
function tokens(text: string): string[] {
  return text.match(/[^\r\n]*(\r\n|\n|\r)|[^\r\n]+$/g) ?? [];
}

/** Length of the longest common start of both texts that ends at a line start. */
function commonHead(a: string, b: string): number {
  const max = Math.min(a.length, b.length);
  let i = 0;
  // Whole chunks first: comparing strings runs natively, a character loop does not.
  for (let step = 4096; step >= 1; step >>= 4) while (i + step <= max && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
  // Back to the start of that line; a \r just before the cut may be half of a \r\n in one text only.
  for (let j = i - 1; j >= 0; j--) {
    const c = a.charCodeAt(j);
    if (c === 10 || (c === 13 && j < i - 1)) return j + 1;
  }
  return 0;
}

/** Length of the longest common end of both texts (not reaching into the head) that starts at a line start. */
function commonTail(a: string, b: string, head: number): number {
  const max = Math.min(a.length, b.length) - head;
  let n = 0;
  for (let step = 4096; step >= 1; step >>= 4) while (n + step <= max && a.slice(a.length - n - step, a.length - n) === b.slice(b.length - n - step, b.length - n)) n += step;
  // Forward to the next line start whose line break lies inside the common end.
  for (let j = a.length - n; j < a.length; j++) {
    const c = a.charCodeAt(j);
    if (c === 10 || (c === 13 && a.charCodeAt(j + 1) !== 10)) return a.length - j - 1;
  }
  return 0;
}

/** How many line breaks the first `end` characters of a text hold. */
function breaksIn(text: string, end: number): number {
  let count = 0;
  if (text.lastIndexOf('\r', end) === -1) {
    for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count++;
    return count;
  }
  const breaks = /\r\n|\n|\r/g;
  for (let m = breaks.exec(text); m && m.index < end; m = breaks.exec(text)) count++;
  return count;
}

/**
 * Joins a pure removal (or insertion) to the hunk before or after it when the lines between
 * repeat the block's own edge lines, so that sliding the block over them is the same diff.
 */
function compact(spans: Span[], oldTokens: string[], newTokens: string[]): Span[] {
  const result: Span[] = [];
  for (const span of spans) {
    const previous = result.at(-1);
    const gap = previous ? span.oldStart - previous.oldEnd : 0;
    if (previous && gap > 0 && slides(span, -gap, oldTokens, newTokens)) {
      // Slid up onto `previous`: the block now ends `gap` lines earlier, right where it was after `previous`.
      if (span.newStart === span.newEnd) previous.oldEnd = span.oldEnd - gap;
      else previous.newEnd = span.newEnd - gap;
    } else {
      result.push({ ...span });
    }
  }
  for (let i = result.length - 2; i >= 0; i--) {
    const [span, next] = [result[i], result[i + 1]];
    const gap = next.oldStart - span.oldEnd;
    if (gap > 0 && slides(span, gap, oldTokens, newTokens)) {
      result.splice(i, 2, { oldStart: span.oldStart + gap, oldEnd: next.oldEnd, newStart: span.newStart + gap, newEnd: next.newEnd });
    }
  }
  return result;
}

/** Whether a pure removal or insertion can move `by` lines (up when negative) and stay the same diff. */
function slides(span: Span, by: number, oldTokens: string[], newTokens: string[]): boolean {
  const removal = span.newStart === span.newEnd;
  if (!removal && span.oldStart !== span.oldEnd) return false;
  const lines = removal ? oldTokens : newTokens;
  const start = removal ? span.oldStart : span.newStart;
  const end = removal ? span.oldEnd : span.newEnd;
  // Moving by one line is possible when the line it leaves equals the line it takes.
  for (let i = 0; i < Math.abs(by); i++) {
    if (by < 0 ? lines[start - 1 - i] !== lines[end - 1 - i] : lines[start + i] !== lines[end + i]) return false;
  }
  return true;
}
