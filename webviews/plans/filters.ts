import type { PlanSummary, TaskSummary } from '../../engine/protocol/plans';

/** What the board shows; kept in the webview state so it survives hiding the panel. */
export interface BoardFilters {
  statuses: TaskSummary['status'][];
  priority: TaskSummary['priority'] | 'any';
  text: string;
}

export const allStatuses: TaskSummary['status'][] = ['in-progress', 'todo', 'blocked', 'paused', 'done', 'cancelled', 'unknown'];

export const defaultFilters: BoardFilters = { statuses: [...allStatuses], priority: 'any', text: '' };

export function matches(task: TaskSummary, filters: BoardFilters): boolean {
  if (!filters.statuses.includes(task.status)) return false;
  if (filters.priority !== 'any' && task.priority !== filters.priority) return false;
  const text = filters.text.trim().toLowerCase();
  if (!text) return true;
  return [task.id, task.title, task.assignee ?? '', ...task.dependencies].some((s) => s.toLowerCase().includes(text));
}

/** Progress of a plan file: done tasks and ticked deliverables over all tasks and deliverables. */
export function progress(plan: PlanSummary): { done: number; total: number } {
  let done = 0;
  let total = 0;
  for (const task of plan.tasks) {
    total += 1 + task.deliverables.length;
    if (task.status === 'done') done++;
    done += task.deliverables.filter((d) => d.done).length;
  }
  return { done, total };
}
