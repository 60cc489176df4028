import type { VscodeTextarea } from '@vscode-elements/elements/dist/vscode-textarea/vscode-textarea.js';
import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type { Usage } from '../../engine/protocol/chatView';
import { fire, requestPost } from './events';
import { formatUsage } from './format';
import { sharedStyles } from './sharedStyles';

/**
 * The message box: Enter sends, Shift+Enter starts a new line, blank text is never sent. While
 * the conversation's run goes, Stop takes Send's place and Enter does not send. Fires
 * `draft-change` as the person types so the root can keep the draft across hide/show.
 */
export class Composer extends LitElement {
  static override properties = { running: { type: Boolean }, usage: { attribute: false }, draft: { attribute: false } };
  declare running: boolean;
  declare usage: Usage | undefined;
  /** The text to start with (a restored draft); the field owns the text after that. */
  declare draft: string;

  constructor() {
    super();
    this.running = false;
    this.draft = '';
  }

  /** Whether Send or Stop had focus when they are about to swap places, so focus moves along. */
  private actionHadFocus = false;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('running')) this.actionHadFocus = this.shadowRoot?.activeElement?.classList.contains('action') ?? false;
  }

  override updated(): void {
    if (!this.actionHadFocus) return;
    this.actionHadFocus = false;
    // A new vscode-button is focusable only after its first render (that sets its tabindex).
    const action = this.renderRoot.querySelector<LitElement>('.action');
    void action?.updateComplete.then(() => action.focus());
  }

  private get field(): VscodeTextarea | null {
    return this.renderRoot.querySelector<VscodeTextarea>('vscode-textarea');
  }

  private send() {
    const field = this.field;
    const text = field?.value.trim() ?? '';
    if (!field || !text || this.running) return;
    requestPost(this, { method: 'send', params: { text: text.slice(0, 100_000) } });
    field.value = '';
    this.draft = '';
    fire(this, 'draft-change', { text: '' });
  }

  private onKeyDown(e: KeyboardEvent) {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    this.send();
  }

  private onInput() {
    fire(this, 'draft-change', { text: this.field?.value ?? '' });
  }

  override render() {
    return html`
      <div class="composer">
        <vscode-textarea
          class="message"
          rows="3"
          resize="none"
          placeholder="Ask the agent… (Enter to send, Shift+Enter for a new line)"
          .label=${'Message the agent'}
          .value=${this.draft}
          @keydown=${this.onKeyDown}
          @input=${this.onInput}
        ></vscode-textarea>
        <div class="row">
          <span class="usage" data-testid="usage">
            ${this.usage ? html`<span class="visually-hidden">This conversation used</span> ${formatUsage(this.usage)}` : nothing}
          </span>
          ${this.running
            ? html`<vscode-button class="action stop" icon="debug-stop" aria-label="Stop the run" @click=${() => requestPost(this, { method: 'stop', params: {} })}>
                Stop
              </vscode-button>`
            : html`<vscode-button class="action send" icon="send" @click=${() => this.send()}>Send</vscode-button>`}
        </div>
      </div>
    `;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
      }
      .composer {
        display: flex;
        flex-direction: column;
        gap: 6px;
      }
      .message {
        width: 100%;
      }
      .row {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: 8px;
      }
      .usage {
        color: var(--vscode-descriptionForeground);
        font-size: 0.9em;
        font-variant-numeric: tabular-nums;
      }
    `,
  ];
}

customElements.define('plumbline-composer', Composer);
