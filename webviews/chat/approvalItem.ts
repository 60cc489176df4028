import { LitElement, css, html, type PropertyValues } from 'lit';
import type { ChatItem } from '../../engine/protocol/chatView';
import { requestPost } from './events';
import { cardStyles, sharedStyles } from './sharedStyles';

type ApprovalItem = Extract<ChatItem, { kind: 'approval' }>;

/**
 * The agent waits for the person: run this command, or write this protected path? Approve and
 * Deny post `decide`; once the host says how it was decided, the buttons give way to the outcome.
 */
export class ApprovalRequest extends LitElement {
  static override properties = { item: { attribute: false }, sent: { state: true } };
  declare item: ApprovalItem;
  /** What this view already posted, so a second press does not decide twice while the host answers. */
  declare sent: boolean | undefined;

  override willUpdate(changed: PropertyValues<this>): void {
    // A fresh copy of the item from the host is the truth again (e.g. still pending after a failed decide).
    if (changed.has('item')) this.sent = undefined;
  }

  /** Puts focus on Approve (the root does so when a new request arrives and nobody is typing). */
  async focusApprove(): Promise<void> {
    await this.updateComplete;
    const approve = this.renderRoot.querySelector<LitElement>('.approve');
    // A vscode-button gets its tabindex (and so can take focus) in its first render.
    await approve?.updateComplete;
    approve?.focus();
  }

  private decide(approved: boolean) {
    if (this.sent !== undefined) return;
    this.sent = approved;
    requestPost(this, { method: 'decide', params: { id: this.item.id, approved } });
  }

  override render() {
    const a = this.item;
    const title = a.request === 'command' ? 'The agent wants to run a command' : 'The agent wants to change a protected file';
    return html`
      <div class="card ${a.status}" role="group" aria-labelledby="title">
        <div class="title" id="title">
          <vscode-icon name=${a.request === 'command' ? 'terminal' : 'shield'} aria-hidden="true"></vscode-icon>
          ${title}
        </div>
        <div class="subject" id="subject">${a.request === 'command' ? html`<code>${a.subject}</code>` : html`<code class="path">${a.subject}</code>`}</div>
        ${a.reason ? html`<p class="reason">${a.reason}</p>` : null}
        ${a.status === 'pending'
          ? html`<div class="actions">
              <vscode-button class="approve" aria-describedby="subject" ?disabled=${this.sent !== undefined} @click=${() => this.decide(true)}>
                Approve
              </vscode-button>
              <vscode-button class="deny" secondary aria-describedby="subject" ?disabled=${this.sent !== undefined} @click=${() => this.decide(false)}>
                Deny
              </vscode-button>
            </div>`
          : html`<p class="outcome ${a.status}">
              <vscode-icon name=${a.status === 'approved' ? 'check' : 'close'} aria-hidden="true"></vscode-icon>
              ${a.status === 'approved' ? 'Approved' : 'Denied'}
            </p>`}
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
      .card.pending {
        border-color: var(--vscode-contrastBorder, var(--vscode-inputValidation-warningBorder, var(--vscode-focusBorder)));
      }
      .title {
        display: flex;
        gap: 6px;
        align-items: center;
        font-weight: 600;
      }
      .subject {
        margin: 6px 0;
      }
      .subject code {
        display: block;
        padding: 4px 6px;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        background: var(--vscode-textCodeBlock-background);
        border-radius: 3px;
      }
      .reason {
        margin: 0 0 6px;
        color: var(--vscode-descriptionForeground);
      }
      .actions {
        display: flex;
        gap: 6px;
      }
      .outcome {
        display: flex;
        gap: 4px;
        align-items: center;
        margin: 0;
      }
      .outcome.approved {
        color: var(--vscode-testing-iconPassed, var(--vscode-foreground));
      }
      .outcome.denied {
        color: var(--vscode-errorForeground);
      }
    `,
  ];
}

customElements.define('plumbline-approval', ApprovalRequest);
