import { LitElement, css, html } from 'lit';
import { chatProtocol, type ChatState, type fromWebview, type ModelChoice, type ModelStatusParams } from '../../engine/protocol/chatView';
import { connectToHost, type HostConnection } from '../shared/host';

/** The root element of the Chat view. */
export class ChatApp extends LitElement {
  static override properties = { state: { state: true }, model: { state: true } };
  declare state: ChatState | undefined;
  declare model: ModelStatusParams | undefined;

  private host: HostConnection<typeof fromWebview.types> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    this.host = connectToHost(
      chatProtocol,
      {
        state: (params) => void (this.state = params),
        modelStatus: (params) => void (this.model = params),
      },
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
      ${this.renderModel()}
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

  /** Nothing until the host says; then either the model in use or the ways to configure one. */
  private renderModel() {
    if (!this.model) return null;
    const configure = (choice?: ModelChoice) => this.host?.post({ method: 'configureModel', params: choice ? { choice } : {} });
    if (this.model.configured) {
      return html`<p class="model" data-testid="model">
        Agents use ${this.model.description ?? 'the configured model'}
        <vscode-button secondary @click=${() => configure()}>Change Model</vscode-button>
      </p>`;
    }
    return html`
      <section class="notice" role="status" aria-labelledby="no-model" data-testid="no-model">
        <h2 id="no-model">No model configured</h2>
        <p>Agents need a model. Choose where it runs:</p>
        <div class="choices">
          <vscode-button data-choice="ollama" @click=${() => configure('ollama')} title="http://localhost:11434/v1">Local Ollama</vscode-button>
          <vscode-button secondary data-choice="openai" @click=${() => configure('openai')}>OpenAI-compatible…</vscode-button>
          <vscode-button secondary data-choice="anthropic" @click=${() => configure('anthropic')}>Anthropic</vscode-button>
          ${this.model.languageModels
            ? html`<vscode-button secondary data-choice="vscode-lm" @click=${() => configure('vscode-lm')}>VS Code Language Models</vscode-button>`
            : null}
        </div>
        <p class="meta">Local Ollama: http://localhost:11434/v1, no key needed. Keys are kept in VS Code's secret storage.</p>
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
    .notice {
      display: flex;
      flex-direction: column;
      gap: 8px;
      padding: 8px 12px 12px;
      margin-bottom: 16px;
      border: 1px solid var(--vscode-inputValidation-warningBorder, var(--vscode-panel-border));
      background: var(--vscode-inputValidation-warningBackground, transparent);
      border-radius: 4px;
    }
    .choices {
      display: flex;
      flex-wrap: wrap;
      gap: 6px;
    }
    .model {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 8px;
      margin-bottom: 16px;
      color: var(--vscode-descriptionForeground);
    }
  `;
}

customElements.define('plumbline-chat', ChatApp);
