import { z } from 'zod';
import { dialects, priorities, statuses } from '../plans/model';

/**
 * The plan model as it crosses a boundary: from the language server to the extension (the
 * Plans tree), and from the extension to the Plans board webview. Lines are 0-based.
 */
export const DeliverableSummary = z.object({
  line: z.number().int().nonnegative(),
  text: z.string(),
  mark: z.string(),
  done: z.boolean(),
});

export const TaskSummary = z.object({
  id: z.string(),
  title: z.string(),
  status: z.enum(statuses),
  rawStatus: z.string(),
  priority: z.enum(priorities).nullable(),
  dependencies: z.array(z.string()),
  dialect: z.enum(dialects),
  line: z.number().int().nonnegative(),
  /** The line of the checkbox that is the task's status (checklist tasks). */
  boxLine: z.number().int().nonnegative().nullable(),
  assignee: z.string().nullable(),
  started: z.string().nullable(),
  completed: z.string().nullable(),
  lastUpdated: z.string().nullable(),
  effort: z.string().nullable(),
  parent: z.string().nullable(),
  deliverables: z.array(DeliverableSummary),
  /** Messages of the problems on this task. */
  problems: z.array(z.string()),
});
export type TaskSummary = z.infer<typeof TaskSummary>;

export const PlanSummary = z.object({
  uri: z.string(),
  /** Path relative to its workspace folder, for display. */
  file: z.string(),
  dialects: z.array(z.enum(dialects)),
  tasks: z.array(TaskSummary),
  checkboxes: z.object({ open: z.number().int(), done: z.number().int() }),
  problemCount: z.number().int().nonnegative(),
});
export type PlanSummary = z.infer<typeof PlanSummary>;

/** Statuses a person can set (everything but `unknown`). */
export const SettableStatus = z.enum(['todo', 'in-progress', 'blocked', 'paused', 'done', 'cancelled']);

/** The codicon of each status, the same in code lenses, the Plans tree and anywhere else. */
export const statusIcons: Record<(typeof statuses)[number], string> = {
  todo: 'circle-large-outline',
  'in-progress': 'play-circle',
  blocked: 'error',
  paused: 'debug-pause',
  done: 'pass-filled',
  cancelled: 'circle-slash',
  unknown: 'question',
};
