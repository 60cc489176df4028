import type { Usage } from '../../engine/protocol/chatView';

/** Fixed locale: the view's numbers read the same on every machine (and in tests). */
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(n: number): string {
  return integer.format(n);
}

/** Small costs need their fourth decimal to be seen at all; from $1 on, cents are enough. */
export function formatCost(cost: number): string {
  return `$${cost < 1 ? cost.toFixed(4) : cost.toFixed(2)}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** "1,234 in · 567 out · $0.0123"; the cost only once there is one (local models are free). */
export function formatUsage(usage: Usage): string {
  const parts = [`${formatCount(usage.input)} in`, `${formatCount(usage.output)} out`];
  if (usage.cost > 0) parts.push(formatCost(usage.cost));
  return parts.join(' · ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
