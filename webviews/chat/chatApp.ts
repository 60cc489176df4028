import { LitElement, css, html } from 'lit';
import {
  chatProtocol,
  type ChatItem,
  type ChatState,
  type ConversationParams,
  type ConversationSummary,
  type fromWebview,
  type ModelStatusParams,
  type Usage,
} from '../../engine/protocol/chatView';
import { connectToHost, type HostConnection } from '../shared/host';
import type { Composer } from './composer';
import { hasFocusWithin, postEvent, type PostEvent } from './events';
import { sharedStyles } from './sharedStyles';
import type { Transcript } from './transcript';
import { applyDeltas, upsertItem } from './transcriptModel';
import { maxExpanded, parseSavedState, type SavedState } from './viewState';
import './composer';
import './conversationBar';
import './modelStatus';
import './transcript';

/**
 * The root of the Chat view: holds the one host connection and the shown conversation, turns
 * host messages into properties of the parts below and their `plumbline-post` events into
 * messages, and saves what should survive hide/show.
 */
export class ChatApp extends LitElement {
  static override properties = {
    state: { state: true },
    model: { state: true },
    conversations: { state: true },
    listActiveId: { state: true },
    shownId: { state: true },
    items: { state: true },
    running: { state: true },
    usage: { state: true },
    expanded: { state: true },
    announcement: { state: true },
  };
  declare state: ChatState | undefined;
  declare model: ModelStatusParams | undefined;
  declare conversations: ConversationSummary[];
  declare listActiveId: string | null;
  /** The conversation on screen: the last snapshot's, or before one arrives the saved one. */
  declare shownId: string | null;
  declare items: ChatItem[];
  declare running: boolean;
  declare usage: Usage | undefined;
  declare expanded: ReadonlySet<string>;
  declare announcement: string;

  private host: HostConnection<typeof fromWebview.types> | undefined;
  private saved: SavedState;
  /** The draft restored at load: the composer owns the text after that. */
  private restoredDraft = '';
  /** Streamed text not yet on screen, by item id: applied at most once per animation frame. */
  private pendingDeltas = new Map<string, string>();
  private deltaFrame = 0;

  constructor() {
    super();
    this.conversations = [];
    this.listActiveId = null;
    this.shownId = null;
    this.items = [];
    this.running = false;
    this.expanded = new Set();
    this.announcement = '';
    this.saved = parseSavedState(undefined);
    this.addEventListener(postEvent, (e) => this.host?.post((e as PostEvent).detail));
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.host = connectToHost(
      chatProtocol,
      {
        state: (params) => void (this.state = params),
        modelStatus: (params) => void (this.model = params),
        conversations: ({ items, activeId }) => this.onConversations(items, activeId),
        conversation: (params) => this.onConversation(params),
        item: ({ conversationId, item }) => this.onItem(conversationId, item),
        textDelta: ({ conversationId, itemId, text }) => this.onTextDelta(conversationId, itemId, text),
        runStatus: ({ conversationId, running, usage }) => {
          if (conversationId !== this.shownId) return;
          this.running = running;
          this.usage = usage;
        },
      },
      (message) => ({ method: 'reportProblem', params: { message } }),
    );
    // Restored before the host answers, so the draft and the open cards are there at once.
    this.saved = parseSavedState(this.host.getState());
    this.shownId = this.saved.activeId;
    this.restoredDraft = this.saved.draft;
    this.expanded = new Set(this.saved.expanded);
    this.host.post({ method: 'ready', params: {} });
  }

  override disconnectedCallback(): void {
    cancelAnimationFrame(this.deltaFrame);
    this.host?.dispose();
    super.disconnectedCallback();
  }

  private get transcript(): Transcript | null {
    return this.renderRoot.querySelector<Transcript>('plumbline-transcript');
  }

  private onConversations(items: ConversationSummary[], activeId: string | null) {
    this.conversations = items;
    this.listActiveId = activeId;
    // The shown conversation was deleted and none replaces it: nothing left to show.
    if (activeId === null && this.shownId !== null && !items.some((c) => c.id === this.shownId)) {
      this.showConversation(null, [], false, undefined);
    }
  }

  private onConversation({ id, items, running, usage }: ConversationParams) {
    const restoring = this.saved.scroll?.conversationId === id ? this.saved.scroll.top : undefined;
    this.saved = { ...this.saved, scroll: null };
    this.showConversation(id, items, running, usage);
    void this.updateComplete.then(() => (restoring !== undefined ? this.transcript?.restoreScroll(restoring) : this.transcript?.scrollToEnd()));
  }

  private showConversation(id: string | null, items: ChatItem[], running: boolean, usage: Usage | undefined) {
    this.pendingDeltas.clear();
    this.shownId = id;
    this.items = items;
    this.running = running;
    this.usage = usage;
    this.save();
  }

  private onItem(conversationId: string, item: ChatItem) {
    if (conversationId !== this.shownId) return;
    this.flushDeltas();
    const before = this.items.find((i) => i.id === item.id);
    this.items = upsertItem(this.items, item);
    if (item.kind === 'approval' && item.status === 'pending' && !(before?.kind === 'approval' && before.status === 'pending')) {
      this.announce(`The agent asks for approval: ${item.request === 'command' ? 'run' : 'change'} ${item.subject}`);
      const composer = this.renderRoot.querySelector<Composer>('plumbline-composer');
      // Someone typing keeps the keyboard; everyone else lands on the decision (once it is rendered).
      if (!composer || !hasFocusWithin(composer)) void this.updateComplete.then(() => this.transcript?.focusApproval(item.id));
    } else if (item.kind === 'question' && item.answer === undefined && before === undefined) {
      this.announce(`The agent asks: ${item.question}`);
    }
  }

  private onTextDelta(conversationId: string, itemId: string, text: string) {
    if (conversationId !== this.shownId) return;
    this.pendingDeltas.set(itemId, (this.pendingDeltas.get(itemId) ?? '') + text);
    if (!this.deltaFrame) this.deltaFrame = requestAnimationFrame(() => this.flushDeltas());
  }

  /** Puts buffered text on screen; also called before any other change so the order holds. */
  private flushDeltas() {
    cancelAnimationFrame(this.deltaFrame);
    this.deltaFrame = 0;
    if (!this.pendingDeltas.size) return;
    const { items, problems } = applyDeltas(this.items, this.pendingDeltas);
    this.pendingDeltas.clear();
    this.items = items;
    for (const problem of problems) this.host?.post({ method: 'reportProblem', params: { message: problem } });
  }

  private announce(text: string) {
    // Cleared first so the same words are announced again.
    this.announcement = '';
    void this.updateComplete.then(() => (this.announcement = text));
  }

  private save(change: Partial<SavedState> = {}) {
    this.saved = { ...this.saved, ...change, activeId: this.shownId, expanded: [...this.expanded].slice(-maxExpanded) };
    this.host?.setState(this.saved);
  }

  private onToolToggle(e: CustomEvent<{ id: string; expanded: boolean }>) {
    const next = new Set(this.expanded);
    if (e.detail.expanded) next.add(e.detail.id);
    else next.delete(e.detail.id);
    this.expanded = next;
    this.save();
  }

  override render() {
    return html`
      <header>
        <plumbline-model-status .model=${this.model}></plumbline-model-status>
        <plumbline-conversation-bar .conversations=${this.conversations} .activeId=${this.shownId ?? this.listActiveId}></plumbline-conversation-bar>
      </header>
      <plumbline-transcript
        .items=${this.items}
        .expanded=${this.expanded}
        @tool-toggle=${this.onToolToggle}
        @transcript-scroll=${(e: CustomEvent<{ top: number }>) => this.shownId && this.save({ scroll: { conversationId: this.shownId, top: e.detail.top } })}
      ></plumbline-transcript>
      <footer>
        <plumbline-composer
          .running=${this.running}
          .usage=${this.shownId ? this.usage : undefined}
          .draft=${this.restoredDraft}
          @draft-change=${(e: CustomEvent<{ text: string }>) => this.save({ draft: e.detail.text })}
        ></plumbline-composer>
        <div class="status-line">
          <span class="meta" data-testid="meta">
            ${this.state ? `Plumbline ${this.state.version}${this.state.workspaceName ? ` · ${this.state.workspaceName}` : ''}` : 'Connecting…'}
          </span>
          <vscode-button secondary class="show-output" @click=${() => this.host?.post({ method: 'showOutput', params: {} })}>Show Output</vscode-button>
        </div>
      </footer>
      <div class="visually-hidden" aria-live="assertive" aria-atomic="true">${this.announcement}</div>
    `;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: flex;
        flex-direction: column;
        height: 100%;
        color: var(--vscode-foreground);
        font-family: var(--vscode-font-family);
        font-size: var(--vscode-font-size);
      }
      header {
        display: flex;
        flex-direction: column;
        gap: 8px;
        padding: 8px 12px;
        border-bottom: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, transparent));
      }
      plumbline-transcript {
        flex: 1 1 auto;
        min-height: 160px;
      }
      footer {
        padding: 8px 12px;
        border-top: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, transparent));
      }
      .status-line {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
        margin-top: 6px;
      }
      .meta {
        color: var(--vscode-descriptionForeground);
        font-size: 0.9em;
      }
    `,
  ];
}

customElements.define('plumbline-chat', ChatApp);
