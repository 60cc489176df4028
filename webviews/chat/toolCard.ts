import { LitElement, css, html, nothing } from 'lit';
import type { ChatItem } from '../../engine/protocol/chatView';
import { fire, requestPost } from './events';
import { formatDuration, plural } from './format';
import { cardStyles, sharedStyles } from './sharedStyles';

type ToolItem = Extract<ChatItem, { kind: 'tool' }>;

const statusView: Record<ToolItem['status'], { icon: string; text: string }> = {
  running: { icon: 'loading', text: 'running' },
  ok: { icon: 'pass', text: 'succeeded' },
  error: { icon: 'error', text: 'failed' },
};

/** Argument keys that say the most about a call in one line, most telling first. */
const summaryKeys = ['command', 'path', 'file', 'pattern', 'query', 'url', 'id'];

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** One line about the arguments: the command or path when there is one, else the compact JSON. */
export function argumentSummary(args: string): string {
  const parsed = parseJson(args);
  if (parsed.ok && parsed.value && typeof parsed.value === 'object' && !Array.isArray(parsed.value)) {
    const record = parsed.value as Record<string, unknown>;
    const key = summaryKeys.find((k) => typeof record[k] === 'string' && record[k] !== '');
    if (key) return String(record[key]);
  }
  const line = (parsed.ok ? JSON.stringify(parsed.value) : args).replace(/\s+/g, ' ').trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}

/** The arguments pretty-printed when they are JSON, as the model sent them when not. */
export function prettyArguments(args: string): string {
  const parsed = parseJson(args);
  return parsed.ok ? JSON.stringify(parsed.value, null, 2) : args;
}

/**
 * A tool call: a one-line header that expands (a real button with aria-expanded, so Enter and
 * Space work) to the arguments and the result. Fires `tool-toggle` so the root can remember which
 * cards are open; an edit's file and diff become openFile / openDiff requests.
 */
export class ToolCard extends LitElement {
  static override properties = { item: { attribute: false }, expanded: { type: Boolean } };
  declare item: ToolItem;
  declare expanded: boolean;

  constructor() {
    super();
    this.expanded = false;
  }

  private toggle() {
    this.expanded = !this.expanded;
    fire(this, 'tool-toggle', { id: this.item.id, expanded: this.expanded });
  }

  override render() {
    const t = this.item;
    const status = statusView[t.status];
    const summary = argumentSummary(t.arguments);
    return html`
      <div class="card" data-status=${t.status}>
        <button class="plain toggle" aria-expanded=${this.expanded ? 'true' : 'false'} aria-controls=${this.expanded ? 'details' : nothing} @click=${this.toggle}>
          <vscode-icon name=${this.expanded ? 'chevron-down' : 'chevron-right'} aria-hidden="true"></vscode-icon>
          <span class="name">${t.name}</span>
          <span class="summary" title=${summary}>${summary}</span>
          <span class="status ${t.status}">
            <vscode-icon name=${status.icon} ?spin=${t.status === 'running'} aria-hidden="true"></vscode-icon>
            <span class="visually-hidden">${status.text}</span>
          </span>
          ${t.durationMs !== undefined ? html`<span class="duration">${formatDuration(t.durationMs)}</span>` : nothing}
        </button>
        ${t.edit ? this.renderEdit(t.edit) : nothing}
        ${this.expanded
          ? html`<div id="details" class="details">
              <div class="label">Arguments</div>
              <pre class="arguments">${prettyArguments(t.arguments)}</pre>
              <div class="label">Result</div>
              ${t.result !== undefined
                ? html`<pre class="result">${t.result}</pre>`
                : html`<p class="pending">${t.status === 'running' ? 'Running…' : 'No result.'}</p>`}
            </div>`
          : nothing}
      </div>
    `;
  }

  private renderEdit(edit: NonNullable<ToolItem['edit']>) {
    return html`<div class="edit">
      <vscode-icon name="diff" aria-hidden="true"></vscode-icon>
      <button class="link file" title="Open ${edit.file}" @click=${() => requestPost(this, { method: 'openFile', params: { file: edit.file } })}>
        ${edit.file}
      </button>
      <vscode-button
        secondary
        class="open-diff"
        aria-label="Open diff of ${edit.file}"
        @click=${() => requestPost(this, { method: 'openDiff', params: { runId: edit.runId, file: edit.file } })}
        >Open diff</vscode-button
      >
      ${edit.findings > 0 ? html`<span class="findings">${plural(edit.findings, 'finding')}</span>` : nothing}
    </div>`;
  }

  static override styles = [
    sharedStyles,
    cardStyles,
    css`
      :host {
        display: block;
      }
      button.toggle {
        display: flex;
        align-items: center;
        gap: 6px;
        width: 100%;
        min-width: 0;
      }
      .name {
        font-weight: 600;
        font-family: var(--vscode-editor-font-family);
      }
      .summary {
        flex: 1;
        min-width: 0;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        color: var(--vscode-descriptionForeground);
        font-family: var(--vscode-editor-font-family);
      }
      .status.ok {
        color: var(--vscode-testing-iconPassed, var(--vscode-charts-green));
      }
      .status.error {
        color: var(--vscode-errorForeground);
      }
      .duration,
      .pending {
        color: var(--vscode-descriptionForeground);
        font-size: 0.9em;
        white-space: nowrap;
      }
      .edit {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px;
        margin-top: 6px;
      }
      .findings {
        color: var(--vscode-editorWarning-foreground);
      }
      .details {
        margin-top: 6px;
      }
      .label {
        font-size: 0.85em;
        text-transform: uppercase;
        letter-spacing: 0.04em;
        color: var(--vscode-descriptionForeground);
        margin: 6px 0 2px;
      }
      pre {
        margin: 0;
        padding: 6px;
        max-height: 320px;
        overflow: auto;
        white-space: pre-wrap;
        overflow-wrap: anywhere;
        font-family: var(--vscode-editor-font-family);
        font-size: var(--vscode-editor-font-size, inherit);
        background: var(--vscode-textCodeBlock-background);
        border-radius: 3px;
      }
      .pending {
        margin: 0;
      }
    `,
  ];
}

customElements.define('plumbline-tool-card', ToolCard);
