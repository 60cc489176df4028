import type { Status } from '../model';
import type { Line } from '../text';
import { parseStatus } from '../words';

/**
 * Colour emoji (🔴 🟡 🟢, coloured squares) say nothing by themselves: a file that uses them
 * for status says what each means in a legend (`🟢 Done · 🟡 In progress · 🔴 Not started`,
 * `- 🟢 = complete`, `| 🟡 | In progress |`). Without a legend they stay unknown.
 */
const colour = /[\u{1F534}-\u{1F535}\u{1F7E0}-\u{1F7EB}\u26AA\u26AB]\uFE0F?/u;
const anyColour = /[\u{1F534}-\u{1F535}\u{1F7E0}-\u{1F7EB}\u26AA\u26AB]/u;

/**
 * The colours a file's legend defines, by colour (variation selector removed). A legend is a
 * line that pairs two or more colours with status words, or any such pair on a line that says
 * "legend" or "key", or under a heading (or a lead-in line) that says so. A status cell that
 * happens to say `🔴 Blocked` defines nothing for the other rows.
 */
export function readLegend(text: string, lines: readonly Line[]): Map<string, Status> {
  const legend = new Map<string, Status>();
  if (!anyColour.test(text)) return legend;
  let underLegend = false;
  for (const { text: line } of lines) {
    if (/^\s*#/.test(line)) underLegend = legendWord.test(line);
    else if (!anyColour.test(line)) {
      if (line.trim()) underLegend = underLegend || legendWord.test(line);
      continue;
    }
    const pairs: [string, Status][] = [];
    for (const m of line.matchAll(entry)) {
      const status = parseStatus(m[2]);
      if (status !== 'unknown' && isStatusPhrase(m[2])) pairs.push([m[1].replace(/\uFE0F/g, ''), status]);
    }
    if (pairs.length >= 2 || (pairs.length && (underLegend || legendWord.test(line)))) {
      for (const [key, status] of pairs) if (!legend.has(key)) legend.set(key, status);
    }
  }
  return legend;
}

const legendWord = /\b(legend|status key|colou?r key|key\s*:)/i;

/** A colour, an optional `=`, `:`, `-`, `|`, then words up to the next colour or separator. */
const entry = new RegExp(
  `(${colour.source})\\s*(?:[=:|–—-]|means|is)?\\s*\\**([^|,;·•()\\u{1F534}-\\u{1F535}\\u{1F7E0}-\\u{1F7EB}\\u26AA\\u26AB]{2,30})`,
  'gu',
);

/** True when a text is a status and little else: at most three words, one of them a status word. */
function isStatusPhrase(text: string): boolean {
  const words = text.replace(/[*_`]/g, '').trim().split(/\s+/).filter(Boolean);
  return words.length > 0 && words.length <= 3;
}

/** The colour of a status text that holds one (`🟢`, `🟢 Live`), or undefined. */
export function colourIn(raw: string): string | undefined {
  return new RegExp(colour.source, 'u').exec(raw)?.[0].replace(/\uFE0F/g, '');
}

/** How a file's status texts read: words and symbols first, then a colour its legend defines. */
export function statusReader(text: string, lines: readonly Line[]): { legend: ReadonlyMap<string, Status>; status: (raw: string) => Status } {
  const legend = readLegend(text, lines);
  if (!legend.size) return { legend, status: parseStatus };
  return {
    legend,
    status(raw) {
      const status = parseStatus(raw);
      if (status !== 'unknown') return status;
      for (const [colour, meaning] of legend) if (raw.includes(colour)) return meaning;
      return status;
    },
  };
}

/** The colour a legend gives a status, or undefined. */
export const colourFor = (legend: ReadonlyMap<string, Status>, status: Status) => [...legend].find(([, s]) => s === status)?.[0];
