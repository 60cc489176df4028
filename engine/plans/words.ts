import type { Priority, Status } from './model';

/**
 * Status and priority words (SPEC §1 "Model"). Case-insensitive; `_` and `-` count as spaces;
 * when a text has both a word and a symbol, the word decides (`🔄 planned` is todo); among
 * words, the first one in the text decides (`done (was blocked)` is done).
 */
const statusPhrases: [string, Status][] = [
  ['not started', 'todo'],
  ['partially implemented', 'in-progress'],
  ['in progress', 'in-progress'],
  ['inprogress', 'in-progress'],
  ['on hold', 'paused'],
  ["won't fix", 'cancelled'],
  ['wont fix', 'cancelled'],
  ["won't do", 'cancelled'],
  ['wont do', 'cancelled'],
  ['in review', 'in-progress'],
  ['review', 'in-progress'],
  ['to do', 'todo'],
  ['todo', 'todo'],
  ['pending', 'todo'],
  ['planned', 'todo'],
  ['backlog', 'todo'],
  ['draft', 'todo'],
  ['open', 'todo'],
  ['started', 'in-progress'],
  ['wip', 'in-progress'],
  ['blocked', 'blocked'],
  ['paused', 'paused'],
  ['deferred', 'paused'],
  ['done', 'done'],
  ['completed', 'done'],
  ['complete', 'done'],
  ['verified', 'done'],
  ['approved', 'done'],
  ['resolved', 'done'],
  ['cancelled', 'cancelled'],
  ['canceled', 'cancelled'],
  ['descoped', 'cancelled'],
  ['eliminated', 'cancelled'],
];

const statusSymbols: [string, Status][] = [
  ['✅', 'done'],
  ['✔', 'done'],
  ['☑', 'done'],
  ['🔄', 'in-progress'],
  ['🚧', 'in-progress'],
  // An hourglass waits: the task has not started (`⏳ Pending`).
  ['⏳', 'todo'],
  ['📝', 'todo'],
  ['✓', 'done'],
  ['✗', 'todo'],
  ['❌', 'todo'],
  ['📋', 'todo'],
  ['⬜', 'todo'],
  ['⛔', 'blocked'],
  ['🚫', 'cancelled'],
  ['⏸', 'paused'],
];

/**
 * Real plan files carry symbols whose UTF-8 bytes were read as Windows-1252 or Mac Roman and
 * saved again (`âœ…`, `‚úÖ`). Those renderings are recognized like the symbol itself.
 */
const mojibakeSymbols: [string, Status][] = (() => {
  const out: [string, Status][] = [];
  const decoders: ((bytes: Uint8Array) => string)[] = [decodeCp1252];
  try {
    const mac = new TextDecoder('macintosh');
    decoders.push((bytes) => mac.decode(bytes));
  } catch {
    // a Node without full ICU: Mac Roman renderings are not recognized, the words still decide
  }
  for (const decode of decoders) {
    for (const [symbol, status] of statusSymbols) {
      const garbled = decode(new TextEncoder().encode(symbol));
      // Keep the leading printable part: trailing bytes may map to nothing printable.
      const visible = garbled.replace(/[\u0000-\u001f\u007f-\u009f\ufffd].*$/s, '');
      if (visible.length >= 2) out.push([visible, status]);
    }
  }
  return out;
})();

/** Windows-1252 as browsers decode it (ICU's "windows-1252" in Node maps 0x80-0x9F to controls). */
function decodeCp1252(bytes: Uint8Array): string {
  const high = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
  return Array.from(bytes, (b) => (b >= 0x80 && b <= 0x9f ? high[b - 0x80] : String.fromCharCode(b))).join('');
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
}

/**
 * One regular expression for every phrase, longest first, so that the earliest match in the
 * text wins and, at the same place, the longer phrase (`not started` over `started`).
 */
const phraseStatus = new Map(statusPhrases);
const phrasePattern = new RegExp(
  `(?<![\\p{L}\\p{N}])(${[...phraseStatus.keys()]
    .sort((a, b) => b.length - a.length)
    .map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('|')})(?![\\p{L}\\p{N}])`,
  'u',
);
const symbolStatuses = [...statusSymbols, ...mojibakeSymbols];

/** Maps a status text to a status; `unknown` when neither a word nor a symbol says. */
/** `token` when it is one status symbol (a variation selector allowed after it), else undefined. */
export function statusSymbolAt(token: string): string | undefined {
  const bare = token.replace(/\uFE0F/g, '');
  return symbolStatuses.some(([symbol]) => symbol === bare) ? token : undefined;
}

export function parseStatus(raw: string): Status {
  const m = phrasePattern.exec(normalize(raw));
  if (m) return phraseStatus.get(m[1])!;
  for (const [symbol, status] of symbolStatuses) if (raw.includes(symbol)) return status;
  return 'unknown';
}

/** Maps a priority text (`HIGH`, `🔴 CRITICAL`, `P1`) to a priority, or null. */
export function parsePriority(raw: string): Priority | null {
  const text = normalize(raw);
  if (/\b(critical|urgent|highest|p0|blocker)\b/.test(text)) return 'critical';
  if (/\b(high|p1|important)\b/.test(text)) return 'high';
  if (/\b(medium|normal|moderate|med|p2)\b/.test(text)) return 'medium';
  if (/\b(low|lowest|minor|p3|p4)\b/.test(text)) return 'low';
  return null;
}

export const priorityRank: Record<Priority, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** A date as plan files should write it. */
export const isoDate = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(text: string): boolean {
  if (!isoDate.test(text)) return false;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return days !== undefined && day >= 1 && day <= days;
}
