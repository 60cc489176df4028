import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { LitElement, css, html } from 'lit';
import { keyed } from 'lit/directives/keyed.js';
import type { ConversationSummary } from '../../engine/protocol/chatView';
import { requestPost } from './events';
import { sharedStyles } from './sharedStyles';

/**
 * Which conversation the view shows, and New, Rename (inline: Enter saves, Escape cancels) and
 * Delete (the host asks to confirm). Everything is a message to the host, which answers with
 * `conversations` and `conversation`.
 */
export class ConversationBar extends LitElement {
  static override properties = {
    conversations: { attribute: false },
    activeId: { attribute: false },
    renaming: { state: true },
  };
  declare conversations: readonly ConversationSummary[];
  declare activeId: string | null;
  declare renaming: boolean;

  constructor() {
    super();
    this.conversations = [];
    this.activeId = null;
    this.renaming = false;
  }

  private get active(): ConversationSummary | undefined {
    return this.conversations.find((c) => c.id === this.activeId);
  }

  private async startRename() {
    if (!this.active) return;
    this.renaming = true;
    await this.updateComplete;
    const field = this.renderRoot.querySelector<VscodeTextfield>('.rename-field');
    field?.focus();
    field?.updateComplete.then(() => field.shadowRoot?.querySelector('input')?.select());
  }

  private async endRename(save: boolean) {
    const field = this.renderRoot.querySelector<VscodeTextfield>('.rename-field');
    const title = field?.value.trim() ?? '';
    const active = this.active;
    if (save && active && title && title !== active.title) {
      requestPost(this, { method: 'renameConversation', params: { id: active.id, title: title.slice(0, 200) } });
    }
    this.renaming = false;
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('.rename')?.focus();
  }

  private onRenameKey(e: KeyboardEvent) {
    if (e.isComposing) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      void this.endRename(true);
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      void this.endRename(false);
    }
  }

  private select(e: Event) {
    const id = (e.target as HTMLElement & { value: string }).value;
    if (id && id !== this.activeId) requestPost(this, { method: 'selectConversation', params: { id } });
  }

  override render() {
    return html`
      <div class="bar" role="group" aria-labelledby="conversations-title">
        <h2 id="conversations-title" class="visually-hidden">Conversations</h2>
        ${this.renaming ? this.renderRename() : this.renderPicker()}
      </div>
    `;
  }

  private renderPicker() {
    const active = this.active;
    // The select reads its options' labels when they are slotted, not when their text changes:
    // a new element whenever the list changes keeps a renamed title from showing stale.
    const signature = this.conversations.map((c) => `${c.id}\u0000${c.title}`).join('\u0001');
    return html`
      ${this.conversations.length
        ? keyed(
            signature,
            html`<vscode-single-select class="picker" label="Conversation" .value=${this.activeId ?? ''} @change=${this.select}>
              ${this.conversations.map((c) => html`<vscode-option value=${c.id} ?selected=${c.id === this.activeId}>${c.title}</vscode-option>`)}
            </vscode-single-select>`,
          )
        : html`<span class="none">No conversations yet</span>`}
      <vscode-button class="new" secondary icon="add" aria-label="New conversation" title="New conversation" @click=${() => requestPost(this, { method: 'newConversation', params: {} })}>
        New
      </vscode-button>
      <vscode-button
        class="rename"
        secondary
        icon="edit"
        icon-only
        aria-label="Rename conversation"
        title="Rename conversation"
        ?disabled=${!active}
        @click=${() => void this.startRename()}
      ></vscode-button>
      <vscode-button
        class="delete"
        secondary
        icon="trash"
        icon-only
        aria-label="Delete conversation"
        title="Delete conversation"
        ?disabled=${!active}
        @click=${() => active && requestPost(this, { method: 'deleteConversation', params: { id: active.id } })}
      ></vscode-button>
    `;
  }

  private renderRename() {
    return html`
      <vscode-textfield class="rename-field" .label=${'Conversation title'} .value=${this.active?.title ?? ''} maxlength="200" @keydown=${this.onRenameKey}></vscode-textfield>
      <vscode-button class="save" @click=${() => void this.endRename(true)}>Save</vscode-button>
      <vscode-button class="cancel" secondary @click=${() => void this.endRename(false)}>Cancel</vscode-button>
    `;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: 4px;
      }
      .picker,
      .rename-field {
        flex: 1;
        min-width: 0;
      }
      .none {
        flex: 1;
        color: var(--vscode-descriptionForeground);
      }
    `,
  ];
}

customElements.define('plumbline-conversation-bar', ConversationBar);
