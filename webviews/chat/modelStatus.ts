import { LitElement, css, html, nothing } from 'lit';
import type { ModelChoice, ModelStatusParams } from '../../engine/protocol/chatView';
import { requestPost } from './events';
import { sharedStyles } from './sharedStyles';

/**
 * What agents run on, with Change Model; or, with no model configured, the ways to set one up.
 * Nothing until the host says (so the notice never flashes before the settings are known).
 */
export class ModelStatus extends LitElement {
  static override properties = { model: { attribute: false } };
  declare model: ModelStatusParams | undefined;

  private configure(choice?: ModelChoice) {
    requestPost(this, { method: 'configureModel', params: choice ? { choice } : {} });
  }

  override render() {
    if (!this.model) return nothing;
    if (this.model.configured) {
      return html`<p class="model" data-testid="model">
        <span>Agents use ${this.model.description ?? 'the configured model'}</span>
        <vscode-button secondary @click=${() => this.configure()}>Change Model</vscode-button>
      </p>`;
    }
    return html`
      <section class="notice" role="status" aria-labelledby="no-model" data-testid="no-model">
        <h2 id="no-model">No model configured</h2>
        <p>Agents need a model. Choose where it runs:</p>
        <div class="choices">
          <vscode-button data-choice="ollama" @click=${() => this.configure('ollama')} title="http://localhost:11434/v1">Local Ollama</vscode-button>
          <vscode-button secondary data-choice="openai" @click=${() => this.configure('openai')}>OpenAI-compatible…</vscode-button>
          <vscode-button secondary data-choice="anthropic" @click=${() => this.configure('anthropic')}>Anthropic</vscode-button>
          ${this.model.languageModels
            ? html`<vscode-button secondary data-choice="vscode-lm" @click=${() => this.configure('vscode-lm')}>VS Code Language Models</vscode-button>`
            : nothing}
        </div>
        <p class="meta">Local Ollama: http://localhost:11434/v1, no key needed. Keys are kept in VS Code's secret storage.</p>
      </section>
    `;
  }

  static override styles = [
    sharedStyles,
    css`
      :host {
        display: block;
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
        border: 1px solid var(--vscode-contrastBorder, var(--vscode-inputValidation-warningBorder, var(--vscode-panel-border)));
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
        color: var(--vscode-descriptionForeground);
      }
    `,
  ];
}

customElements.define('plumbline-model-status', ModelStatus);
