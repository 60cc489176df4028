import { randomUUID } from 'node:crypto';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { z } from 'zod';
import { AgentEngine, type EngineOptions, type Quarantine } from '../engine/agent/engine';
import { filePlanAccess } from '../engine/agent/plans';
import { recordRun } from '../engine/agent/recorder';
import { finalStates, type AgentRun, type RunEvent, type RunResult } from '../engine/agent/run';
import { agentTools } from '../engine/agent/tools';
import { Workspace } from '../engine/agent/workspace';
import type { HubRunInfo, HubRunSink, RunningHub } from '../engine/hub';
import type { Store } from '../engine/store';
import { ChatSessions, titleOf, type ChatHooks } from './chatSessions';
import { readAgentConfig } from './config';
import type { Models } from './models';
import { createRunHost } from './runHost';
import { openWorkspaceStore } from './workspaceStore';
import { summaryOfRecord, taskPrompt, type RunsTree } from './runsTree';

const RunArgument = z
  .object({
    prompt: z.string().trim().min(1).optional(),
    /** A task of a plan file; `file` relative to the workspace folder (or absolute inside it). */
    task: z.object({ file: z.string().min(1), id: z.string().min(1) }).strict().optional(),
    /** The chat conversation the run belongs to; a new one when absent. */
    conversationId: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => a.prompt || a.task, 'give a prompt, a task, or both');

/** How long a closing window waits for stopped runs to record their end. */
const CLOSE_WAIT_MS = 1500;

/**
 * The agent engine of this window (SPEC §4): one AgentEngine, the workspace's store, and the
 * commands to run, stop, release and undo agents. Runs and their events go to the store and
 * the Runs tree; a quarantine is shown with "Release" and "Show file".
 */
export class AgentHost implements vscode.Disposable {
  readonly engine: AgentEngine;
  /** The chat's conversations: every run belongs to one, so its approvals and questions have a place. */
  readonly chat = new ChatSessions();
  private readonly runEvents = new vscode.EventEmitter<RunEvent>();
  /** Every event of every run of this window, after the store has it. */
  readonly onRunEvent = this.runEvents.event;
  private readonly quarantineChanges = new vscode.EventEmitter<void>();
  /** An agent was quarantined or released. */
  readonly onDidChangeQuarantines = this.quarantineChanges.event;
  /** Undefined without a workspace folder (nothing to keep runs for), or until `ready`. */
  store: Store | undefined;
  readonly ready: Promise<void>;
  private readonly engineOptions: EngineOptions;
  private readonly running = new Set<Promise<RunResult>>();
  /** Files our own agents just wrote (absolute path → when): their guard findings are shown as quarantines, not as unknown edits. */
  private readonly written = new Map<string, number>();
  private readonly quarantinedFiles = new Map<string, { file: string; line: number }>();
  private readonly subscription: vscode.Disposable;
  /** Set while quarantines from an earlier session are put back: they hold again without a new warning. */
  private restoring = false;
  /** The agent hub of this window (client/hubHost.ts), once it listens; closed with the store. */
  hub: RunningHub | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly client: LanguageClient,
    private readonly models: Models,
    private readonly runs: RunsTree,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const config = readAgentConfig();
    const onQuarantine = (q: Quarantine) => {
      this.quarantineChanges.fire();
      if (!this.restoring) void this.showQuarantine(q);
    };
    this.engineOptions = { concurrency: config.concurrency, onQuarantine };
    this.engine = new AgentEngine(this.engineOptions);
    // The engine reads its limit at each start, so a changed setting applies to the next run.
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('plumbline.agent.concurrency')) this.engineOptions.concurrency = readAgentConfig().concurrency;
    });
    this.ready = this.openStore(config.retention).catch((err: unknown) => {
      log.error(`Plumbline store: ${err instanceof Error ? err.message : String(err)}; runs are not recorded in this window`);
    });
  }

  /**
   * "Plumbline: Run Agent…": resolves with the run's result (undefined when nothing started).
   * Whatever keeps a run from starting is shown to the person here; with an argument (a caller
   * other than the palette) it also rejects, so the caller knows.
   */
  async run(arg?: unknown): Promise<RunResult | undefined> {
    const parsed = RunArgument.safeParse(arg ?? {});
    if (arg !== undefined && !parsed.success) throw new Error(`plumbline.runAgent: ${z.prettifyError(parsed.error)}`);
    const folder = vscode.workspace.workspaceFolders?.[0];
    if (!folder) {
      void vscode.window.showWarningMessage('Plumbline: open a folder first; agents work inside a workspace folder.');
      return undefined;
    }
    await this.ready;
    const model = await this.models.resolve();
    if (!model) {
      void vscode.window.showWarningMessage('Plumbline: no model is configured for agents yet.', 'Configure Model').then((c) => c && vscode.commands.executeCommand('plumbline.configureModel'));
      return undefined;
    }
    const root = folder.uri.fsPath;
    const workspace = new Workspace(root);
    // Through the workspace's own check: a task file outside the folder is refused like any agent path.
    const given = parsed.success ? parsed.data.task : undefined;
    const task = given && { id: given.id, file: (await workspace.resolve(given.file).catch((err: Error) => this.refuse(err.message))).relative };
    const prompt = parsed.success && arg !== undefined ? (parsed.data.prompt ?? taskPrompt(task!)) : await askPrompt();
    if (!prompt) return undefined;

    const givenConversation = parsed.success ? parsed.data.conversationId : undefined;
    const running = givenConversation && this.chat.runningIn(givenConversation);
    if (running) this.refuse('an agent is already working in this conversation; stop it or start a new conversation');
    const conversationId = givenConversation ?? this.chat.create(titleOf(task ? `${task.id} · ${task.file}` : prompt));
    const history = this.chat.history(conversationId);

    const config = readAgentConfig();
    const id = randomUUID();
    let record: ((event: RunEvent) => void) | undefined;
    let chat: ChatHooks | undefined;
    const host = createRunHost({
      client: this.client,
      workspace,
      plans: filePlanAccess(workspace),
      config,
      secrets: model.secrets,
      emit: (event) => this.report(root, event, record, chat),
      approve: (request) => chat?.approve(request) ?? Promise.resolve(false),
      ask: (question) => chat?.ask(question) ?? Promise.resolve(''),
    });
    let started: { run: AgentRun; result: Promise<RunResult> };
    try {
      started = this.engine.start(model.agentId, { id, prompt, task, history, provider: model.provider, model: model.model, tools: agentTools, limits: config.limits, pricing: config.pricing }, host);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      const quarantined = this.engine.quarantines().some((q) => q.agentId === model.agentId);
      void vscode.window.showErrorMessage(`Plumbline: ${message}`, ...(quarantined ? ['Release…'] : [])).then((c) => c && vscode.commands.executeCommand('plumbline.releaseAgent'));
      if (arg !== undefined) throw err;
      return undefined;
    }
    if (this.store) record = recordRun(this.store, { id, agentId: model.agentId, agentName: model.description, prompt, provider: model.provider.id, model: model.model, task, conversationId });
    chat = this.chat.begin(id, conversationId, prompt);
    this.runs.add({ id, prompt, task: task ?? null, model: model.model, state: 'queued', steps: 0, tokens: { input: 0, output: 0 }, cost: 0, startedAt: Date.now(), error: null });
    this.log.info(`Agent run ${id} started with ${model.description}${task ? ` on ${task.file}#${task.id}` : ''}`);
    this.running.add(started.result);
    try {
      const result = await started.result;
      this.log.info(`Agent run ${id}: ${result.state} after ${result.steps} step(s)${result.error ? `: ${result.error}` : ''}`);
      if (result.state === 'failed') void vscode.window.showErrorMessage(`Plumbline: the agent run failed: ${result.error ?? 'no reason given'}`);
      else if (result.state === 'done') void vscode.window.setStatusBarMessage(`Plumbline: agent run done${result.outcome ? `: ${result.outcome.summary.slice(0, 100)}` : ''}`, 8000);
      return result;
    } finally {
      this.running.delete(started.result);
    }
  }

  /**
   * A run that cannot start: the person is told here, once, and callers (the chat, the task
   * commands) get the error without telling them again.
   */
  private refuse(message: string): never {
    void vscode.window.showWarningMessage(`Plumbline: ${message}`);
    throw new Error(message);
  }

  /**
   * A run of an agent outside VS Code, through the hub: recorded, in the Runs tree and Mission
   * Control, with a conversation of its own that does not take the chat from the person until
   * the agent asks a question.
   */
  beginHubRun(root: string, info: HubRunInfo): HubRunSink {
    const conversationId = this.store ? this.chat.create(titleOf(`${info.agentName} · ${info.task ? `${info.task.id} · ${info.task.file}` : info.prompt}`), { quiet: true }) : undefined;
    const record = this.store && recordRun(this.store, { ...info, kind: 'hub', provider: 'hub', model: info.agentName, conversationId });
    const chat = conversationId ? this.chat.begin(info.id, conversationId, info.prompt, { quiet: true }) : undefined;
    this.runs.add({ id: info.id, prompt: info.prompt, task: info.task ?? null, model: `${info.agentName} (hub)`, state: 'running', steps: 0, tokens: { input: 0, output: 0 }, cost: 0, startedAt: Date.now(), error: null });
    this.log.info(`Hub agent ${info.agentName} started run ${info.id}: ${info.prompt}`);
    return {
      emit: (event) => this.report(root, event, record, chat),
      ask: (question) => chat?.ask(question) ?? Promise.reject(new Error('this window keeps no conversations (no store), so nobody can answer')),
    };
  }

  /** Files the guard will see changed on disk because an agent wrote them: shown as that agent's findings, not as unknown edits. */
  noteWritten(absolutePath: string): void {
    const now = Date.now();
    for (const [file, at] of this.written) if (now - at > 60_000) this.written.delete(file);
    this.written.set(absolutePath, now);
  }

  /** The file texts a run started from, for "Open diff": own runs and hub runs alike. */
  changedFiles(runId: string): ReadonlyMap<string, Uint8Array | null> | undefined {
    return this.engine.get(runId)?.changedFiles() ?? this.hub?.hub.changedFiles(runId);
  }

  /** Stop on one run (chat, Mission Control): an own run or a hub agent's. */
  stopRun(runId: string, reason: string): void {
    const run = this.engine.get(runId);
    if (run) run.stop(reason);
    else this.hub?.hub.stopRun(runId, reason);
  }

  /** "Plumbline: Stop All Agents": returns how many runs were stopped, hub agents' included. */
  stopAll(): number {
    const stopped = this.engine.stopAll() + (this.hub?.hub.stopAll() ?? 0);
    void vscode.window.setStatusBarMessage(`Plumbline: ${stopped ? `stopped ${stopped} agent run(s)` : 'no agent is running'}`, 5000);
    return stopped;
  }

  /** "Plumbline: Release Quarantined Agent": an agent id, or a pick. True when one was released. */
  async release(arg?: unknown): Promise<boolean> {
    const quarantines = this.engine.quarantines();
    let agentId = typeof arg === 'string' ? arg : undefined;
    if (!agentId) {
      if (!quarantines.length) {
        void vscode.window.showInformationMessage('Plumbline: no agent is quarantined.');
        return false;
      }
      const picked = await vscode.window.showQuickPick(
        quarantines.map((q) => ({ label: q.agentId.replace(/^own:/, ''), description: new Date(q.at).toLocaleString(), detail: q.reason, agentId: q.agentId })),
        { title: 'Plumbline: Release Quarantined Agent', placeHolder: 'Which agent may run again?' },
      );
      agentId = picked?.agentId;
    }
    if (!agentId || !this.engine.release(agentId)) return false;
    if (this.store?.getAgent(agentId)) this.store.setAgentState(agentId, 'active');
    this.hub?.hub.released(agentId);
    this.log.info(`Agent ${agentId} released from quarantine`);
    this.quarantineChanges.fire();
    void vscode.window.setStatusBarMessage(`Plumbline: ${agentId.replace(/^own:/, '')} may run again`, 5000);
    return true;
  }

  /** "Plumbline: Undo Agent Run": a finished run of this window (by id, or picked) gets its files back. */
  async undo(arg?: unknown): Promise<string[]> {
    const undoable = this.engine.list().filter((r) => finalStates.includes(r.state) && r.changedFiles().size > 0);
    let run = typeof arg === 'string' ? this.engine.get(arg) : undefined;
    if (typeof arg === 'string' && !run) throw new Error(`plumbline.undoRun: no run ${arg} in this window`);
    if (!run) {
      if (!undoable.length) {
        void vscode.window.showInformationMessage('Plumbline: no finished run of this window changed files.');
        return [];
      }
      const picked = await vscode.window.showQuickPick(
        undoable.map((r) => ({ label: this.runs.get(r.id)?.prompt.slice(0, 80) ?? r.id, description: r.state, detail: [...r.changedFiles().keys()].map((f) => vscode.workspace.asRelativePath(f)).join(', '), run: r })),
        { title: 'Plumbline: Undo Agent Run', placeHolder: 'Which run? Its files go back to how they were before it.' },
      );
      run = picked?.run;
    }
    if (!run) return [];
    if (!finalStates.includes(run.state)) throw new Error('the run is still going; stop it first');
    const restored = await run.undo();
    void vscode.window.showInformationMessage(`Plumbline: restored ${restored.length} file(s) the run changed.`);
    return restored;
  }

  /** True when one of this window's agents wrote the file in the last minute. */
  wroteRecently(uri: vscode.Uri): boolean {
    const at = this.written.get(uri.fsPath);
    return at !== undefined && Date.now() - at < 60_000;
  }

  /** Stops every run, lets them record their end, then saves and closes the store. */
  async close(): Promise<void> {
    // The hub first: its runs end (and are recorded) while the store is still open.
    await this.hub?.close();
    this.hub = undefined;
    this.engine.stopAll('VS Code is closing');
    const ended = Promise.allSettled([...this.running]);
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS))]);
    await this.store?.close();
  }

  dispose(): void {
    this.subscription.dispose();
    this.chat.dispose();
    this.runEvents.dispose();
    this.quarantineChanges.dispose();
  }

  /** Every event of every run, own or hub, goes the same way: store, chat, listeners, Runs tree. */
  private report(root: string, event: RunEvent, record: ((event: RunEvent) => void) | undefined, chat: ChatHooks | undefined): void {
    record?.(event);
    chat?.emit(event);
    this.runEvents.fire(event);
    this.runs.update(event);
    this.follow(root, event);
  }

  private follow(root: string, event: RunEvent): void {
    if (event.type === 'guard' && typeof event.file === 'string') this.noteWritten(path.join(root, event.file));
    if (event.type === 'quarantined' && typeof event.file === 'string') {
      const first = Array.isArray(event.violations) ? (event.violations[0] as { line?: unknown } | undefined) : undefined;
      this.quarantinedFiles.set(event.runId, { file: path.join(root, event.file), line: typeof first?.line === 'number' ? first.line : 0 });
    }
  }

  private async showQuarantine(q: Quarantine): Promise<void> {
    const where = q.runId ? this.quarantinedFiles.get(q.runId) : undefined;
    if (q.runId) this.quarantinedFiles.delete(q.runId);
    this.log.warn(`Agent ${q.agentId} quarantined: ${q.reason}`);
    const actions = where ? ['Release', 'Show file'] : ['Release'];
    const reason = q.reason.replace(/^quarantined: /, '');
    const choice = await vscode.window.showWarningMessage(`Plumbline: the agent ${q.agentId.replace(/^own:/, '')} dropped code and may not run until you release it: ${reason}`, ...actions);
    if (choice === 'Release') await this.release(q.agentId);
    else if (choice === 'Show file' && where) {
      await vscode.window.showTextDocument(vscode.Uri.file(where.file), { selection: new vscode.Range(where.line, 0, where.line, 0), preview: false });
    }
  }

  private async openStore(retention: number): Promise<void> {
    const store = await openWorkspaceStore(this.context.storageUri, retention, this.log);
    if (!store) return;
    this.store = store;
    this.chat.useStore(store);
    this.runs.load(store.listRuns(200).map(summaryOfRecord));
    this.restoring = true;
    try {
      for (const agent of store.listAgents().filter((a) => a.state === 'quarantined')) {
        this.engine.quarantine({ agentId: agent.id, reason: agent.reason ?? 'dropped code', at: new Date(agent.quarantinedAt ?? Date.now()).toISOString() });
      }
    } finally {
      this.restoring = false;
    }
  }
}

async function askPrompt(): Promise<string | undefined> {
  const prompt = await vscode.window.showInputBox({
    title: 'Plumbline: Run Agent',
    prompt: 'What should the agent do in this workspace?',
    placeHolder: 'Add input validation to the signup form, with tests',
    ignoreFocusOut: true,
  });
  return prompt?.trim() || undefined;
}
