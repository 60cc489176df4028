import type { Usage } from '../../engine/protocol/chatView';

export { count as formatCount, dollars as formatCost, duration as formatDuration } from '../../engine/format';
import { count as formatCount, dollars as formatCost } from '../../engine/format';

/** "1,234 in · 567 out · $0.0123"; the cost only once there is one (local models are free). */
export function formatUsage(usage: Usage): string {
  const parts = [`${formatCount(usage.input)} in`, `${formatCount(usage.output)} out`];
  if (usage.cost > 0) parts.push(formatCost(usage.cost));
  return parts.join(' · ');
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
