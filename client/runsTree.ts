import * as vscode from 'vscode';
import type { RunEvent, RunState } from '../engine/agent/run';
import { dollars } from '../engine/format';
import type { Run } from '../engine/store';

/** One row of the Runs tree: what the store keeps of a run, kept current from its events. */
export interface RunSummary {
  id: string;
  prompt: string;
  task: { file: string; id: string } | null;
  model: string;
  state: RunState;
  steps: number;
  tokens: { input: number; output: number };
  /** US dollars; 0 when the model's prices are not set. */
  cost: number;
  startedAt: number;
  error: string | null;
}

const icons: Record<RunState, [string, string?]> = {
  queued: ['clock'],
  running: ['sync~spin'],
  'waiting-approval': ['shield', 'notificationsWarningIcon.foreground'],
  'waiting-user': ['question', 'notificationsInfoIcon.foreground'],
  done: ['pass', 'testing.iconPassed'],
  failed: ['error', 'testing.iconFailed'],
  stopped: ['debug-stop'],
  quarantined: ['warning', 'list.warningForeground'],
};

export function summaryOfRecord(run: Run): RunSummary {
  return {
    id: run.id,
    prompt: run.prompt,
    task: run.taskFile && run.taskId ? { file: run.taskFile, id: run.taskId } : null,
    model: run.model,
    state: run.state,
    steps: run.steps,
    tokens: { input: run.inputTokens, output: run.outputTokens },
    cost: run.cost,
    startedAt: run.startedAt,
    error: run.error,
  };
}

/**
 * The Runs tree (SPEC §5): every run of this workspace, newest first, with its state, task or
 * prompt, steps and tokens, updated live from the engine's events. Refreshes are merged, since
 * a streaming model sends many events a second.
 */
export class RunsTree implements vscode.TreeDataProvider<RunSummary>, vscode.Disposable {
  private readonly runs = new Map<string, RunSummary>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private pending: NodeJS.Timeout | undefined;

  /** Runs from earlier sessions (the store), oldest first or in any order. */
  load(runs: RunSummary[]): void {
    for (const run of runs) if (!this.runs.has(run.id)) this.runs.set(run.id, run);
    this.refresh();
  }

  add(run: RunSummary): void {
    this.runs.set(run.id, run);
    this.refresh();
  }

  /** Follows a run's events; a run the tree does not know is ignored. */
  update(event: RunEvent): void {
    const run = this.runs.get(event.runId);
    if (!run) return;
    if (event.type === 'state' && typeof event.state === 'string') run.state = event.state as RunState;
    else if (event.type === 'model-request' && typeof event.step === 'number') run.steps = event.step;
    else if (event.type === 'usage' && isTokens(event.total)) {
      run.tokens = event.total;
      if (typeof event.cost === 'number') run.cost = event.cost;
    }
    else if (event.type === 'result') {
      if (typeof event.steps === 'number') run.steps = event.steps;
      if (isTokens(event.tokens)) run.tokens = event.tokens;
      if (typeof event.cost === 'number') run.cost = event.cost;
      run.error = typeof event.error === 'string' ? event.error : null;
    } else return;
    this.refresh();
  }

  /** Newest first: what the tree shows, for tests and for the undo picker. */
  list(): RunSummary[] {
    return [...this.runs.values()].sort((a, b) => b.startedAt - a.startedAt);
  }

  get(id: string): RunSummary | undefined {
    return this.runs.get(id);
  }

  getTreeItem(run: RunSummary): vscode.TreeItem {
    const label = run.task ? (run.prompt === taskPrompt(run.task) ? `${run.task.id} · ${run.task.file}` : `${run.task.id}: ${oneLine(run.prompt)}`) : oneLine(run.prompt);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = run.id;
    const [icon, color] = icons[run.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    const tokens = run.tokens.input + run.tokens.output;
    item.description = `${run.state} · ${run.steps} step${run.steps === 1 ? '' : 's'} · ${tokens.toLocaleString('en-US')} tokens${run.cost ? ` · ${dollars(run.cost)}` : ''}`;
    item.tooltip = tooltip(run);
    item.contextValue = `plumbline.run.${run.state}`;
    item.accessibilityInformation = { label: `Run ${label}, ${item.description}` };
    return item;
  }

  getChildren(element?: RunSummary): RunSummary[] {
    return element ? [] : this.list();
  }

  dispose(): void {
    clearTimeout(this.pending);
    this.changed.dispose();
  }

  private refresh(): void {
    this.pending ??= setTimeout(() => {
      this.pending = undefined;
      this.changed.fire();
    }, 100);
  }
}

/** The prompt of a run on a task when the person gave none. */
export function taskPrompt(task: { file: string; id: string }): string {
  return `Work on task ${task.id} of ${task.file}.`;
}

function isTokens(value: unknown): value is { input: number; output: number } {
  return typeof value === 'object' && value !== null && typeof (value as { input?: unknown }).input === 'number' && typeof (value as { output?: unknown }).output === 'number';
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

function tooltip(run: RunSummary): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.appendMarkdown(`**${run.state}** · ${new Date(run.startedAt).toLocaleString()}\n\n`);
  if (run.task) md.appendText(`Task ${run.task.id} of ${run.task.file}\n\n`);
  md.appendText(run.prompt.slice(0, 1000));
  md.appendText(`\n\nModel: ${run.model} · ${run.steps} steps · ${run.tokens.input} in / ${run.tokens.output} out${run.cost ? ` · ${dollars(run.cost)}` : ''}`);
  if (run.error) md.appendMarkdown('\n\n').appendText(run.error);
  return md;
}
