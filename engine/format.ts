/**
 * How Plumbline writes numbers for people, the same in the extension and in its webviews
 * (fixed locale, so they read the same on every machine and in tests).
 */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 1,234 */
export function count(n: number): string {
  return integer.format(n);
}

/** Cents are too coarse for one run on a cheap model: below a dollar, four decimals. */
export function dollars(amount: number): string {
  return `$${amount.toFixed(amount < 1 ? 4 : 2)}`;
}

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function duration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  if (value < 60_000) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
  const minutes = Math.floor(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
