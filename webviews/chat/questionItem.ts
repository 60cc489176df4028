import { LitElement, css, html, type PropertyValues } from 'lit';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { ChatItem } from '../../engine/protocol/chatView';
import { requestPost } from './events';
import { cardStyles, sharedStyles } from './sharedStyles';

type QuestionItem = Extract<ChatItem, { kind: 'question' }>;


/** The agent asks the person something; the answer field and button post `answer` (Enter too). */
export class AgentQuestion extends LitElement {
  static override properties = { item: { attribute: false }, sent: { state: true } };
  declare item: QuestionItem;
  /** The answer this view posted, shown until the host sends the answered item. */
  declare sent: string | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('item') && this.item.answer !== undefined) this.sent = undefined;
  }

  private submit() {
    const field = this.renderRoot.querySelector<VscodeTextfield>('vscode-textfield');
    const text = field?.value.trim() ?? '';
    if (!text || this.sent !== undefined) return;
    this.sent = text;
    requestPost(this, { method: 'answer', params: { id: this.item.id, text } });
  }

  override render() {
    const q = this.item;
    const answer = q.answer ?? this.sent;
    return html`
      <div class="card" role="group" aria-labelledby="question">
        <div class="title">
          <vscode-icon name="question" aria-hidden="true"></vscode-icon>
          <span id="question">${q.question}</span>
        </div>
        ${answer !== undefined
          ? html`<p class="answer"><span class="label">Your answer:</span> ${answer}</p>`
          : html`<div class="form">
              <vscode-textfield
                class="field"
                placeholder="Your answer"
                .label=${`Answer to: ${q.question}`}
                @keydown=${(e: KeyboardEvent) => {
                  if (e.key === 'Enter' && !e.isComposing) {
                    e.preventDefault();
                    this.submit();
                  }
                }}
              ></vscode-textfield>
              <vscode-button class="submit" @click=${() => this.submit()}>Answer</vscode-button>
            </div>`}
      </div>
    `;
  }

  static override styles = [
    sharedStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      .title {
        display: flex;
        gap: 6px;
        align-items: flex-start;
        font-weight: 600;
      }
      #question {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      .form {
        display: flex;
        gap: 6px;
        margin-top: 6px;
      }
      .field {
        flex: 1;
        min-width: 0;
      }
      .answer {
        margin: 6px 0 0;
        white-space: pre-wrap;
      }
      .label {
        color: var(--vscode-descriptionForeground);
      }
    `,
  ];
}

customElements.define('plumbline-question', AgentQuestion);
