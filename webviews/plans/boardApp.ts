import { LitElement, css, html, nothing } from 'lit';
import { plansBoardProtocol, type fromWebview } from '../../engine/protocol/plansBoard';
import { SettableStatus, type PlanSummary, type TaskSummary } from '../../engine/protocol/plans';
import { connectToHost, type HostConnection } from '../shared/host';
import { allStatuses, defaultFilters, matches, progress, type BoardFilters } from './filters';
import { statusLabels } from './taskCard';
import './taskCard';

/** The root element of the Plans board: every plan file, its progress, its tasks by status. */
export class PlansBoardApp extends LitElement {
  static override properties = {
    plans: { state: true },
    ready: { state: true },
    complete: { state: true },
    filters: { state: true },
    notice: { state: true },
  };
  declare plans: PlanSummary[];
  declare ready: boolean;
  declare complete: boolean;
  declare filters: BoardFilters;
  declare notice: string;

  private host: HostConnection<typeof fromWebview.types> | undefined;

  constructor() {
    super();
    this.plans = [];
    this.ready = false;
    this.complete = false;
    this.filters = defaultFilters;
    this.notice = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.host = connectToHost(
      plansBoardProtocol,
      {
        plans: ({ plans, ready, complete }) => {
          this.plans = plans;
          this.ready = ready;
          this.complete = complete;
        },
        notice: ({ message }) => void (this.notice = message),
      },
      (message) => ({ method: 'reportProblem', params: { message } }),
    );
    const saved = this.host.getState() as { filters?: BoardFilters } | undefined;
    if (saved?.filters) this.filters = { ...defaultFilters, ...saved.filters };
    this.host.post({ method: 'ready', params: {} });
  }

  override disconnectedCallback(): void {
    this.host?.dispose();
    super.disconnectedCallback();
  }

  private setFilters(change: Partial<BoardFilters>) {
    this.filters = { ...this.filters, ...change };
    this.host?.setState({ filters: this.filters });
  }

  private toggleStatusFilter(status: TaskSummary['status']) {
    const has = this.filters.statuses.includes(status);
    this.setFilters({ statuses: has ? this.filters.statuses.filter((s) => s !== status) : [...this.filters.statuses, status] });
  }

  override render() {
    return html`
      <header class="toolbar" role="search">
        <vscode-textfield
          placeholder="Filter by id, title, assignee"
          aria-label="Filter tasks by text"
          .value=${this.filters.text}
          @input=${(e: Event) => this.setFilters({ text: (e.target as unknown as { value: string }).value })}
        ></vscode-textfield>
        <vscode-single-select
          aria-label="Filter by priority"
          .value=${this.filters.priority ?? 'any'}
          @change=${(e: Event) => this.setFilters({ priority: (e.target as unknown as { value: BoardFilters['priority'] }).value })}
        >
          ${(['any', 'critical', 'high', 'medium', 'low'] as const).map(
            (p) => html`<vscode-option value=${p} ?selected=${this.filters.priority === p}>${p === 'any' ? 'Any priority' : p}</vscode-option>`,
          )}
        </vscode-single-select>
        <div class="statuses" role="group" aria-label="Show statuses">
          ${allStatuses.map(
            (s) => html`<vscode-checkbox
              label=${statusLabels[s]}
              data-status-filter=${s}
              ?checked=${this.filters.statuses.includes(s)}
              @change=${() => this.toggleStatusFilter(s)}
            ></vscode-checkbox>`,
          )}
        </div>
      </header>
      ${this.notice
        ? html`<div class="notice" role="status">
            ${this.notice}
            <vscode-button secondary @click=${() => (this.notice = '')}>Dismiss</vscode-button>
          </div>`
        : nothing}
      ${this.ready && !this.complete
        ? html`<p class="reading" role="status">Reading the plan files of this workspace… ${this.plans.length.toLocaleString()} so far</p>`
        : nothing}
      ${!this.ready
        ? html`<p class="empty">Reading the plan files of this workspace…</p>`
        : this.plans.length === 0
          ? html`<p class="empty">No plan files in this workspace. A markdown file with a task list (<code>- [ ] First task</code>) or a status line becomes a plan.</p>`
          : this.plans.map((plan) => this.renderPlan(plan))}
    `;
  }

  private renderPlan(plan: PlanSummary) {
    const { done, total } = progress(plan);
    const visible = plan.tasks.filter((t) => matches(t, this.filters));
    return html`
      <section class="plan" data-plan=${plan.file} aria-label=${`Plan ${plan.file}`}>
        <h2>
          <button class="file" @click=${() => this.post(plan, 'openTask', { line: 0 })}>${plan.file}</button>
          <span class="summary" data-progress>${done}/${total} done</span>
          ${plan.problemCount ? html`<span class="problems" data-problems>${plan.problemCount} problem(s)</span>` : nothing}
        </h2>
        <progress class="bar" max=${Math.max(total, 1)} .value=${done} aria-label=${`${plan.file}: ${done} of ${total} done`}></progress>
        <div class="groups">
          ${allStatuses.map((status) => {
            const tasks = visible.filter((t) => t.status === status);
            if (!tasks.length) return nothing;
            return html`<div class="group" data-group=${status}>
              <h3>${statusLabels[status]} <span class="count" data-count>${tasks.length}</span></h3>
              ${tasks.map(
                (task) => html`<plumbline-task-card
                  .task=${task}
                  @open-task=${(e: CustomEvent<{ line: number }>) => this.post(plan, 'openTask', e.detail)}
                  @set-status=${(e: CustomEvent<{ status: string }>) => this.setStatus(plan, task, e.detail.status)}
                  @toggle=${(e: CustomEvent<{ line: number; text: string }>) => this.post(plan, 'toggleCheckbox', e.detail)}
                  @run-agent=${() => this.host?.post({ method: 'runAgent', params: { uri: plan.uri, taskId: task.id } })}
                ></plumbline-task-card>`,
              )}
            </div>`;
          })}
        </div>
      </section>
    `;
  }

  private post(plan: PlanSummary, method: 'openTask' | 'toggleCheckbox', detail: { line: number; text?: string }) {
    if (method === 'openTask') this.host?.post({ method, params: { uri: plan.uri, line: detail.line } });
    else this.host?.post({ method, params: { uri: plan.uri, line: detail.line, text: detail.text ?? '' } });
  }

  private setStatus(plan: PlanSummary, task: TaskSummary, status: string) {
    if (status === task.status) return;
    const value = SettableStatus.safeParse(status);
    if (value.success) this.host?.post({ method: 'setStatus', params: { uri: plan.uri, taskId: task.id, status: value.data } });
  }

  static override styles = css`
    :host {
      display: block;
      padding: 12px 16px;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
    }
    .toolbar {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      align-items: center;
      margin-bottom: 12px;
    }
    .statuses {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
    }
    .notice {
      display: flex;
      gap: 12px;
      align-items: center;
      padding: 8px;
      margin-bottom: 12px;
      border-left: 3px solid var(--vscode-editorInfo-foreground);
      background: var(--vscode-textBlockQuote-background);
    }
    .plan {
      margin-bottom: 24px;
    }
    h2 {
      display: flex;
      gap: 12px;
      align-items: baseline;
      font-size: 1.15em;
      margin: 0 0 6px;
    }
    .file {
      all: unset;
      cursor: pointer;
      font-weight: 600;
    }
    .file:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
    }
    .summary,
    .count {
      color: var(--vscode-descriptionForeground);
      font-weight: normal;
    }
    .problems {
      color: var(--vscode-editorWarning-foreground);
      font-weight: normal;
    }
    /* A native <progress>: accessible as it is, and no inline style (the CSP forbids style attributes). */
    .bar {
      appearance: none;
      display: block;
      width: 100%;
      height: 4px;
      border: none;
      margin-bottom: 10px;
      background: color-mix(in srgb, var(--vscode-progressBar-background, #0e70c0) 25%, transparent);
    }
    .bar::-webkit-progress-bar {
      background: transparent;
    }
    .bar::-webkit-progress-value {
      background: var(--vscode-progressBar-background, #0e70c0);
      border-radius: 2px;
    }
    .groups {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(260px, 1fr));
      gap: 12px;
      align-items: start;
    }
    .group {
      display: flex;
      flex-direction: column;
      gap: 8px;
    }
    h3 {
      font-size: 0.95em;
      margin: 0;
      text-transform: uppercase;
      letter-spacing: 0.04em;
    }
    .empty,
    .reading {
      color: var(--vscode-descriptionForeground);
    }
  `;
}

customElements.define('plumbline-plans-board', PlansBoardApp);
