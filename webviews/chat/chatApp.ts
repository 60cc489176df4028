import { LitElement, css, html } from 'lit';
import { chatProtocol, type ChatState, type fromWebview } from '../../engine/protocol/chatView';
import { connectToHost, type HostConnection } from '../shared/host';

/** The root element of the Chat view. */
export class ChatApp extends LitElement {
  static override properties = { state: { state: true } };
  declare state: ChatState | undefined;

  private host: HostConnection<typeof fromWebview.types> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.host = connectToHost(
      chatProtocol,
      { state: (params) => void (this.state = params) },
      (message) => ({ method: 'reportProblem', params: { message } }),
    );
    this.host.post({ method: 'ready', params: {} });
  }

  override disconnectedCallback(): void {
    this.host?.dispose();
    super.disconnectedCallback();
  }

  override render() {
    return html`
      <section class="empty" aria-labelledby="chat-title">
        <vscode-icon name="comment-discussion" size="32" aria-hidden="true"></vscode-icon>
        <h2 id="chat-title">Chat with an agent about your plans</h2>
        <p>
          Conversations with Plumbline's agent will appear here, started from a prompt or from a task in your plans:
          streaming answers, tool calls as they happen, approvals inline and a Stop button.
        </p>
        <p class="meta" data-testid="meta">
          ${this.state
            ? html`Plumbline ${this.state.version}${this.state.workspaceName ? html` · ${this.state.workspaceName}` : ''}`
            : html`Connecting…`}
        </p>
        <vscode-button secondary @click=${() => this.host?.post({ method: 'showOutput', params: {} })}>
          Show Output
        </vscode-button>
      </section>
    `;
  }

  static override styles = css`
    :host {
      display: block;
      padding: 12px;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
    }
    .empty {
      display: flex;
      flex-direction: column;
      align-items: center;
      text-align: center;
      gap: 8px;
    }
    h2 {
      font-size: 1.1em;
      font-weight: 600;
      margin: 0;
    }
    p {
      margin: 0;
      line-height: 1.4;
    }
    .meta {
      color: var(--vscode-descriptionForeground);
    }
  `;
}

customElements.define('plumbline-chat', ChatApp);
