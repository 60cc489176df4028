import type { TraceCodeConfig } from './config';

/**
 * New codes no one has used: not in the workspace, not in the registry (retired codes stay
 * retired). When every code in use is a number and the format allows digits, the next numbers
 * after the highest (`0201` → `0202`), as people number them by hand; otherwise random ones
 * from the format's characters.
 */
export function freshCodes(config: TraceCodeConfig, used: Iterable<string>, count = 1, random: () => number = Math.random): string[] {
  const taken = new Set(used);
  const wellFormed = [...taken].filter((c) => config.isWellFormed(c));
  const fresh: string[] = [];
  const numeric = [...'0123456789'].every((d) => config.alphabet.includes(d)) && wellFormed.every((c) => /^\d+$/.test(c));
  if (numeric) {
    let next = wellFormed.reduce((max, c) => Math.max(max, Number(c)), 0) + 1;
    while (fresh.length < count && String(next).length <= config.length) {
      const code = String(next++).padStart(config.length, '0');
      if (!taken.has(code)) fresh.push(code);
    }
  }
  const space = config.alphabet.length ** config.length;
  for (let attempts = 0; fresh.length < count; attempts++) {
    if (attempts > 1000 + count * 100 || wellFormed.length + fresh.length >= space) {
      throw new Error(`no unused trace code is left in the format ${config.format}`);
    }
    let code = '';
    for (let i = 0; i < config.length; i++) code += config.alphabet[Math.floor(random() * config.alphabet.length)];
    if (!taken.has(code) && !fresh.includes(code)) fresh.push(code);
  }
  return fresh;
}
