import { escapeMarkdown } from '../engine/markdown';
import * as vscode from 'vscode';
import { statusIcons, type PlanSummary, type TaskSummary } from '../engine/protocol/plans';
import type { PlanStore } from './planStore';

/** Plans tree nodes: plan files → tasks (subtasks under their parent) → deliverables. */
export type PlanNode =
  | { kind: 'plan'; plan: PlanSummary }
  | { kind: 'task'; plan: PlanSummary; task: TaskSummary }
  | { kind: 'deliverable'; plan: PlanSummary; task: TaskSummary; index: number };

/** Colors for the status icons of engine/protocol/plans.ts (todo keeps the theme's default). */
const statusColors: Partial<Record<TaskSummary['status'], string>> = {
  'in-progress': 'charts.blue',
  blocked: 'charts.red',
  paused: 'charts.yellow',
  done: 'charts.green',
  cancelled: 'disabledForeground',
  unknown: 'charts.orange',
};

/**
 * The Plans tree in the Plumbline sidebar. Deliverables (and checklist tasks) carry real tree
 * checkboxes; ticking one edits the plan file like the toggle command does.
 */
export class PlansTree implements vscode.TreeDataProvider<PlanNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<PlanNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly store: PlanStore) {
    this.subscription = store.onDidChange(() => this.changed.fire(undefined));
  }

  getChildren(node?: PlanNode): PlanNode[] {
    if (!node) return this.store.all().map((plan) => ({ kind: 'plan', plan }));
    if (node.kind === 'plan') {
      const ids = new Set(node.plan.tasks.map((t) => t.id));
      return node.plan.tasks.filter((t) => !t.parent || !ids.has(t.parent)).map((task) => ({ kind: 'task', plan: node.plan, task }));
    }
    if (node.kind === 'task') {
      const subtasks: PlanNode[] = node.plan.tasks
        .filter((t) => t.parent === node.task.id && t !== node.task)
        .map((task) => ({ kind: 'task', plan: node.plan, task }));
      const deliverables: PlanNode[] = node.task.deliverables.map((_, index) => ({ kind: 'deliverable', plan: node.plan, task: node.task, index }));
      return [...subtasks, ...deliverables];
    }
    return [];
  }

  /** What `reveal` climbs: a deliverable's task, a task's parent task or plan. */
  getParent(node: PlanNode): PlanNode | undefined {
    if (node.kind === 'plan') return undefined;
    if (node.kind === 'deliverable') return { kind: 'task', plan: node.plan, task: node.task };
    const parent = node.task.parent ? node.plan.tasks.find((t) => t.id === node.task.parent && t !== node.task) : undefined;
    return parent ? { kind: 'task', plan: node.plan, task: parent } : { kind: 'plan', plan: node.plan };
  }

  getTreeItem(node: PlanNode): vscode.TreeItem {
    const uri = vscode.Uri.parse(node.plan.uri);
    if (node.kind === 'plan') {
      const done = node.plan.tasks.filter((t) => t.status === 'done').length;
      const item = new vscode.TreeItem(node.plan.file, vscode.TreeItemCollapsibleState.Collapsed);
      item.id = node.plan.uri;
      item.resourceUri = uri;
      item.iconPath = vscode.ThemeIcon.File;
      item.description = `${done}/${node.plan.tasks.length} done${node.plan.problemCount ? ` · ${node.plan.problemCount} problem(s)` : ''}`;
      item.tooltip = `${node.plan.file}\n${node.plan.dialects.join(', ')}\n${done} of ${node.plan.tasks.length} tasks done; ${node.plan.checkboxes.done} of ${node.plan.checkboxes.open + node.plan.checkboxes.done} checkboxes ticked`;
      item.contextValue = 'plumbline.plan';
      return item;
    }
    if (node.kind === 'task') {
      const { task } = node;
      const hasChildren = task.deliverables.length > 0 || node.plan.tasks.some((t) => t.parent === task.id && t !== task);
      const item = new vscode.TreeItem(`${task.id}: ${task.title}`, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
      item.id = `${node.plan.uri}#${task.line}`;
      const color = statusColors[task.status];
      item.iconPath = new vscode.ThemeIcon(statusIcons[task.status], color ? new vscode.ThemeColor(color) : undefined);
      const done = task.deliverables.filter((d) => d.done).length;
      item.description = [task.status, task.priority, task.deliverables.length ? `${done}/${task.deliverables.length}` : ''].filter(Boolean).join(' · ');
      item.tooltip = new vscode.MarkdownString(taskTooltip(task));
      item.command = { command: 'plumbline.openTask', title: 'Open', arguments: [node.plan.uri, task.line] };
      item.contextValue = `plumbline.task.${task.status}`;
      if (task.boxLine !== null) item.checkboxState = task.status === 'done' ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
      return item;
    }
    const deliverable = node.task.deliverables[node.index];
    const item = new vscode.TreeItem(deliverable.text, vscode.TreeItemCollapsibleState.None);
    item.id = `${node.plan.uri}#${node.task.line}:${deliverable.line}`;
    item.checkboxState = deliverable.done ? vscode.TreeItemCheckboxState.Checked : vscode.TreeItemCheckboxState.Unchecked;
    item.command = { command: 'plumbline.openTask', title: 'Open', arguments: [node.plan.uri, deliverable.line] };
    item.contextValue = 'plumbline.deliverable';
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

function taskTooltip(task: TaskSummary): string {
  const lines = [`**${escapeMarkdown(task.id)}: ${escapeMarkdown(task.title)}**`, '', `Status: ${task.status} (${escapeMarkdown(task.rawStatus)})`];
  if (task.priority) lines.push(`Priority: ${task.priority}`);
  if (task.dependencies.length) lines.push(`Depends on: ${task.dependencies.map(escapeMarkdown).join(', ')}`);
  if (task.assignee) lines.push(`Assigned to: ${escapeMarkdown(task.assignee)}`);
  for (const problem of task.problems) lines.push('', `⚠ ${escapeMarkdown(problem)}`);
  return lines.join('  \n');
}
