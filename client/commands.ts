import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { NextTaskRequest } from '../engine/protocol/lsp';
import { SettableStatus, type PlanSummary } from '../engine/protocol/plans';
import type { AgentHost } from './agentHost';
import type { AgentHooks, ConnectArgs } from './agentHooks';
import type { Models } from './models';
import { setTaskStatus, toggleCheckboxes } from './planEdits';
import type { PlanStore } from './planStore';
import { goToTraceCode, newTraceCode, traceCodeRegistry } from './traceCodes';

/** What commands work on: the pieces activate() created. */
export interface CommandContext {
  log: vscode.LogOutputChannel;
  languageClient: LanguageClient;
  /** Settles once the language server has started or failed to (activate does not wait for it). */
  serverStarted: Promise<void>;
  plans: PlanStore;
  agents: AgentHost;
  agentHooks: AgentHooks;
  models: Models;
  openBoard(): void;
  openMissionControl(): void;
  /** Selects a plan file in the Plans tree and scrolls to it. */
  revealPlan(plan: PlanSummary): Thenable<void>;
}

type Handler = (ctx: CommandContext) => (...args: unknown[]) => unknown;

/** One function per command, keyed by the id declared in package.json. */
const commands: Record<string, Handler> = {
  'plumbline.showOutput': (ctx) => () => ctx.log.show(true),
  'plumbline.restartServer': (ctx) => async () => {
    ctx.log.info('Restarting the language server');
    // A client still starting cannot be stopped (vscode-languageclient throws): restart after it.
    await ctx.serverStarted;
    await ctx.languageClient.restart();
  },
  'plumbline.setTaskStatus': (ctx) => (arg) => setStatusCommand(ctx, arg),
  'plumbline.toggleTaskCheckbox': (ctx) => () => toggleCommand(ctx),
  'plumbline.openTask': () => (uri, line) => openTask(String(uri), Number(line)),
  'plumbline.openPlansBoard': (ctx) => () => ctx.openBoard(),
  'plumbline.revealPlan': (ctx) => (uri) => revealPlanCommand(ctx, uri),
  'plumbline.nextTask': (ctx) => () => nextTaskCommand(ctx),
  'plumbline.goToTraceCode': (ctx) => (query) => goToTraceCode(ctx.languageClient, query),
  'plumbline.newTraceCode': (ctx) => () => newTraceCode(ctx.languageClient),
  'plumbline.updateTraceCodeRegistry': (ctx) => () => traceCodeRegistry(ctx.languageClient, ctx.log, false),
  'plumbline.checkTraceCodeRegistry': (ctx) => () => traceCodeRegistry(ctx.languageClient, ctx.log, true),
  'plumbline.configureModel': (ctx) => (arg) => ctx.models.configure(arg),
  'plumbline.runAgent': (ctx) => (arg) => ctx.agents.run(arg),
  'plumbline.runAgentOnTask': (ctx) => (arg) => runOnTaskCommand(ctx, arg),
  'plumbline.openMissionControl': (ctx) => () => ctx.openMissionControl(),
  'plumbline.stopAllAgents': (ctx) => () => ctx.agents.stopAll(),
  'plumbline.releaseAgent': (ctx) => (arg) => ctx.agents.release(arg),
  'plumbline.undoRun': (ctx) => (arg) => ctx.agents.undo(arg),
  'plumbline.connectAgentHooks': (ctx) => (arg) => ctx.agentHooks.connect((arg ?? {}) as ConnectArgs),
};

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  return Object.entries(commands).map(([id, make]) => vscode.commands.registerCommand(id, make(ctx)));
}

/** "Show in Plans Tree": the plan of the given file, else of the active editor. */
async function revealPlanCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  const plan = uri && ctx.plans.get(uri.toString());
  if (!plan) {
    void vscode.window.showInformationMessage(uri ? `${vscode.workspace.asRelativePath(uri)} is not a plan: it has no task and no checkbox.` : 'Open a plan file first.');
    return;
  }
  await vscode.commands.executeCommand('plumbline.plans.focus');
  await ctx.revealPlan(plan);
}

export async function openTask(uri: string, line: number): Promise<void> {
  const editor = await vscode.window.showTextDocument(vscode.Uri.parse(uri), { preview: false });
  const position = new vscode.Position(Math.max(0, line), 0);
  editor.selection = new vscode.Selection(position, position);
  editor.revealRange(new vscode.Range(position, position), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
}

interface StatusArgs {
  uri?: string;
  taskId?: string;
  version?: number | null;
  status?: string;
}

/**
 * "Plumbline: Set Task Status": from a code lens or the board (arguments say which task), or
 * from the palette (the task under the cursor; the status from a quick pick).
 */
/**
 * "Run Agent on This Task" from the Plans tree (a task node), a code lens or the board
 * ({uri, taskId}), or the palette (the task under the cursor). The chat shows the run; the
 * task goes in progress now and done when the agent reports success.
 */
async function runOnTaskCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const node = arg as { kind?: string; plan?: { uri?: string }; task?: { id?: string } } | undefined;
  let { uri, taskId } = (node?.kind === 'task' ? { uri: node.plan?.uri, taskId: node.task?.id } : (arg ?? {})) as StatusArgs;
  if (!uri || !taskId) {
    const editor = vscode.window.activeTextEditor;
    const plan = editor && ctx.plans.get(editor.document.uri.toString());
    const task = plan && taskAt(plan, editor.selection.active.line);
    if (!editor || !task) return void vscode.window.showInformationMessage('Plumbline: put the cursor on a task in a plan file first.');
    uri = editor.document.uri.toString();
    taskId = task.id;
  }
  void vscode.commands.executeCommand('plumbline.chat.focus');
  // The agent host has told the person why a run did not start.
  await ctx.agents.run({ task: { file: vscode.Uri.parse(uri).fsPath, id: taskId } }).catch((err: unknown) => ctx.log.warn(`Run agent on ${taskId}: ${err instanceof Error ? err.message : String(err)}`));
}

async function setStatusCommand(ctx: CommandContext, arg: unknown): Promise<void> {
  const args: StatusArgs = typeof arg === 'object' && arg !== null ? (arg as StatusArgs) : {};
  let { uri, taskId } = args;
  if (!uri || !taskId) {
    const editor = vscode.window.activeTextEditor;
    const plan = editor && ctx.plans.get(editor.document.uri.toString());
    const task = plan && taskAt(plan, editor.selection.active.line);
    if (!editor || !task) {
      void vscode.window.showInformationMessage('Plumbline: put the cursor on a task in a plan file first.');
      return;
    }
    uri = editor.document.uri.toString();
    taskId = task.id;
  }
  let status = args.status;
  if (!status) {
    const picked = await vscode.window.showQuickPick(SettableStatus.options, { placeHolder: `New status of task ${taskId}` });
    if (!picked) return;
    status = picked;
  }
  const parsed = SettableStatus.safeParse(status);
  if (!parsed.success) {
    void vscode.window.showErrorMessage(`Plumbline: "${status}" is not a status (${SettableStatus.options.join(', ')}).`);
    return;
  }
  await setTaskStatus(ctx.languageClient, ctx.log, { uri, taskId, status: parsed.data, version: args.version });
}

/** The task a line belongs to: the last task starting at or above it. */
function taskAt(plan: PlanSummary, line: number) {
  return plan.tasks.filter((t) => t.line <= line).at(-1);
}

/** "Plumbline: Toggle Task Checkbox": every line touched by a selection, in one undoable edit. */
async function toggleCommand(ctx: CommandContext): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const lines = new Set<number>();
  for (const selection of editor.selections) {
    const last = selection.end.character === 0 && selection.end.line > selection.start.line ? selection.end.line - 1 : selection.end.line;
    for (let line = selection.start.line; line <= last; line++) lines.add(line);
  }
  await toggleCheckboxes(ctx.languageClient, ctx.log, {
    uri: editor.document.uri.toString(),
    version: editor.document.version,
    boxes: [...lines].map((line) => ({ line })),
  });
}

async function nextTaskCommand(ctx: CommandContext): Promise<void> {
  const next = NextTaskRequest.result.safeParse(await ctx.languageClient.sendRequest(NextTaskRequest.method, {}));
  if (!next.success || !next.data) {
    void vscode.window.showInformationMessage('Plumbline: no task is ready: every open task waits on a dependency, or none is open.');
    return;
  }
  await openTask(next.data.uri, next.data.line);
  void vscode.window.setStatusBarMessage(`Plumbline: next task ${next.data.id}: ${next.data.title}`, 5000);
}
