import type { RunRow } from '../../engine/protocol/missionControl';
import { isLive } from './format';

export const runStateFilters = ['all', 'live', 'done', 'failed', 'stopped', 'quarantined'] as const;
export type RunStateFilter = (typeof runStateFilters)[number];

/** What the run list shows; kept in the view state so it survives hiding the panel. */
export interface RunFilters {
  state: RunStateFilter;
  text: string;
}
export const defaultRunFilters: RunFilters = { state: 'all', text: '' };

export const runFilterOptions: { value: RunStateFilter; label: string }[] = [
  { value: 'all', label: 'All runs' },
  { value: 'live', label: 'Live' },
  { value: 'done', label: 'Done' },
  { value: 'failed', label: 'Failed' },
  { value: 'stopped', label: 'Stopped' },
  { value: 'quarantined', label: 'Quarantined' },
];

export function matchesRun(run: RunRow, filters: RunFilters): boolean {
  if (filters.state === 'live' ? !isLive(run) : filters.state !== 'all' && run.state !== filters.state) return false;
  const text = filters.text.trim().toLowerCase();
  if (!text) return true;
  return [run.agent, run.prompt, run.model, run.id, run.task?.id ?? '', run.task?.file ?? '', run.error ?? ''].some((s) => s.toLowerCase().includes(text));
}
