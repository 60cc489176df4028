export { count as formatTokens, dollars as formatCost, duration as formatDuration } from '../../engine/format';
import type { RunRow } from '../../engine/protocol/missionControl';

/** Pure formatting and classification shared by the Mission Control components. */

export type RunState = RunRow['state'];

export const liveStates: readonly RunState[] = ['queued', 'running', 'waiting-approval', 'waiting-user'];

export function isLive(run: RunRow): boolean {
  return liveStates.includes(run.state);
}

export const stateLabels: Record<RunState, string> = {
  queued: 'Queued',
  running: 'Running',
  'waiting-approval': 'Waiting for approval',
  'waiting-user': 'Waiting for an answer',
  done: 'Done',
  failed: 'Failed',
  stopped: 'Stopped',
  quarantined: 'Quarantined',
};

/** Codicon names; the word beside the icon carries the meaning, so the icon is decorative. */
export const stateIcons: Record<RunState, string> = {
  queued: 'clock',
  running: 'sync',
  'waiting-approval': 'shield',
  'waiting-user': 'comment-discussion',
  done: 'pass',
  failed: 'error',
  stopped: 'debug-stop',
  quarantined: 'circle-slash',
};

/** The run's duration: live runs count up to now, ended runs are fixed. */
export function runDuration(run: RunRow, now: number): number {
  return (run.endedAt ?? (isLive(run) ? now : run.startedAt)) - run.startedAt;
}

/** Offset from the run's start, always in seconds with milliseconds: "+1.234 s". */
export function formatOffset(ms: number): string {
  return `${ms < 0 ? '−' : '+'}${(Math.abs(ms) / 1000).toFixed(3)} s`;
}

/** Short numbers for chart axes: 950, 12.3k, 4.5M. */
export function formatCompact(value: number): string {
  if (value < 1000) return String(Math.round(value));
  if (value < 1_000_000) return `${trim(value / 1000)}k`;
  return `${trim(value / 1_000_000)}M`;
}

function trim(value: number): string {
  return value >= 100 ? String(Math.round(value)) : value.toFixed(1).replace(/\.0$/, '');
}

/** The task a run works on, or the first line of its prompt. */
export function runSubject(run: RunRow): string {
  if (run.task) return `${run.task.id} · ${run.task.file}`;
  const first = run.prompt.split(/\r?\n/, 1)[0]?.trim() ?? '';
  return first || '(no prompt)';
}

/** A local wall-clock time, for "when" columns. */
export function formatClock(at: number): string {
  const date = new Date(at);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
