import { randomUUID } from 'node:crypto';
import { writeApprovalReason } from '../agent/approvals';
import type { AgentEngine } from '../agent/engine';
import type { PlanAccess, TaskView } from '../agent/plans';
import type { RunEvent, RunState } from '../agent/run';
import { PathError, type ResolvedPath, type Workspace } from '../agent/workspace';
import { violationJson, type Violation } from '../guard';
import type { Logger } from '../log';
import { ErrorCode, type Ask, type ClaimTask, type Heartbeat, type Hello, type HubTask, type ListTasks, type NextTask, type ParamsOf, type ReportEdit, type ResultOf, type SetTaskStatus } from '../protocol/hub';
import { version } from '../version';
import { HubError, type HubHandlers, type Session } from './server';

/** How long a question waits for the person, as for the engine's own agents. */
const ASK_TIMEOUT_MS = 30 * 60_000;
/** A run whose agent has had no connection this long ends as failed. */
const IDLE_MS = 10 * 60_000;
/** Runs whose "before" texts are kept for "Open diff", newest first. */
const KEPT_RUNS = 100;

/** A hub agent's run, as the host records and shows it. */
export interface HubRunInfo {
  id: string;
  agentId: string;
  agentName: string;
  prompt: string;
  task?: { file: string; id: string };
}

/** Where a hub run's events go and how its questions reach a person. */
export interface HubRunSink {
  emit(event: RunEvent): void;
  /** Resolves with the person's answer; called after the `question` event. */
  ask(question: string): Promise<string>;
}

/** What the hub needs from the window (or the CLI) that hosts it. */
export interface HubHost {
  workspace: Workspace;
  plans: PlanAccess;
  /** Quarantines are the engine's, shared with the window's own agents. */
  engine: AgentEngine;
  /** Checks a reported edit; in VS Code the findings also become diagnostics on the file. */
  guard(file: ResolvedPath, before: string, after: string): Promise<Violation[]>;
  beginRun(run: HubRunInfo): HubRunSink;
  workspaceFolders: string[];
  log: Logger;
  /** How often agents should send a heartbeat. */
  heartbeatMs?: number;
  idleMs?: number;
}

class HubRun {
  steps = 0;
  private calls = 0;
  /** Each file's bytes before the run first reported it changed (null: it was new). */
  readonly before = new Map<string, Uint8Array | null>();
  lastSeen = Date.now();

  constructor(
    readonly info: HubRunInfo,
    readonly sink: HubRunSink,
  ) {}

  emit(type: string, data: Record<string, unknown> = {}): void {
    this.sink.emit({ type, at: new Date().toISOString(), runId: this.info.id, ...data });
  }

  /** One request of the agent, shown like a tool call of the engine's own agents. */
  async call<T>(name: string, args: unknown, work: () => Promise<{ value: T; content: string }>): Promise<T> {
    const id = `h${++this.calls}`;
    const started = Date.now();
    this.lastSeen = started;
    this.emit('tool-call', { id, name, arguments: JSON.stringify(args) });
    try {
      const { value, content } = await work();
      this.emit('tool-result', { id, name, isError: false, content, durationMs: Date.now() - started });
      return value;
    } catch (err) {
      this.emit('tool-result', { id, name, isError: true, content: err instanceof Error ? err.message : String(err), durationMs: Date.now() - started });
      throw err;
    }
  }
}

const same = (a: { file: string; id: string } | undefined, b: { file: string; id: string }) => a?.file === b.file && a.id === b.id;
/** A task's key in the claims being made; NUL cannot occur in a path. */
const claimKey = (task: { file: string; id: string }) => `${task.file}\0${task.id}`;

/**
 * The agent hub's logic (SPEC §6), behind the transport of server.ts. An agent is known by its
 * name across connections, so a shell loop that connects once per command is one agent. A
 * claimed task is a run in Mission Control and the chat, from the claim until the agent sets
 * the task's status (done, blocked, todo), claims another, is stopped or quarantined, or has
 * no connection for ten minutes. Edits and questions without a claimed task start a run of
 * their own.
 */
export class Hub implements HubHandlers {
  private readonly sessions = new Set<Session>();
  private readonly open = new Map<string, HubRun>();
  private readonly ended: HubRun[] = [];
  /** Agents a person stopped: their next request is refused once, so a loop between connections learns it too. */
  private readonly stopped = new Map<string, string>();
  /** Tasks being claimed, by claimKey: held from the holder check until the run starts (or the claim fails). */
  private readonly claiming = new Map<string, { agent: { id: string; name: string }; settled: Promise<void> }>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly host: HubHost) {
    const idleMs = host.idleMs ?? IDLE_MS;
    this.sweeper = setInterval(() => this.sweep(idleMs), Math.min(idleMs, 60_000));
    this.sweeper.unref();
  }

  async hello(session: Session, { name, version: agentVersion }: ParamsOf<typeof Hello>): Promise<ResultOf<typeof Hello>> {
    const agentId = `hub:${name}`;
    session.agent = { id: agentId, name };
    this.sessions.add(session);
    this.host.log.info(`Hub: ${name}${agentVersion ? ` ${agentVersion}` : ''} connected`);
    const quarantine = this.host.engine.quarantines().find((q) => q.agentId === agentId);
    return {
      agentId,
      hubVersion: version,
      workspaceFolders: this.host.workspaceFolders,
      heartbeatMs: this.host.heartbeatMs ?? 30_000,
      quarantined: quarantine ? { reason: quarantine.reason } : null,
    };
  }

  async 'tasks/list'(): Promise<ResultOf<typeof ListTasks>> {
    return { plans: (await this.host.plans.list()).map((p) => ({ file: p.file, tasks: p.tasks.map(hubTask) })) };
  }

  async 'tasks/next'(): Promise<ResultOf<typeof NextTask>> {
    const task = await this.host.plans.next();
    return { task: task ? hubTask(task) : null };
  }

  async 'tasks/claim'(session: Session, params: ParamsOf<typeof ClaimTask>): Promise<ResultOf<typeof ClaimTask>> {
    const agent = this.admit(session);
    const file = (await this.planToEdit(params.file)).relative;
    return this.claim(agent, { file, id: params.id });
  }

  async 'tasks/setStatus'(session: Session, params: ParamsOf<typeof SetTaskStatus>): Promise<ResultOf<typeof SetTaskStatus>> {
    const agent = this.admit(session);
    const file = (await this.planToEdit(params.file)).relative;
    const key = { file, id: params.id };
    const run = this.open.get(agent.id);
    const work = async () => {
      await this.plan(() => this.host.plans.setStatus(file, params.id, params.status));
      return { value: await this.task(key), content: `${params.id} in ${file} is now ${params.status}.` };
    };
    const task = run ? await run.call('tasks/setStatus', params, work) : (await work()).value;
    if (run && same(run.info.task, key) && params.status !== 'in-progress') {
      if (params.status === 'done') this.end(run, 'done', undefined, { success: true, summary: `${agent.name} set ${params.id} to done.` });
      else if (params.status === 'todo') this.end(run, 'stopped', `${agent.name} gave the task back (todo)`);
      else this.end(run, 'failed', `${agent.name} set the task to ${params.status}`);
    }
    return { task };
  }

  async 'edits/report'(session: Session, params: ParamsOf<typeof ReportEdit>): Promise<ResultOf<typeof ReportEdit>> {
    const agent = this.admit(session);
    const target = await this.resolve(params.path);
    const run = this.open.get(agent.id) ?? this.start(agent, `Edits reported by ${agent.name}`);
    const summary = { path: target.relative, before: params.before === null ? null : `${lineCount(params.before)} lines`, after: `${lineCount(params.after)} lines` };
    const violations = await run.call('edits/report', summary, async () => {
      const found = await this.host.guard(target, params.before ?? '', params.after);
      return { value: found, content: found.length ? found.map((v) => `${target.relative}:${v.line + 1}: ${v.message}`).join('\n') : `${target.relative}: no findings.` };
    });
    run.steps++;
    if (!run.before.has(target.absolute)) run.before.set(target.absolute, params.before === null ? null : Buffer.from(params.before, 'utf8'));
    run.emit('edit', { file: target.relative, violations });
    const critical = violations.filter((v) => v.severity === 'critical');
    if (critical.length) this.quarantine(agent, run, target.relative, critical);
    return { violations: violations.map(violationJson), quarantined: critical.length > 0 };
  }

  async ask(session: Session, { question }: ParamsOf<typeof Ask>): Promise<ResultOf<typeof Ask>> {
    const agent = this.admit(session, { quarantinedMayAsk: true });
    const run = this.open.get(agent.id) ?? this.start(agent, `Questions from ${agent.name}`);
    run.lastSeen = Date.now();
    run.emit('question', { question });
    run.emit('state', { state: 'waiting-user' });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new HubError(ErrorCode.timeout, `nobody answered within ${ASK_TIMEOUT_MS / 60_000} minutes`)), ASK_TIMEOUT_MS);
    });
    try {
      const answer = await Promise.race([run.sink.ask(question), timeout]);
      // Stopped while the question waited: the chat gave up on it, nobody answered.
      if (this.open.get(agent.id) !== run) throw new HubError(ErrorCode.stopped, 'the run ended before the person answered');
      run.emit('answer', { answer });
      return { answer };
    } finally {
      clearTimeout(timer);
      if (this.open.get(agent.id) === run) run.emit('state', { state: 'running' });
    }
  }

  async heartbeat(session: Session): Promise<ResultOf<typeof Heartbeat>> {
    const run = session.agent && this.open.get(session.agent.id);
    if (run) run.lastSeen = Date.now();
    return { at: Date.now() };
  }

  disconnected(session: Session): void {
    if (!this.sessions.delete(session) || !session.agent) return;
    const run = this.open.get(session.agent.id);
    if (run) run.lastSeen = Date.now();
    this.host.log.info(`Hub: ${session.agent.name} disconnected`);
  }

  /** Runs of hub agents still going (for Mission Control's Stop and the tests). */
  openRuns(): HubRunInfo[] {
    return [...this.open.values()].map((r) => r.info);
  }

  /** "Stop All Agents": every hub run ends stopped, and every connected agent is told to stop. */
  stopAll(reason = 'Stop All Agents'): number {
    const runs = this.open.size;
    const agents = new Set([...this.open.keys(), ...[...this.sessions].flatMap((s) => (s.agent ? [s.agent.id] : []))]);
    for (const agentId of agents) this.stopAgent(agentId, reason);
    return runs;
  }

  /** Stop on one run in Mission Control. False when it is not a hub run that is going. */
  stopRun(runId: string, reason = 'stopped from Mission Control'): boolean {
    const run = [...this.open.values()].find((r) => r.info.id === runId);
    if (run) this.stopAgent(run.info.agentId, reason);
    return Boolean(run);
  }

  /** A person released the agent from quarantine: it is told it may work again. */
  released(agentId: string): void {
    this.notify(agentId, { method: 'released', params: {} });
  }

  /** The file texts a hub run started from, for "Open diff" (absolute path → text, null for new files). */
  changedFiles(runId: string): ReadonlyMap<string, Uint8Array | null> | undefined {
    return [...this.open.values(), ...this.ended].find((r) => r.info.id === runId)?.before;
  }

  close(): void {
    clearInterval(this.sweeper);
    for (const run of [...this.open.values()]) this.end(run, 'stopped', 'the hub closed');
  }

  private stopAgent(agentId: string, reason: string): void {
    const run = this.open.get(agentId);
    if (run) this.end(run, 'stopped', reason);
    this.stopped.set(agentId, reason);
    this.notify(agentId, { method: 'stop', params: { reason } });
  }

  private notify(agentId: string, message: Parameters<Session['notify']>[0]): void {
    for (const session of this.sessions) if (session.agent?.id === agentId) session.notify(message);
  }

  /** The agent may work: not quarantined, and not just stopped (that refusal comes once). */
  private admit(session: Session, options: { quarantinedMayAsk?: boolean } = {}): { id: string; name: string } {
    const agent = session.agent!;
    const quarantine = this.host.engine.quarantines().find((q) => q.agentId === agent.id);
    if (quarantine && !options.quarantinedMayAsk) throw new HubError(ErrorCode.quarantined, `${agent.name} is quarantined (${quarantine.reason}); a person must release it in VS Code`);
    const stopped = this.stopped.get(agent.id);
    if (stopped !== undefined) {
      this.stopped.delete(agent.id);
      throw new HubError(ErrorCode.stopped, `${agent.name} was stopped (${stopped}); start again when the person asks for it`);
    }
    return agent;
  }

  /**
   * The holder check and the reservation happen in one turn of the event loop, with no await
   * between them, so of agents claiming a task at the same moment exactly one gets past the check;
   * the others are told who won. The reservation covers the plan edit, after which the run holds
   * the task.
   */
  private async claim(agent: { id: string; name: string }, key: { file: string; id: string }): Promise<ResultOf<typeof ClaimTask>> {
    const task = await this.task(key);
    const current = this.open.get(agent.id);
    if (same(current?.info.task, key)) return { task, runId: current!.info.id };
    const reservation = this.claiming.get(claimKey(key));
    // The same agent on another connection, claiming the same task: one claim, one run.
    if (reservation?.agent.id === agent.id) return reservation.settled.then(() => this.claim(agent, key));
    if (task.status === 'done' || task.status === 'cancelled') throw new HubError(ErrorCode.planError, `${key.id} in ${key.file} is ${task.status}; claim an open task`);
    const holder = this.holder(agent, key);
    if (holder) throw new HubError(ErrorCode.claimed, `${key.id} in ${key.file} is claimed by ${holder}`);
    const release = this.reserve(agent, key);
    let run: HubRun;
    try {
      // The plan first: a claim the plan file refuses starts no run and holds no task.
      await this.plan(() => this.host.plans.setStatus(key.file, key.id, 'in-progress'));
      // Read again: the agent's run may have changed while the plan was written.
      const previous = this.open.get(agent.id);
      if (previous) this.end(previous, 'failed', `left unfinished: ${agent.name} claimed ${key.id} of ${key.file}`);
      run = this.start(agent, `${task.id} ${task.title}`, key);
    } finally {
      release();
    }
    const claimed = await run.call('tasks/claim', key, async () => ({ value: await this.task(key), content: `${agent.name} claimed ${key.id}; it is in progress in ${key.file}.` }));
    return { task: claimed, runId: run.info.id };
  }

  /** The name of the other agent that holds the task, or is claiming it right now. */
  private holder(agent: { id: string }, key: { file: string; id: string }): string | undefined {
    const run = [...this.open.values()].find((r) => r.info.agentId !== agent.id && same(r.info.task, key));
    return run?.info.agentName ?? this.claiming.get(claimKey(key))?.agent.name;
  }

  /** Holds the task for the agent until the returned function is called. */
  private reserve(agent: { id: string; name: string }, key: { file: string; id: string }): () => void {
    let settle!: () => void;
    const settled = new Promise<void>((resolve) => (settle = resolve));
    const k = claimKey(key);
    this.claiming.set(k, { agent, settled });
    return () => {
      this.claiming.delete(k);
      settle();
    };
  }

  private start(agent: { id: string; name: string }, prompt: string, task?: { file: string; id: string }): HubRun {
    const info: HubRunInfo = { id: randomUUID(), agentId: agent.id, agentName: agent.name, prompt, task };
    const run = new HubRun(info, this.host.beginRun(info));
    this.open.set(agent.id, run);
    run.emit('start', { prompt, model: agent.name, provider: 'hub', task: task ?? null });
    run.emit('state', { state: 'running' });
    return run;
  }

  private end(run: HubRun, state: Extract<RunState, 'done' | 'failed' | 'stopped' | 'quarantined'>, error?: string, outcome?: { success: boolean; summary: string }): void {
    if (this.open.get(run.info.agentId) !== run) return;
    this.open.delete(run.info.agentId);
    this.ended.unshift(run);
    this.ended.length = Math.min(this.ended.length, KEPT_RUNS);
    run.emit('state', { state });
    run.emit('result', { state, steps: run.steps, tokens: { input: 0, output: 0 }, cost: 0, ...(error ? { error } : {}), ...(outcome ? { outcome } : {}) });
  }

  private quarantine(agent: { id: string; name: string }, run: HubRun, file: string, violations: Violation[]): void {
    const reason = `${violations[0].message} (${file})`;
    run.emit('quarantined', { file, violations });
    this.host.engine.quarantine({ agentId: agent.id, reason, at: new Date().toISOString(), runId: run.info.id });
    this.end(run, 'quarantined', `quarantined: ${reason}`);
    this.notify(agent.id, { method: 'quarantined', params: { reason, file, violations: violations.map(violationJson) } });
  }

  private sweep(idleMs: number): void {
    const now = Date.now();
    for (const run of [...this.open.values()]) {
      const connected = [...this.sessions].some((s) => s.agent?.id === run.info.agentId);
      if (!connected && now - run.lastSeen > idleMs) this.end(run, 'failed', `${run.info.agentName} went away (no connection for ${Math.round(idleMs / 60_000)} min)`);
    }
  }

  private async resolve(file: string): Promise<ResolvedPath> {
    try {
      return await this.host.workspace.resolve(file);
    } catch (err) {
      if (err instanceof PathError) throw new HubError(ErrorCode.pathRefused, `${file}: ${err.message}`);
      throw err;
    }
  }

  /**
   * A plan the agent wants to change, under the rules of the engine's own plan tools: nobody can
   * approve over the hub, so a plan on a protected path (outside a plan folder) is refused.
   */
  private async planToEdit(file: string): Promise<ResolvedPath> {
    const target = await this.resolve(file);
    const reason = writeApprovalReason(target, true, 'plan');
    if (reason) throw new HubError(ErrorCode.pathRefused, `${file}: ${reason}; it needs a person's approval, which the hub cannot ask for`);
    return target;
  }

  private async task(key: { file: string; id: string }): Promise<HubTask> {
    const task = await this.plan(() => this.host.plans.get(key.file, key.id));
    if (!task) throw new HubError(ErrorCode.planError, `no task "${key.id}" in ${key.file}`);
    return hubTask(task);
  }

  /** A plan read or edit; its refusals (no such file, a status it cannot take) are the agent's to fix. */
  private async plan<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof HubError) throw err;
      throw new HubError(ErrorCode.planError, err instanceof Error ? err.message : String(err));
    }
  }
}

function hubTask(task: TaskView): HubTask {
  return { file: task.file, id: task.id, title: task.title, status: task.status, priority: task.priority, dependencies: task.dependencies, line: task.line, deliverables: task.deliverables };
}

function lineCount(text: string): number {
  return text === '' ? 0 : text.split('\n').length;
}
