import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import type { Violation } from '../guard';
import { editFile } from '../fs';
import { dollars } from '../format';
import { retryDelay, sleep, withTimeout, type CircuitBreaker } from './faults';
import { ProviderError, type ChatMessage, type ModelRequest, type Provider, type ToolCall, type Usage } from './model';
import type { PlanAccess } from './plans';
import { executeTool, toolSpec, type ApprovalRequest, type Tool, type ToolContext } from './tools';
import type { Workspace } from './workspace';

export type RunState = 'queued' | 'running' | 'waiting-approval' | 'waiting-user' | 'done' | 'failed' | 'stopped' | 'quarantined';
export const finalStates: readonly RunState[] = ['done', 'failed', 'stopped', 'quarantined'];

/** One step of a run, as recorded and shown (SPEC §4 "Trace"): `{type, at, ...data}`. */
export interface RunEvent {
  type: string;
  at: string;
  runId: string;
  [key: string]: unknown;
}

export interface RunLimits {
  maxSteps: number;
  maxTokens: number;
  /** In US dollars; only counted when the model's prices are known. */
  maxCost: number;
}

export const defaultLimits: RunLimits = { maxSteps: 50, maxTokens: 2_000_000, maxCost: 5 };

/** What the place the run lives in (the extension, the CLI, a test) provides. */
export interface RunHost {
  workspace: Workspace;
  plans: PlanAccess;
  guard(relativePath: string, before: string, after: string, language?: string): Promise<Violation[]>;
  approve(request: ApprovalRequest): Promise<boolean>;
  ask(question: string): Promise<string>;
  exec(command: string, cwd: string, timeoutMs: number, signal: AbortSignal): Promise<{ exitCode: number | null; output: string; timedOut: boolean }>;
  emit(event: RunEvent): void;
  autoApproveEdits: boolean;
  allowedCommands: readonly string[];
  /** True when a person has unsaved changes to the file in an editor (none outside VS Code). */
  hasUnsavedChanges?(absolutePath: string): boolean;
}

export interface RunOptions {
  id?: string;
  prompt: string;
  /** A plan task: in-progress at start, done only when the agent reports success. */
  task?: { file: string; id: string };
  /**
   * False: the run does not write its task's status (a dry run, `plumbline run --approve none`,
   * where nothing may be written); the task is still the agent's subject.
   */
  trackTask?: boolean;
  provider: Provider;
  breaker: CircuitBreaker;
  model: string;
  tools: readonly Tool[];
  limits?: Partial<RunLimits>;
  /** Dollars per million tokens, when known. */
  pricing?: { input: number; output: number };
  maxRetries?: number;
  /** How long a person may take to approve or answer before the run goes on without them. */
  waitTimeoutMs?: number;
  /** Earlier messages of the conversation. */
  history?: ChatMessage[];
  random?: () => number;
}

export interface RunResult {
  state: RunState;
  runId: string;
  steps: number;
  tokens: Usage;
  cost: number;
  error?: string;
  outcome?: { success: boolean; summary: string };
}

const system = (task?: { file: string; id: string }) =>
  [
    'You are a careful software engineer working in the user\'s workspace through tools.',
    'Read before you edit. Edit with edit_file (exact text) or write_file (whole files). Never replace code with a placeholder comment such as "// ... rest unchanged": write complete code.',
    'Use ask_user when a decision is the user\'s. When you are done, call finish with success true only if the work is complete.',
    task ? `You are working on task ${task.id} of the plan ${task.file}; read it with get_task first.` : '',
  ]
    .filter(Boolean)
    .join('\n');

/**
 * One agent run (SPEC §4): a loop of model calls and tool calls under a state machine
 * (queued → running → waiting-approval | waiting-user → running → done | failed | stopped |
 * quarantined), with limits, retries, a stop that ends it within a second, a checkpoint
 * before every edit and every step recorded as an event.
 */
export class AgentRun {
  readonly id: string;
  private stateValue: RunState = 'queued';
  private readonly abort = new AbortController();
  private readonly checkpoints = new Map<string, Uint8Array | null>();
  private steps = 0;
  private readonly tokens: Usage = { input: 0, output: 0 };
  private cost = 0;
  private outcome: RunResult['outcome'];

  constructor(
    readonly options: RunOptions,
    private readonly host: RunHost,
  ) {
    this.id = options.id ?? randomUUID();
  }

  get state(): RunState {
    return this.stateValue;
  }

  /** Aborted when the run is stopped. */
  get signal(): AbortSignal {
    return this.abort.signal;
  }

  /** Files the run changed, with their exact bytes from before it first touched them (null: created by the run). */
  changedFiles(): ReadonlyMap<string, Uint8Array | null> {
    return this.checkpoints;
  }

  /** Ends the run as soon as possible: the model stream, a command and any wait are cut. */
  stop(reason = 'stopped by the user'): void {
    if (finalStates.includes(this.stateValue) || this.abort.signal.aborted) return;
    this.emit('stop-requested', { reason });
    this.abort.abort(new Error(reason));
  }

  /** "Undo this run": every file back to its content before the run (files it created are deleted). */
  async undo(): Promise<string[]> {
    const restored: string[] = [];
    for (const [file, before] of this.checkpoints) {
      if (before === null) await rm(file, { force: true });
      else await editFile(file, () => before);
      restored.push(file);
    }
    this.emit('undone', { files: restored });
    return restored;
  }

  async execute(): Promise<RunResult> {
    const given = this.options.limits ?? {};
    // `??` rather than a spread: a limit passed as undefined means the default, not no limit.
    const limits: RunLimits = { maxSteps: given.maxSteps ?? defaultLimits.maxSteps, maxTokens: given.maxTokens ?? defaultLimits.maxTokens, maxCost: given.maxCost ?? defaultLimits.maxCost };
    const { task } = this.options;
    let error: string | undefined;
    let final: RunState = 'done';
    this.setState('running');
    this.emit('start', { prompt: this.options.prompt, model: this.options.model, provider: this.options.provider.id, task });
    const messages: ChatMessage[] = [...(this.options.history ?? []), { role: 'user', content: this.options.prompt }];
    try {
      if (task && this.options.trackTask !== false) await this.host.plans.setStatus(task.file, task.id, 'in-progress');
      for (;;) {
        if (this.abort.signal.aborted) throw new StopSignal();
        if (this.steps >= limits.maxSteps) throw new LimitError(`the run reached its limit of ${limits.maxSteps} steps`);
        this.steps++;
        const reply = await this.callModel(messages);
        messages.push({ role: 'assistant', content: reply.text, toolCalls: reply.toolCalls.length ? reply.toolCalls : undefined });
        if (this.tokens.input + this.tokens.output > limits.maxTokens) throw new LimitError(`the run used ${this.tokens.input + this.tokens.output} tokens, over its limit of ${limits.maxTokens}`);
        if (this.cost > limits.maxCost) throw new LimitError(`the run cost ${dollars(this.cost)}, over its limit of ${dollars(limits.maxCost)}`);
        if (reply.toolCalls.length === 0) break;
        let finished = false;
        for (const call of reply.toolCalls) {
          const result = await this.callTool(call);
          messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content: result.content, isError: result.isError });
          if (result.quarantine) {
            final = 'quarantined';
            error = `quarantined: ${result.quarantine.violations[0].message} (${result.quarantine.file})`;
            this.emit('quarantined', { file: result.quarantine.file, violations: result.quarantine.violations });
            throw new QuarantineSignal();
          }
          if (result.finish) {
            this.outcome = result.finish;
            finished = true;
          }
        }
        if (finished) break;
      }
      if (this.outcome && !this.outcome.success) {
        final = 'failed';
        error = `the agent reported failure: ${this.outcome.summary}`;
      }
    } catch (err) {
      if (err instanceof QuarantineSignal) final = 'quarantined';
      else if (err instanceof StopSignal || this.abort.signal.aborted) final = 'stopped';
      else {
        final = 'failed';
        error = (err as Error).message;
        this.emit('error', { message: error });
      }
    }
    // Done only on reported success: a run that ends without `finish` leaves the task in progress.
    if (task && this.options.trackTask !== false && final === 'done' && this.outcome?.success) {
      await this.host.plans.setStatus(task.file, task.id, 'done').catch((err: unknown) => this.emit('error', { message: `could not mark the task done: ${(err as Error).message}` }));
    }
    this.setState(final);
    const result: RunResult = { state: final, runId: this.id, steps: this.steps, tokens: { ...this.tokens }, cost: this.cost, error: final === 'stopped' ? undefined : error, outcome: this.outcome };
    this.emit('result', { ...result });
    return result;
  }

  private async callModel(messages: ChatMessage[]): Promise<{ text: string; toolCalls: ToolCall[] }> {
    const { provider, breaker, maxRetries = 4 } = this.options;
    for (let attempt = 0; ; attempt++) {
      if (this.abort.signal.aborted) throw new StopSignal();
      breaker.check(provider.id);
      const request: ModelRequest = {
        model: this.options.model,
        system: system(this.options.task),
        messages,
        tools: this.options.tools.map(toolSpec),
        signal: this.abort.signal,
      };
      this.emit('model-request', { step: this.steps, attempt, messages: messages.length });
      const started = Date.now();
      let text = '';
      const toolCalls: ToolCall[] = [];
      try {
        for await (const event of provider.stream(request)) {
          if (event.type === 'text') {
            text += event.text;
            this.emit('text', { text: event.text });
          } else if (event.type === 'tool-call') toolCalls.push(event.call);
          else if (event.type === 'usage') this.addUsage(event.usage);
        }
        breaker.success();
        this.emit('model-response', { step: this.steps, durationMs: Date.now() - started, text, toolCalls: toolCalls.map((c) => c.name) });
        return { text, toolCalls };
      } catch (err) {
        if (this.abort.signal.aborted) throw new StopSignal();
        const failure = err instanceof ProviderError ? err : new ProviderError((err as Error).message, 'network');
        breaker.failure();
        if (!failure.retryable || attempt >= maxRetries) throw new Error(`${provider.id}: ${failure.message}`);
        const delay = retryDelay(attempt, failure.retryAfterMs, this.options.random);
        this.emit('retry', { attempt: attempt + 1, delayMs: delay, reason: failure.kind, status: failure.status, message: failure.message });
        await sleep(delay, this.abort.signal);
      }
    }
  }

  private addUsage(usage: Usage): void {
    this.tokens.input += usage.input;
    this.tokens.output += usage.output;
    const pricing = this.options.pricing;
    if (pricing) this.cost += (usage.input * pricing.input + usage.output * pricing.output) / 1_000_000;
    this.emit('usage', { input: usage.input, output: usage.output, total: { ...this.tokens }, cost: this.cost });
  }

  private async callTool(call: ToolCall) {
    const started = Date.now();
    this.emit('tool-call', { id: call.id, name: call.name, arguments: call.arguments });
    const result = await executeTool(this.options.tools, call, this.toolContext());
    this.emit('tool-result', { id: call.id, name: call.name, isError: result.isError ?? false, content: result.content.slice(0, 20_000), durationMs: Date.now() - started });
    if (result.edited) this.emit('edit', { file: result.edited.file, violations: result.edited.violations });
    return result;
  }

  private toolContext(): ToolContext {
    const host = this.host;
    const signal = this.abort.signal;
    const wait = this.options.waitTimeoutMs ?? 30 * 60_000;
    return {
      workspace: host.workspace,
      plans: host.plans,
      guard: async (file, before, after, language) => {
        const violations = await withTimeout(host.guard(file, before, after, language), 30_000, 'the guard', signal);
        this.emit('guard', { file, violations });
        return violations;
      },
      checkpoint: async (file, before) => {
        if (this.checkpoints.has(file)) return;
        this.checkpoints.set(file, before);
        this.emit('checkpoint', { file, existed: before !== null });
      },
      approve: async (request) => {
        this.setState('waiting-approval');
        this.emit('approval-request', { ...request });
        const approved = await withTimeout(host.approve(request), wait, 'the approval', signal).catch(() => false);
        this.emit('approval', { ...request, approved });
        if (signal.aborted) throw new StopSignal();
        this.setState('running');
        return approved;
      },
      ask: async (question) => {
        this.setState('waiting-user');
        this.emit('question', { question });
        const answer = await withTimeout(host.ask(question), wait, 'the user', signal).catch(() => '(no answer: go on with your best judgement, or finish with success false)');
        this.emit('answer', { answer });
        if (signal.aborted) throw new StopSignal();
        this.setState('running');
        return answer;
      },
      exec: (command, cwd, timeoutMs) => host.exec(command, cwd, timeoutMs, signal),
      autoApproveEdits: host.autoApproveEdits,
      allowedCommands: host.allowedCommands,
      hasUnsavedChanges: (file) => host.hasUnsavedChanges?.(file) ?? false,
      signal,
    };
  }

  private setState(state: RunState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.emit('state', { state });
  }

  private emit(type: string, data: Record<string, unknown>): void {
    this.host.emit({ type, at: new Date().toISOString(), runId: this.id, ...data });
  }
}

class StopSignal extends Error {}
class QuarantineSignal extends Error {}
class LimitError extends Error {}
