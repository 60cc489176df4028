import { LitElement, css, html, nothing } from 'lit';
import { SettableStatus, type TaskSummary } from '../../engine/protocol/plans';

const statusLabels: Record<TaskSummary['status'], string> = {
  todo: 'To do',
  'in-progress': 'In progress',
  blocked: 'Blocked',
  paused: 'Paused',
  done: 'Done',
  cancelled: 'Cancelled',
  unknown: 'Unknown status',
};
export { statusLabels };

/**
 * One task on the board. Fires `open-task` (line), `set-status` (status), `toggle` (line, text)
 * and `run-agent`; the board turns them into messages to the host.
 */
export class TaskCard extends LitElement {
  static override properties = { task: { attribute: false } };
  declare task: TaskSummary;

  private fire(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  override render() {
    const t = this.task;
    const done = t.deliverables.filter((d) => d.done).length;
    return html`
      <article class="card" data-task-id=${t.id} data-status=${t.status} aria-label=${`Task ${t.id}: ${t.title}, ${statusLabels[t.status]}`}>
        <header>
          <button class="title" @click=${() => this.fire('open-task', { line: t.line })} title="Open at line ${t.line + 1}">
            <span class="id">${t.id}</span> ${t.title}
          </button>
          ${t.priority ? html`<span class="priority ${t.priority}" title="Priority">${t.priority}</span>` : nothing}
        </header>
        <div class="meta">
          ${t.dependencies.length ? html`<span title="Depends on">⇠ ${t.dependencies.join(', ')}</span>` : nothing}
          ${t.assignee ? html`<span title="Assigned to">@${t.assignee}</span>` : nothing}
          ${t.started ? html`<span title="Started">▶ ${t.started}</span>` : nothing}
          ${t.completed ? html`<span title="Completed">✓ ${t.completed}</span>` : nothing}
          ${t.effort ? html`<span title="Effort">${t.effort}</span>` : nothing}
          ${t.deliverables.length ? html`<span class="count" title="Deliverables done">${done}/${t.deliverables.length}</span>` : nothing}
        </div>
        ${t.problems.length ? html`<ul class="problems">${t.problems.map((p) => html`<li>⚠ ${p}</li>`)}</ul>` : nothing}
        ${t.deliverables.length
          ? html`<ul class="deliverables">
              ${t.deliverables.map(
                (d) => html`<li>
                  <vscode-checkbox
                    ?checked=${d.done}
                    label=${d.text}
                    data-line=${d.line}
                    @change=${() => this.fire('toggle', { line: d.line, text: d.text })}
                  ></vscode-checkbox>
                </li>`,
              )}
            </ul>`
          : nothing}
        <footer>
          <vscode-single-select
            aria-label=${`Status of task ${t.id}`}
            .value=${t.status}
            @change=${(e: Event) => this.fire('set-status', { status: (e.target as unknown as { value: string }).value })}
          >
            ${SettableStatus.options.map(
              (s) => html`<vscode-option value=${s} ?selected=${s === t.status}>${statusLabels[s]}</vscode-option>`,
            )}
          </vscode-single-select>
          <vscode-button secondary @click=${() => this.fire('run-agent', {})} title="Run an agent on this task">
            Run agent
          </vscode-button>
        </footer>
      </article>
    `;
  }

  static override styles = css`
    .card {
      border: 1px solid var(--vscode-panel-border, var(--vscode-widget-border, transparent));
      background: var(--vscode-editorWidget-background);
      border-radius: 4px;
      padding: 8px;
      display: flex;
      flex-direction: column;
      gap: 6px;
    }
    header {
      display: flex;
      gap: 6px;
      align-items: baseline;
      justify-content: space-between;
    }
    .title {
      all: unset;
      cursor: pointer;
      font-weight: 600;
      color: var(--vscode-textLink-foreground);
    }
    .title:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
    }
    .id {
      color: var(--vscode-descriptionForeground);
      font-family: var(--vscode-editor-font-family);
    }
    .priority {
      font-size: 0.85em;
      padding: 0 6px;
      border-radius: 8px;
      background: var(--vscode-badge-background);
      color: var(--vscode-badge-foreground);
    }
    .priority.critical {
      background: var(--vscode-statusBarItem-errorBackground, #c72e2e);
      color: var(--vscode-statusBarItem-errorForeground, #fff);
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 8px;
      color: var(--vscode-descriptionForeground);
      font-size: 0.9em;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .problems {
      color: var(--vscode-editorWarning-foreground);
      font-size: 0.9em;
    }
    footer {
      display: flex;
      gap: 6px;
      align-items: center;
    }
  `;
}

customElements.define('plumbline-task-card', TaskCard);
