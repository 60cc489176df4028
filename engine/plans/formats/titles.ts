import type { Status } from '../model';
import { parseStatus } from '../words';

/** What formats do with a task's title text: markers that are metadata, set-aside words, comparisons. */

/**
 * Moves the markers that are not part of a title into metadata: a size (`` `S` ``,
 * `(Est: 45 min)`), a commit hash at the end (`abc1234`, `(abc1234)`) and `[checkpoint: abc1234]`.
 */
export function moveToMetadata(text: string, metadata: Record<string, string>): string {
  // Cheap checks first: most titles carry none of these, and this runs for every task.
  let out = text;
  if (out.includes('[checkpoint')) {
    out = out.replace(/\s*\[checkpoint:\s*([0-9a-f]{7,40})\]/i, (_all, hash: string) => {
      metadata.checkpoint = hash;
      return '';
    });
  }
  const last = /\s+\(?([0-9a-f]{7,40})\)?\s*$/.exec(out);
  if (last && /\d/.test(last[1]) && /[a-f]/.test(last[1])) {
    metadata.commit = last[1];
    out = out.slice(0, last.index);
  }
  if (out.includes('(')) {
    out = out.replace(/\s*\((?:est\.?|estimate|effort)\s*:?\s*([^)]*)\)/i, (_all, est: string) => {
      metadata.estimate = est.trim();
      return '';
    });
  }
  if (out.includes('`')) {
    out = out.replace(/^`(XXS|XS|S|M|L|XL|XXL)`\s+|\s+`(XXS|XS|S|M|L|XL|XXL)`$/, (_all, a: string | undefined, b: string | undefined) => {
      metadata.size = (a ?? b)!;
      return '';
    });
  }
  return out;
}

const setAsideWord = "(deferred|descoped|cancell?ed|won'?t do|eliminated)";
const setAsideWords = new RegExp(`^${setAsideWord}\\b|\\*\\*${setAsideWord}\\*\\*|\\[${setAsideWord}\\]|\\(${setAsideWord}\\)`, 'i');

/** The status a done item's words give it when they say it was set aside, else undefined. */
export function setAside(text: string): Status | undefined {
  if (/^~~.+~~$/.test(text.trim())) return 'cancelled';
  // Said as a status: leading (`Deferred: …`), marked (`**descoped**`, `[deferred]`) or a
  // parenthesis of its own (`(descoped)`); a note that explains (`(deferred - needs X)`) does not undo the tick.
  const said = setAsideWords.exec(text.trim());
  if (said) return parseStatus(said.slice(1).find(Boolean)!);
  return undefined;
}

/** A title as compared with another: no emphasis or code marks, spaces folded, lower case. */
export const plainTitle = (title: string) => title.replace(/[*_`~]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/** True when `words` occurs in `text` on word boundaries. */
export function containsWords(text: string, words: string): boolean {
  if (!words) return false;
  const at = text.indexOf(words);
  if (at === -1) return false;
  const before = text[at - 1];
  const after = text[at + words.length];
  return (before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after));
}

/** True when two titles name one thing: one holds the other on word boundaries. */
export const sameTitle = (a: string, b: string) => {
  const x = plainTitle(a);
  const y = plainTitle(b);
  return containsWords(x, y) || containsWords(y, x);
};
