/**
 * The plan model of SPEC §1: every task, whatever dialect it is written in, normalizes to a
 * PlanTask. Lines are 0-based here (as in LSP); the CLI prints them 1-based.
 */

export const statuses = ['todo', 'in-progress', 'blocked', 'paused', 'done', 'cancelled', 'unknown'] as const;
export type Status = (typeof statuses)[number];

export const priorities = ['critical', 'high', 'medium', 'low'] as const;
export type Priority = (typeof priorities)[number];

/** SPEC §1's six dialects, then the formats planning tools write (each one module in `formats/`). */
export const dialects = ['header-block', 'task-heading', 'numbered-section', 'checklist', 'table', 'front-matter', 'task-master', 'story', 'roadmap', 'emoji-list', 'status-list'] as const;
export type Dialect = (typeof dialects)[number];

/** A span of the file's text, as UTF-16 offsets into the decoded string (BOM included). */
export interface Span {
  start: number;
  end: number;
}

export interface Checkbox {
  line: number;
  /** Offset of the one character between the brackets. */
  offset: number;
  /** That character as written: ' ', 'x', 'X', '-', '~', '/', '#', ... */
  mark: string;
  done: boolean;
  text: string;
}

/**
 * Shared, frozen empties for the many tasks that have no deliverables (only heading tasks can)
 * or no metadata: a workspace holds hundreds of thousands of tasks, and each empty array or
 * object would be one more allocation to keep and to collect.
 */
export const noDeliverables: Checkbox[] = Object.freeze([]) as unknown as Checkbox[];
export const noMetadata: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** What a format says of a task: these always, the rest when it says them. */
export type TaskFields = Pick<PlanTask, 'id' | 'title' | 'status' | 'rawStatus' | 'dialect' | 'line' | 'startLine' | 'endLine'> & Partial<PlanTask>;

/**
 * Every task is made here, with its fields in one order and empty where its format says
 * nothing: a workspace holds hundreds of thousands of tasks, and objects of one shape keep the
 * code that reads them fast (a template spread and then added to is not).
 */
export function newTask(t: TaskFields): PlanTask {
  return {
    id: t.id,
    title: t.title,
    status: t.status,
    rawStatus: t.rawStatus,
    priority: t.priority ?? null,
    dependencies: t.dependencies ?? [],
    dialect: t.dialect,
    line: t.line,
    startLine: t.startLine,
    endLine: t.endLine,
    statusSpan: t.statusSpan,
    box: t.box,
    deliverables: t.deliverables ?? noDeliverables,
    assignee: t.assignee ?? null,
    started: t.started ?? null,
    completed: t.completed ?? null,
    lastUpdated: t.lastUpdated ?? null,
    effort: t.effort ?? null,
    parent: t.parent ?? null,
    blocker: t.blocker ?? null,
    metadata: t.metadata && Object.keys(t.metadata).length ? t.metadata : noMetadata,
  };
}

export interface PlanTask {
  id: string;
  title: string;
  status: Status;
  /** The status text as written (`✅ COMPLETED (2026-02-08)`, `[x]`, `in_progress`). */
  rawStatus: string;
  priority: Priority | null;
  /** Ids or exact titles as written; resolved across the workspace by PlanIndex. */
  dependencies: string[];
  dialect: Dialect;
  /** The line that introduces the task (heading, checkbox item, table row, YAML todo). */
  line: number;
  /** Lines the task covers, inclusive. */
  startLine: number;
  endLine: number;
  /** Where the status text is, for in-place edits; absent when the task has no status text. */
  statusSpan?: Span;
  /** The checkbox that is the task's status (checklist dialect). */
  box?: Checkbox;
  deliverables: Checkbox[];
  assignee: string | null;
  started: string | null;
  completed: string | null;
  lastUpdated: string | null;
  effort: string | null;
  parent: string | null;
  blocker: string | null;
  /** Kept extras: `[P]` (parallel), `_Requirements: ..._`, table columns, other fields. */
  metadata: Record<string, string>;
}

/**
 * A task written a second time in one file (a summary table's row or an overview checkbox that
 * restates a heading task): one task, not a duplicate. Edits of the task update it too.
 */
export interface Mirror {
  /** The id of the task it restates. */
  of: string;
  /** The restatement as its own format reads it. */
  task: PlanTask;
}

/** Whether a restatement says something other than `status`: a box says only done or not done. */
export function mirrorDisagrees(mirror: PlanTask, status: Status): boolean {
  return mirror.dialect === 'checklist' ? (mirror.status === 'done') !== (status === 'done') : mirror.status !== status;
}

/** A `- [x] Complete Task 12: ...` line in a To-dos section: mirrors task 12's status. */
export interface TodoLine {
  line: number;
  taskId: string | null;
  box: Checkbox;
}

export type ProblemCode =
  | 'unknown-dependency'
  | 'dependency-cycle'
  | 'done-with-open-dependency'
  | 'done-with-open-items'
  | 'todo-mismatch'
  | 'duplicate-task-id'
  | 'unknown-status'
  | 'bad-date'
  | 'unreadable';

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  code: ProblemCode;
  severity: Severity;
  line: number;
  /** Where on the line, when known (for diagnostics); otherwise the whole line. */
  span?: Span;
  taskId: string | null;
  message: string;
}

export interface PlanDocument {
  file: string;
  text: string;
  dialects: Dialect[];
  tasks: PlanTask[];
  todoLines: TodoLine[];
  mirrors: Mirror[];
  /**
   * Numbers of the file's numbered sections that are no task (`## Phase 2: Search`, `## 3.
   * Reporting`): a dependency on `Phase 2` names the section, not a missing task.
   */
  sections: string[];
  /** Every checkbox outside code, comments and front matter: deliverables, checklist tasks, To-dos lines. */
  checkboxes: Checkbox[];
  /** What this file alone says is wrong; cross-file problems come from validate(). */
  problems: Problem[];
}
