import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { CriticalViolationNotification } from '../engine/protocol/lsp';
import { AgentHost } from './agentHost';
import { AgentHooks } from './agentHooks';
import { ChatView } from './chatView';
import { registerCommands } from './commands';
import { createLanguageClient } from './languageClient';
import { registerLmTools } from './lmTools';
import { createLog } from './log';
import { mcpServers, registerMcpProvider, type McpServerInfo } from './mcpProvider';
import { Models } from './models';
import { toggleCheckboxes } from './planEdits';
import { PlansBoard } from './plansBoard';
import { PlansTree, type PlanNode } from './plansTree';
import { PlanStore } from './planStore';
import { MissionControl } from './missionControl';
import { registerRunDiffs } from './runDiff';
import { RunsTree } from './runsTree';
import { createStatusBar } from './statusBar';
import { startWindowHub } from './hubHost';
import { registerTraceCodeLinks } from './traceCodes';

/** What activate() returns: used by the extension tests to look at the running pieces. */
export interface PlumblineApi {
  languageClient: LanguageClient;
  plans: PlanStore;
  agents: AgentHost;
  models: Models;
  runs: RunsTree;
  /** The MCP servers the provider offers VS Code (on a VS Code with the API, 1.101+). */
  mcpServers(): McpServerInfo[];
  /** How long this window's activation took (SPEC §9); the benchmark reads it through the tests. */
  activation: ActivationTiming;
}

/**
 * Activation as this extension measures it, with performance.now() inside activate: VS Code's own
 * figures (Developer: Show Running Extensions) count loading the bundle and activate's synchronous
 * part, not the wait for the promise, which is where a slow start would hide.
 */
export interface ActivationTiming {
  /** From activate's first line to the moment its promise resolves, in ms. */
  activateMs: number;
}

let languageClient: LanguageClient | undefined;
/** Settles (never rejects) once the language server runs or has failed to start. */
let serverStarted: Promise<void> | undefined;
let agents: AgentHost | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<PlumblineApi> {
  const started = performance.now();
  const log = createLog();
  log.info(`Plumbline ${context.extension.packageJSON.version as string} activating`);
  const client = createLanguageClient(context, log);
  languageClient = client;
  const plans = new PlanStore(client, log);
  const board = new PlansBoard(context.extensionUri, client, plans, log);
  const plansTree = new PlansTree(plans);
  const models = new Models(context.secrets);
  const runs = new RunsTree();
  const agentHost = new AgentHost(context, client, models, runs, log);
  agents = agentHost;
  const agentHooks = new AgentHooks(context.extensionPath, log);
  void agentHooks.refreshLauncher();
  const chatView = new ChatView(context.extensionUri, models, agents, log);
  const missionControl = new MissionControl(context.extensionUri, agents, log);
  const plansView = vscode.window.createTreeView<PlanNode>('plumbline.plans', {
    treeDataProvider: plansTree,
    manageCheckboxStateManually: true,
    showCollapseAll: true,
  });
  // A large workspace takes seconds to read: the tree lists the plans read so far, and says so.
  const showReading = () => (plansView.message = plans.isReady && !plans.isComplete ? `Reading the plan files… ${plans.all().length.toLocaleString()} so far` : undefined);
  context.subscriptions.push(plans.onDidChange(showReading));

  // Not awaited: activation (and so every window's start-up) must not wait for the server's
  // process and its first scan. Requests sent meanwhile wait inside the client until it runs.
  serverStarted = client.start().catch((err: unknown) => {
    // The views and commands stay usable; the status bar shows the server as stopped.
    log.error(`The language server did not start: ${err instanceof Error ? err.message : String(err)}`);
  });

  context.subscriptions.push(
    log,
    plans,
    board,
    plansTree,
    plansView,
    plansView.onDidChangeCheckboxState((e) => void toggleFromTree(client, log, e.items)),
    models,
    runs,
    agents,
    ...registerCommands({
      log,
      languageClient: client,
      serverStarted,
      plans,
      agents,
      agentHooks,
      models,
      openBoard: () => board.show(),
      openMissionControl: () => missionControl.show(),
      revealPlan: (plan) => plansView.reveal({ kind: 'plan', plan }, { select: true, focus: true }),
    }),
    missionControl,
    agentHooks,
    chatView,
    vscode.window.registerWebviewViewProvider(ChatView.id, chatView, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
    registerRunDiffs((id) => agentHost.changedFiles(id)),
    ...registerLmTools(client, log),
    registerMcpProvider(context.extensionPath, context.extension.packageJSON.version as string),
    vscode.window.registerTreeDataProvider('plumbline.runs', runs),
    createStatusBar(client),
    ...registerTraceCodeLinks(client),
  );

  client.onNotification(CriticalViolationNotification.method, (raw: unknown) => {
    const parsed = CriticalViolationNotification.params.safeParse(raw);
    if (!parsed.success) return log.warn(`${CriticalViolationNotification.method}: ignored a notification of the wrong shape`);
    const { uri, violations } = parsed.data;
    const file = vscode.workspace.asRelativePath(vscode.Uri.parse(uri));
    log.warn(`Guard: ${file}: ${violations.map((v) => v.message).join('; ')}`);
    // Our own agent's drop is already shown as its quarantine, with Release and Show file.
    if (agents?.wroteRecently(vscode.Uri.parse(uri))) return;
    void vscode.window.showWarningMessage(`Plumbline: an edit outside the editor dropped code in ${file}: ${violations[0].message}`, 'Show').then(
      (choice) => choice && vscode.window.showTextDocument(vscode.Uri.parse(uri), { selection: new vscode.Range(violations[0].line, 0, violations[0].line, 0) }),
    );
  });

  // Not awaited: the hub waits for the store, and activation must not wait for either.
  void startWindowHub(context, agentHost, client, log).then((hub) => hub && context.subscriptions.push(hub));

  const activation = { activateMs: performance.now() - started };
  // Debug level: there for a person asking why their window is slow, silent otherwise.
  log.debug(`Activated in ${activation.activateMs.toFixed(1)} ms; the language server starts in the background`);
  return { languageClient: client, plans, agents, models, runs, mcpServers: () => mcpServers(context.extensionPath), activation };
}

/** A tree checkbox was clicked: toggle those boxes in their plan files, one edit per file. */
async function toggleFromTree(client: LanguageClient, log: vscode.LogOutputChannel, items: readonly (readonly [PlanNode, vscode.TreeItemCheckboxState])[]) {
  const byFile = new Map<string, { line: number; text?: string }[]>();
  for (const [node] of items) {
    if (node.kind === 'deliverable') {
      const box = node.task.deliverables[node.index];
      byFile.set(node.plan.uri, [...(byFile.get(node.plan.uri) ?? []), { line: box.line, text: box.text }]);
    } else if (node.kind === 'task' && node.task.boxLine !== null) {
      byFile.set(node.plan.uri, [...(byFile.get(node.plan.uri) ?? []), { line: node.task.boxLine }]);
    }
  }
  for (const [uri, boxes] of byFile) await toggleCheckboxes(client, log, { uri, boxes });
}

export async function deactivate(): Promise<void> {
  // A client still starting cannot be stopped (vscode-languageclient throws): let it finish first.
  await Promise.all([agents?.close(), serverStarted?.then(() => languageClient?.stop())]);
}
