import { LitElement, css, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { RunRow } from '../../engine/protocol/missionControl';
import { formatCost, formatDuration, formatTokens, isLive, runDuration, runSubject, stateIcons, stateLabels } from './format';
import { runFilterOptions, matchesRun, type RunFilters } from './runFilters';

/**
 * The runs as a table. One row at a time is in the tab order (roving tabindex): arrow keys,
 * Home and End move between rows, Enter or Space shows the run. Fires `select-run`,
 * `stop-run`, `open-conversation` ({runId}) and `filters-change` (RunFilters).
 */
export class RunList extends LitElement {
  static override properties = {
    runs: { attribute: false },
    filters: { attribute: false },
    selectedId: { attribute: false },
    now: { type: Number },
    focusId: { state: true },
  };
  declare runs: RunRow[];
  declare filters: RunFilters;
  declare selectedId: string | null;
  declare now: number;
  declare focusId: string | null;

  constructor() {
    super();
    this.runs = [];
    this.filters = { state: 'all', text: '' };
    this.selectedId = null;
    this.now = Date.now();
    this.focusId = null;
  }

  private fire(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private visible(): RunRow[] {
    return this.runs.filter((run) => matchesRun(run, this.filters));
  }

  private onKeydown(event: KeyboardEvent, runs: RunRow[], index: number) {
    // Keys pressed on a row's buttons belong to the buttons.
    if (event.target !== event.currentTarget) return;
    const move = { ArrowDown: index + 1, ArrowUp: index - 1, Home: 0, End: runs.length - 1 }[event.key];
    if (move !== undefined) {
      event.preventDefault();
      const next = runs[Math.max(0, Math.min(runs.length - 1, move))];
      this.focusId = next.id;
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`tr[data-run-id="${CSS.escape(next.id)}"]`)?.focus());
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.fire('select-run', { runId: runs[index].id });
    }
  }

  override render() {
    const runs = this.visible();
    const tabbable = runs.find((r) => r.id === this.focusId) ?? runs.find((r) => r.id === this.selectedId) ?? runs[0];
    // Rows are keyed by run id (repeat): a new run arriving on top must not hand the focused row to another run.
    return html`
      <div class="toolbar" role="search">
        <vscode-textfield
          placeholder="Filter by agent, task, prompt"
          aria-label="Filter runs by text"
          .value=${this.filters.text}
          @input=${(e: Event) => this.fire('filters-change', { ...this.filters, text: (e.target as unknown as { value: string }).value })}
        ></vscode-textfield>
        <vscode-single-select
          aria-label="Filter runs by state"
          data-state-filter
          .value=${this.filters.state}
          @change=${(e: Event) => this.fire('filters-change', { ...this.filters, state: (e.target as unknown as { value: string }).value })}
        >
          ${runFilterOptions.map((o) => html`<vscode-option value=${o.value} ?selected=${this.filters.state === o.value}>${o.label}</vscode-option>`)}
        </vscode-single-select>
        <span class="count" data-run-count>${runs.length === this.runs.length ? `${runs.length} runs` : `${runs.length} of ${this.runs.length} runs`}</span>
      </div>
      ${runs.length === 0
        ? html`<p class="empty">${this.runs.length ? 'No run matches the filters.' : 'No runs yet. Run an agent on a plan task, or connect a hub agent.'}</p>`
        : html`<table aria-label="Runs" aria-describedby="keys">
            <caption id="keys" class="hint">Arrow keys move between runs; Enter shows a run's timeline and events.</caption>
            <thead>
              <tr><th scope="col">State</th><th scope="col">Agent</th><th scope="col">Task or prompt</th><th scope="col">Duration</th><th scope="col">Tokens</th><th scope="col">Cost</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr>
            </thead>
            <tbody>
              ${repeat(runs, (run) => run.id, (run, index) => this.renderRow(run, runs, index, run === tabbable))}
            </tbody>
          </table>`}
    `;
  }

  private renderRow(run: RunRow, runs: RunRow[], index: number, tabbable: boolean) {
    const selected = run.id === this.selectedId;
    const stop = (e: Event) => {
      e.stopPropagation();
      this.fire('stop-run', { runId: run.id });
    };
    const open = (e: Event) => {
      e.stopPropagation();
      this.fire('open-conversation', { runId: run.id });
    };
    return html`<tr
      data-run-id=${run.id}
      data-state=${run.state}
      class=${selected ? 'selected' : ''}
      tabindex=${tabbable ? '0' : '-1'}
      aria-current=${selected ? 'true' : 'false'}
      @keydown=${(e: KeyboardEvent) => this.onKeydown(e, runs, index)}
      @click=${() => this.fire('select-run', { runId: run.id })}
      @focus=${() => (this.focusId = run.id)}
    >
      <td class="state ${run.state}" data-col="state"><vscode-icon name=${stateIcons[run.state]} ?spin=${run.state === 'running'} aria-hidden="true"></vscode-icon> ${stateLabels[run.state]}</td>
      <td data-col="agent">${run.agent} <span class="badge ${run.agentKind}">${run.agentKind}</span></td>
      <td class="subject" data-col="subject" title=${run.prompt}>${runSubject(run)}${run.error ? html`<div class="error">${run.error}</div>` : nothing}</td>
      <td class="num" data-col="duration">${formatDuration(runDuration(run, this.now))}</td>
      <td class="num" data-col="tokens">${formatTokens(run.tokens)}</td>
      <td class="num" data-col="cost">${run.cost > 0 ? formatCost(run.cost) : ''}</td>
      <td class="actions">
        ${isLive(run) ? html`<vscode-button data-action="stop" aria-label=${`Stop run: ${runSubject(run)}`} @click=${stop}>Stop</vscode-button>` : nothing}
        <vscode-button secondary data-action="conversation" aria-label=${`Open the conversation of run: ${runSubject(run)}`} @click=${open}>Open conversation</vscode-button>
      </td>
    </tr>`;
  }

  static override styles = css`
    :host { display: block; }
    .toolbar { display: flex; flex-wrap: wrap; gap: 8px 12px; align-items: center; margin-bottom: 8px; }
    .count, .empty, .hint { color: var(--vscode-descriptionForeground); }
    table { width: 100%; border-collapse: collapse; }
    caption { caption-side: bottom; text-align: left; font-size: 0.85em; padding-top: 4px; }
    th { text-align: left; font-weight: 600; padding: 2px 6px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent)); }
    td { padding: 3px 6px; vertical-align: top; }
    tr[data-run-id] { cursor: pointer; }
    tr[data-run-id]:hover { background: var(--vscode-list-hoverBackground); }
    tr.selected { background: var(--vscode-list-inactiveSelectionBackground); color: var(--vscode-list-inactiveSelectionForeground, inherit); }
    tr[data-run-id]:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: -1px; }
    tr.selected { outline: 1px dashed var(--vscode-contrastActiveBorder, transparent); }
    .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    .state { white-space: nowrap; }
    .state.failed, .state.quarantined, .error { color: var(--vscode-errorForeground); }
    .state.done { color: var(--vscode-charts-green); }
    .subject { overflow-wrap: anywhere; }
    .error { font-size: 0.9em; }
    .badge { font-size: 0.8em; padding: 0 5px; border-radius: 8px; background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); border: 1px solid var(--vscode-contrastBorder, transparent); }
    .badge.hub { background: var(--vscode-charts-yellow); color: var(--vscode-editor-background); }
    .actions { white-space: nowrap; text-align: right; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
  `;
}

customElements.define('plumbline-run-list', RunList);
