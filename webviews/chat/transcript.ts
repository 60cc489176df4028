import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatItem } from '../../engine/protocol/chatView';
import type { ApprovalRequest } from './approvalItem';
import { fire } from './events';
import { renderNotice, renderResult, renderUser, simpleItemStyles } from './simpleItems';
import { sharedStyles } from './sharedStyles';
import './approvalItem';
import './assistantMessage';
import './questionItem';
import './toolCard';

/** How close to the end (px) still counts as "at the end", so the view keeps following the stream. */
const endSlack = 24;

/**
 * The conversation as a live log. Follows new content while the person is at the end and stays
 * put when they scrolled up; reports its scroll position (`transcript-scroll`) so the root can
 * save it, and puts it back with restoreScroll.
 */
export class Transcript extends LitElement {
  static override properties = { items: { attribute: false }, expanded: { attribute: false } };
  declare items: readonly ChatItem[];
  declare expanded: ReadonlySet<string>;

  private following = true;
  private scrollReport = 0;
  private resizeObserver: ResizeObserver | undefined;

  constructor() {
    super();
    this.items = [];
    this.expanded = new Set();
  }

  private get log(): HTMLElement | null {
    return this.renderRoot.querySelector('.log');
  }

  override firstUpdated(): void {
    // Content grows without this element updating (markdown renders inside its own element), so
    // following the end is driven by size changes, not by renders.
    this.resizeObserver = new ResizeObserver(() => {
      if (this.following) this.scrollToEnd();
    });
    const content = this.renderRoot.querySelector('.content');
    if (content) this.resizeObserver.observe(content);
  }

  override disconnectedCallback(): void {
    this.resizeObserver?.disconnect();
    cancelAnimationFrame(this.scrollReport);
    super.disconnectedCallback();
  }

  scrollToEnd(): void {
    const log = this.log;
    if (log) log.scrollTop = log.scrollHeight;
    this.following = true;
  }

  /** After the items (and the elements inside them) have rendered, scrolls back to `top`. */
  async restoreScroll(top: number): Promise<void> {
    this.following = false;
    await this.updateComplete;
    await Promise.all([...this.renderRoot.querySelectorAll<LitElement>('.item > *')].map((el) => el.updateComplete));
    const log = this.log;
    if (!log) return;
    log.scrollTop = top;
    this.following = log.scrollHeight - log.scrollTop - log.clientHeight <= endSlack;
  }

  /** Focuses the Approve button of the approval item `id`. */
  async focusApproval(id: string): Promise<void> {
    await this.updateComplete;
    const approval = this.renderRoot.querySelector<ApprovalRequest>(`.item[data-item-id="${CSS.escape(id)}"] plumbline-approval`);
    await approval?.focusApprove();
  }

  private onScroll() {
    const log = this.log;
    if (!log) return;
    this.following = log.scrollHeight - log.scrollTop - log.clientHeight <= endSlack;
    cancelAnimationFrame(this.scrollReport);
    this.scrollReport = requestAnimationFrame(() => fire(this, 'transcript-scroll', { top: log.scrollTop }));
  }

  override render() {
    return html`
      <section class="log" role="log" aria-live="polite" aria-labelledby="transcript-title" tabindex="0" @scroll=${this.onScroll}>
        <h2 id="transcript-title" class="visually-hidden">Conversation</h2>
        <div class="content">
          ${this.items.length === 0 ? this.renderEmpty() : nothing}
          ${repeat(
            this.items,
            (item) => item.id,
            (item) => html`<div class="item" data-kind=${item.kind} data-item-id=${item.id}>${this.renderItem(item)}</div>`,
          )}
        </div>
      </section>
    `;
  }

  private renderItem(item: ChatItem) {
    switch (item.kind) {
      case 'user':
        return renderUser(item);
      case 'assistant':
        return html`<plumbline-assistant-message .item=${item}></plumbline-assistant-message>`;
      case 'tool':
        return html`<plumbline-tool-card .item=${item} .expanded=${this.expanded.has(item.id)}></plumbline-tool-card>`;
      case 'approval':
        return html`<plumbline-approval .item=${item}></plumbline-approval>`;
      case 'question':
        return html`<plumbline-question .item=${item}></plumbline-question>`;
      case 'notice':
        return renderNotice(item);
      case 'result':
        return renderResult(item);
    }
  }

  private renderEmpty() {
    return html`<div class="empty">
      <vscode-icon name="comment-discussion" size="32" aria-hidden="true"></vscode-icon>
      <h2>Chat with an agent about your plans</h2>
      <p>
        Ask for a change or about a task in your plans. Answers stream in here, tool calls appear as they happen, and
        the agent asks before it runs a command. Stop ends a run at any time.
      </p>
    </div>`;
  }

  static override styles = [
    sharedStyles,
    simpleItemStyles,
    css`
      :host {
        display: block;
        min-height: 0;
      }
      .log {
        height: 100%;
        overflow-y: auto;
        box-sizing: border-box;
        padding: 8px 12px;
      }
      .log:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: -1px;
      }
      .content {
        display: flex;
        flex-direction: column;
        gap: 10px;
      }
      .empty {
        display: flex;
        flex-direction: column;
        align-items: center;
        text-align: center;
        gap: 8px;
        padding: 16px 0;
      }
      .empty h2 {
        font-size: 1.1em;
        font-weight: 600;
        margin: 0;
      }
      .empty p {
        margin: 0;
        line-height: 1.4;
        color: var(--vscode-descriptionForeground);
      }
    `,
  ];
}

customElements.define('plumbline-transcript', Transcript);
