import { LitElement, css, html } from 'lit';
import type { QuarantineRow } from '../../engine/protocol/missionControl';
import { formatClock } from './format';

/**
 * Agents the guard has quarantined (SPEC §2): who, why, since when, and Release. Fires
 * `release` ({agentId}); the host lifts the quarantine and sends the list again.
 */
export class Quarantines extends LitElement {
  static override properties = { items: { attribute: false } };
  declare items: QuarantineRow[];

  constructor() {
    super();
    this.items = [];
  }

  override render() {
    if (!this.items.length) return html`<p class="empty" data-quarantines-empty>No agent is quarantined.</p>`;
    return html`<ul>
      ${this.items.map(
        (q) => html`<li data-agent-id=${q.agentId}>
          <vscode-icon name="circle-slash" aria-hidden="true"></vscode-icon>
          <div class="text">
            <strong class="agent">${q.agent}</strong>
            <span class="reason">${q.reason}</span>
            <span class="when">since ${formatClock(q.at)}</span>
          </div>
          <vscode-button
            secondary
            aria-label=${`Release ${q.agent}`}
            @click=${() => this.dispatchEvent(new CustomEvent('release', { detail: { agentId: q.agentId }, bubbles: true, composed: true }))}
          >Release</vscode-button>
        </li>`,
      )}
    </ul>`;
  }

  static override styles = css`
    :host {
      display: block;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    li {
      display: flex;
      gap: 8px;
      align-items: center;
      padding: 6px 8px;
      border-left: 3px solid var(--vscode-editorError-foreground, var(--vscode-charts-red));
      border-top: 1px solid var(--vscode-contrastBorder, transparent);
      border-right: 1px solid var(--vscode-contrastBorder, transparent);
      border-bottom: 1px solid var(--vscode-contrastBorder, transparent);
      background: var(--vscode-inputValidation-errorBackground, var(--vscode-editorWidget-background));
    }
    vscode-icon {
      color: var(--vscode-errorForeground);
    }
    .text {
      flex: 1;
      display: flex;
      flex-wrap: wrap;
      gap: 2px 12px;
      align-items: baseline;
      min-width: 0;
    }
    .reason {
      overflow-wrap: anywhere;
    }
    .when,
    .empty {
      color: var(--vscode-descriptionForeground);
    }
  `;
}

customElements.define('plumbline-quarantines', Quarantines);
