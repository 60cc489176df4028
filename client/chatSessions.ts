import * as vscode from 'vscode';
import type { ChatMessage } from '../engine/agent/model';
import type { RunEvent } from '../engine/agent/run';
import { storedTranscript, Transcript } from '../engine/agent/transcript';
import type { ConversationParams, ConversationSummary, ToWebview, Usage } from '../engine/protocol/chatView';
import type { Run, Store } from '../engine/store';
import type { ApprovalRequest } from '../engine/agent/tools';

/** What a run gets from the chat: where its events go, and the person's approvals and answers. */
export interface ChatHooks {
  emit(event: RunEvent): void;
  approve(request: ApprovalRequest): Promise<boolean>;
  ask(question: string): Promise<string>;
}

interface LiveRun {
  conversationId: string;
  transcript: Transcript;
  usage: Usage;
  /** The final text of the model, kept as the conversation's history for its next run. */
  reply: string;
}

const NEW_TITLE = 'New conversation';

/** A conversation's name from a prompt or task: its first line, short enough for a picker. */
export function titleOf(text: string): string {
  const line = text.trim().split('\n')[0].trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line || NEW_TITLE;
}

/** How much of a conversation the next run is told: enough for follow-ups, not a whole day's talk. */
const HISTORY_MESSAGES = 20;

/**
 * The chat's conversations (SPEC §5): kept in the store, each a sequence of runs whose events
 * make its transcript. Live runs report here; approvals and questions wait here for the
 * person's answer from the view. Whatever the view must learn is fired as a protocol message.
 */
export class ChatSessions implements vscode.Disposable {
  private readonly posts = new vscode.EventEmitter<ToWebview>();
  /** Messages for the chat view, already in the protocol's shape. */
  readonly onPost = this.posts.event;
  private readonly waiting = new vscode.EventEmitter<{ conversationId: string; what: 'approval' | 'question' }>();
  /** A run waits for the person: the view makes sure they can see it. */
  readonly onWaiting = this.waiting.event;
  private store: Store | undefined;
  private readonly live = new Map<string, LiveRun>();
  private readonly decisions = new Map<string, { runId: string; resolve(approved: boolean): void }>();
  private readonly answers = new Map<string, { runId: string; resolve(text: string): void }>();
  activeId: string | null = null;

  useStore(store: Store): void {
    this.store = store;
    this.activeId = store.listConversations(1)[0]?.id ?? null;
    this.postList();
  }

  list(): ConversationSummary[] {
    return (this.store?.listConversations() ?? []).map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt }));
  }

  /** `quiet`: a conversation of an agent outside VS Code, which must not take the view from the person. */
  create(title = NEW_TITLE, options: { quiet?: boolean } = {}): string {
    const store = this.requireStore();
    const { id } = store.createConversation(title.slice(0, 200));
    if (options.quiet) this.postList();
    else this.select(id);
    return id;
  }

  select(id: string): void {
    if (!this.store?.getConversation(id)) throw new Error(`no conversation ${id}`);
    this.activeId = id;
    this.postList();
    const snapshot = this.snapshot(id);
    if (snapshot) this.posts.fire({ method: 'conversation', params: snapshot });
  }

  rename(id: string, title: string): void {
    if (!this.requireStore().renameConversation(id, title)) throw new Error(`no conversation ${id}`);
    this.postList();
    if (id === this.activeId) this.select(id);
  }

  /** Refused while one of its runs is going: stop it first. */
  delete(id: string): void {
    if (this.runningIn(id)) throw new Error('a run of this conversation is still going; stop it first');
    this.requireStore().deleteConversation(id);
    this.activeId = this.store?.listConversations(1)[0]?.id ?? null;
    this.postList();
    if (this.activeId) this.select(this.activeId);
  }

  /** The run going in a conversation, if any. */
  runningIn(conversationId: string): string | undefined {
    for (const [runId, run] of this.live) if (run.conversationId === conversationId) return runId;
    return undefined;
  }

  /** Earlier prompts and replies of the conversation, for the model. */
  history(conversationId: string): ChatMessage[] {
    const messages = this.store?.messagesOf(conversationId) ?? [];
    return messages.slice(-HISTORY_MESSAGES).flatMap((m): ChatMessage[] => {
      const text = typeof m.content === 'object' && m.content !== null && 'text' in m.content && typeof m.content.text === 'string' ? m.content.text : '';
      if (!text) return [];
      return m.role === 'user' ? [{ role: 'user', content: text }] : m.role === 'assistant' ? [{ role: 'assistant', content: text }] : [];
    });
  }

  /** The whole conversation as the view shows it: stored runs replayed, live ones as they stand. */
  snapshot(id: string): ConversationParams | undefined {
    const store = this.store;
    const conversation = store?.getConversation(id);
    if (!store || !conversation) return undefined;
    const runs = store.runsOf(id);
    const items = runs.flatMap((run) => this.live.get(run.id)?.transcript.items() ?? storedTranscript(run, store.eventsOf(run.id)));
    return { id, title: conversation.title, items, running: this.runningIn(id) !== undefined, usage: this.usageOf(runs) };
  }

  /** Tokens and cost of a conversation's runs, the live ones as they stand. */
  private usageOf(runs: Run[]): Usage {
    const usage: Usage = { input: 0, output: 0, cost: 0 };
    for (const run of runs) {
      const counted = this.live.get(run.id)?.usage ?? { input: run.inputTokens, output: run.outputTokens, cost: run.cost };
      usage.input += counted.input;
      usage.output += counted.output;
      usage.cost += counted.cost;
    }
    return usage;
  }

  /** A run of a conversation starts: its events, approvals and questions come through here. */
  begin(runId: string, conversationId: string, prompt: string, options: { quiet?: boolean } = {}): ChatHooks {
    const run: LiveRun = { conversationId, transcript: new Transcript(runId, prompt), usage: { input: 0, output: 0, cost: 0 }, reply: '' };
    this.live.set(runId, run);
    this.store?.addMessage(conversationId, 'user', { text: prompt });
    // A conversation started with "New" is named after its first prompt, as people expect from chat apps.
    if (this.store?.getConversation(conversationId)?.title === NEW_TITLE) {
      this.store.renameConversation(conversationId, titleOf(prompt));
      this.postList();
    }
    if (this.activeId !== conversationId && !options.quiet) this.select(conversationId);
    this.fire(run, { items: run.transcript.items() });
    this.postStatus(run);
    return {
      emit: (event) => this.follow(runId, run, event),
      approve: () =>
        new Promise<boolean>((resolve) => {
          const item = run.transcript.waitingApproval;
          if (!item) return resolve(false);
          this.decisions.set(item.id, { runId, resolve });
          this.waiting.fire({ conversationId, what: 'approval' });
        }),
      ask: () =>
        new Promise<string>((resolve) => {
          const item = run.transcript.waitingQuestion;
          if (!item) return resolve('(the question could not be shown)');
          // A question is answered where it is asked: its conversation comes to the front.
          if (this.activeId !== conversationId) this.select(conversationId);
          this.answers.set(item.id, { runId, resolve });
          this.waiting.fire({ conversationId, what: 'question' });
        }),
    };
  }

  /** The person's decision on an approval item. False when nothing waits for it (any more). */
  decide(itemId: string, approved: boolean): boolean {
    const waiting = this.decisions.get(itemId);
    this.decisions.delete(itemId);
    waiting?.resolve(approved);
    return Boolean(waiting);
  }

  answer(itemId: string, text: string): boolean {
    const waiting = this.answers.get(itemId);
    this.answers.delete(itemId);
    waiting?.resolve(text);
    return Boolean(waiting);
  }

  dispose(): void {
    this.posts.dispose();
    this.waiting.dispose();
  }

  private follow(runId: string, run: LiveRun, event: RunEvent): void {
    this.fire(run, run.transcript.apply(event));
    if (event.type === 'usage' && typeof event.cost === 'number') {
      const total = event.total as { input: number; output: number } | undefined;
      run.usage = { input: total?.input ?? run.usage.input, output: total?.output ?? run.usage.output, cost: event.cost };
      this.postStatus(run);
    } else if (event.type === 'model-response' && typeof event.text === 'string' && event.text) {
      run.reply = event.text;
    } else if (event.type === 'result') {
      this.end(runId, run, event);
    }
  }

  private end(runId: string, run: LiveRun, event: RunEvent): void {
    // Whatever still waits on this run will never be needed: the run is over.
    for (const [id, waiting] of this.decisions) if (waiting.runId === runId) this.decide(id, false);
    for (const [id, waiting] of this.answers) if (waiting.runId === runId) this.answer(id, '');
    const summary = (event.outcome as { summary?: string } | undefined)?.summary;
    const reply = [run.reply, summary].filter(Boolean).join('\n\n') || `(the run ended: ${String(event.state)})`;
    if (this.store?.getConversation(run.conversationId)) this.store.addMessage(run.conversationId, 'assistant', { text: reply });
    this.live.delete(runId);
    this.postStatus(run);
    this.postList();
  }

  private fire(run: LiveRun, change: { items: ConversationParams['items']; delta?: { itemId: string; text: string } }): void {
    if (run.conversationId !== this.activeId) return;
    for (const item of change.items) this.posts.fire({ method: 'item', params: { conversationId: run.conversationId, item } });
    if (change.delta) this.posts.fire({ method: 'textDelta', params: { conversationId: run.conversationId, ...change.delta } });
  }

  private postStatus(run: LiveRun): void {
    if (run.conversationId !== this.activeId || !this.store) return;
    const usage = this.usageOf(this.store.runsOf(run.conversationId));
    this.posts.fire({ method: 'runStatus', params: { conversationId: run.conversationId, running: this.runningIn(run.conversationId) !== undefined, usage } });
  }

  private postList(): void {
    this.posts.fire({ method: 'conversations', params: { items: this.list(), activeId: this.activeId } });
  }

  private requireStore(): Store {
    if (!this.store) throw new Error('conversations need a workspace folder');
    return this.store;
  }
}
