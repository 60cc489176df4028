import { finalStates } from '../agent/run';
import type { DayStats } from '../protocol/missionControl';
import type { Run } from './records';

/**
 * Per-day history of runs for Mission Control's charts: how many ran, how many of the finished
 * ones were done, how many had a guard violation, and tokens. Days are the person's local days;
 * only days with runs appear, oldest first, the newest `days` of them.
 */
export function dailyStats(runs: readonly Run[], runsWithViolations: ReadonlySet<string>, days = 30): DayStats[] {
  const byDay = new Map<string, DayStats>();
  for (const run of runs) {
    const day = localDay(run.startedAt);
    const stats = byDay.get(day) ?? { day, runs: 0, done: 0, finished: 0, withViolations: 0, tokens: 0 };
    stats.runs++;
    if (finalStates.includes(run.state)) stats.finished++;
    if (run.state === 'done') stats.done++;
    if (runsWithViolations.has(run.id)) stats.withViolations++;
    stats.tokens += run.inputTokens + run.outputTokens;
    byDay.set(day, stats);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day)).slice(-days);
}

function localDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
