import type { ChatItem } from '../protocol/chatView';
import type { Run, RunEvent as StoredEvent } from '../store';
import { finalStates, type RunEvent } from './run';

/** What one event changes in the chat: items to add or replace, or text to append to one. */
export interface TranscriptChange {
  items: ChatItem[];
  delta?: { itemId: string; text: string };
}

type Tool = Extract<ChatItem, { kind: 'tool' }>;
type Approval = Extract<ChatItem, { kind: 'approval' }>;
type Question = Extract<ChatItem, { kind: 'question' }>;

const str = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' && Number.isFinite(value) ? value : 0);

/**
 * Turns one run's events into the chat's items (SPEC §5). The same code serves a live run, event
 * by event, and a stored run replayed from the database, so a conversation looks the same after
 * VS Code restarts. Item ids start with the run id, so runs of one conversation never collide.
 */
export class Transcript {
  private readonly byId = new Map<string, ChatItem>();
  private assistant: { id: string; text: string } | undefined;
  private lastTool: Tool | undefined;
  private pendingApproval: Approval | undefined;
  private pendingQuestion: Question | undefined;
  private count = 0;
  /** Tool-call ids are only unique within one model answer (some servers number them per answer). */
  private step = 0;

  /** Starts with what the person asked. */
  constructor(
    readonly runId: string,
    prompt: string,
  ) {
    this.put({ kind: 'user', id: `${runId}:user`, text: prompt });
  }

  /** Every item so far, in order. */
  items(): ChatItem[] {
    return [...this.byId.values()];
  }

  /** The approval item waiting for a decision, if any: the host keys its promise by this id. */
  get waitingApproval(): Approval | undefined {
    return this.pendingApproval;
  }

  get waitingQuestion(): Question | undefined {
    return this.pendingQuestion;
  }

  /**
   * For a run that is over (replayed after a restart, or stopped while it waited): nobody waits
   * for a decision or an answer any more, so the view must not offer them.
   */
  settle(): TranscriptChange {
    const items: ChatItem[] = [];
    if (this.pendingApproval) items.push(...this.put({ ...this.pendingApproval, status: 'denied' }).items);
    if (this.pendingQuestion) items.push(...this.put({ ...this.pendingQuestion, answer: '(not answered)' }).items);
    const streaming = this.assistant && this.byId.get(this.assistant.id);
    if (streaming?.kind === 'assistant') items.push(...this.put({ ...streaming, streaming: false }).items);
    this.pendingApproval = undefined;
    this.pendingQuestion = undefined;
    this.assistant = undefined;
    return { items };
  }

  apply(event: RunEvent): TranscriptChange {
    const id = (suffix: string) => `${this.runId}:${suffix}`;
    switch (event.type) {
      case 'model-request': {
        // A retry of the same step starts its text again: what the cut stream sent is gone.
        this.step = num(event.step);
        const itemId = id(`a${this.step}`);
        const restarted = this.byId.has(itemId);
        this.assistant = { id: itemId, text: '' };
        return restarted ? this.put({ kind: 'assistant', id: itemId, text: '', streaming: true }) : { items: [] };
      }
      case 'text': {
        if (!this.assistant) return { items: [] };
        const text = str(event.text);
        this.assistant.text += text;
        if (!this.byId.has(this.assistant.id)) return this.put({ kind: 'assistant', id: this.assistant.id, text: this.assistant.text, streaming: true });
        this.byId.set(this.assistant.id, { kind: 'assistant', id: this.assistant.id, text: this.assistant.text, streaming: true });
        return { items: [], delta: { itemId: this.assistant.id, text } };
      }
      case 'model-response': {
        const current = this.assistant;
        this.assistant = undefined;
        const text = str(event.text);
        if (!current || (!text && !this.byId.has(current.id))) return { items: [] };
        return this.put({ kind: 'assistant', id: current.id, text, streaming: false });
      }
      case 'tool-call': {
        const tool: Tool = { kind: 'tool', id: id(`t${this.step}:${str(event.id)}`), name: str(event.name), arguments: str(event.arguments), status: 'running' };
        this.lastTool = tool;
        return this.put(tool);
      }
      case 'tool-result': {
        const existing = this.byId.get(id(`t${this.step}:${str(event.id)}`));
        if (existing?.kind !== 'tool') return { items: [] };
        const tool: Tool = { ...existing, status: event.isError === true ? 'error' : 'ok', result: str(event.content), durationMs: num(event.durationMs) };
        this.lastTool = tool;
        return this.put(tool);
      }
      case 'edit': {
        // The run emits `edit` right after the result of the call that wrote the file.
        if (!this.lastTool) return { items: [] };
        const findings = Array.isArray(event.violations) ? event.violations.length : 0;
        this.lastTool = { ...this.lastTool, edit: { runId: this.runId, file: str(event.file), findings } };
        return this.put(this.lastTool);
      }
      case 'approval-request': {
        const request = event.kind === 'command' ? 'command' : 'edit';
        const subject = request === 'command' ? str(event.command) : str(event.path);
        this.pendingApproval = { kind: 'approval', id: id(`ap${++this.count}`), request, subject, reason: str(event.reason), status: 'pending' };
        return this.put(this.pendingApproval);
      }
      case 'approval': {
        const pending = this.pendingApproval;
        this.pendingApproval = undefined;
        return pending ? this.put({ ...pending, status: event.approved === true ? 'approved' : 'denied' }) : { items: [] };
      }
      case 'question': {
        this.pendingQuestion = { kind: 'question', id: id(`q${++this.count}`), question: str(event.question) };
        return this.put(this.pendingQuestion);
      }
      case 'answer': {
        const pending = this.pendingQuestion;
        this.pendingQuestion = undefined;
        return pending ? this.put({ ...pending, answer: str(event.answer) }) : { items: [] };
      }
      case 'retry':
        return this.notice('warning', `The model call failed (${str(event.message) || str(event.reason)}); retry ${num(event.attempt)} in ${(num(event.delayMs) / 1000).toFixed(1)} s.`);
      case 'error':
        return this.notice('error', str(event.message));
      case 'quarantined': {
        const [first] = Array.isArray(event.violations) ? (event.violations as { message?: unknown }[]) : [];
        return this.notice('error', `The agent was quarantined: ${str(first?.message)} (${str(event.file)}). The file keeps its content; the Restore quick fix puts the dropped code back.`);
      }
      case 'result': {
        const state = event.state;
        if (state !== 'done' && state !== 'failed' && state !== 'stopped' && state !== 'quarantined') return { items: [] };
        const tokens = event.tokens as { input?: unknown; output?: unknown } | undefined;
        const outcome = event.outcome as { summary?: unknown } | undefined;
        const settled = this.settle().items;
        const result = this.put({
          kind: 'result',
          id: id('result'),
          runId: this.runId,
          state,
          summary: str(outcome?.summary) || undefined,
          error: str(event.error) || undefined,
          steps: num(event.steps),
          tokens: num(tokens?.input) + num(tokens?.output),
          cost: num(event.cost),
        });
        return { items: [...settled, ...result.items] };
      }
      default:
        return { items: [] };
    }
  }

  private notice(level: 'info' | 'warning' | 'error', text: string): TranscriptChange {
    return this.put({ kind: 'notice', id: `${this.runId}:n${++this.count}`, level, text });
  }

  private put(item: ChatItem): TranscriptChange {
    this.byId.set(item.id, item);
    return { items: [item] };
  }
}

/** A run from the store, as its transcript was when it ended. */
export function storedTranscript(run: Run, events: StoredEvent[]): ChatItem[] {
  const transcript = new Transcript(run.id, run.prompt);
  for (const e of events) {
    const data = typeof e.data === 'object' && e.data !== null && !Array.isArray(e.data) ? e.data : {};
    transcript.apply({ ...data, type: e.type, at: new Date(e.at).toISOString(), runId: run.id });
  }
  // A run that never recorded its end (VS Code closed during it) waits for nobody.
  if (!finalStates.includes(run.state) || transcript.waitingApproval || transcript.waitingQuestion) transcript.settle();
  return transcript.items();
}
