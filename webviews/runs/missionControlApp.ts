import { LitElement, html, nothing } from 'lit';
import {
  missionControlProtocol,
  type DayStats,
  type QuarantineRow,
  type RunEventRow,
  type RunRow,
  type fromWebview,
} from '../../engine/protocol/missionControl';
import { connectToHost, type HostConnection } from '../shared/host';
import { announceChanges } from './announce';
import type { EventFilters } from './events';
import { formatClock, formatCost, formatDuration, formatTokens, isLive, runDuration, runSubject, stateLabels } from './format';
import { appStyles } from './missionControlStyles';
import type { RunFilters } from './runFilters';
import { parseRunFilters, readViewState, type ViewState } from './viewState';
import './charts';
import './eventList';
import './quarantines';
import './runList';
import './runTimeline';

/**
 * Mission Control (SPEC §5): every run, own and hub, live; the selected run's timeline and
 * events; quarantined agents; history charts. Holds the state, talks to the host; the parts
 * below it only render and fire events.
 */
export class MissionControlApp extends LitElement {
  static override properties = {
    runs: { state: true },
    detail: { state: true },
    quarantines: { state: true },
    days: { state: true },
    view: { state: true },
    now: { state: true },
    announcement: { state: true },
  };
  declare runs: RunRow[];
  declare detail: { run: RunRow; events: RunEventRow[] } | null;
  declare quarantines: QuarantineRow[];
  declare days: DayStats[];
  declare view: ViewState;
  declare now: number;
  declare announcement: string;

  private host: HostConnection<typeof fromWebview.types> | undefined;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private listed = false;

  constructor() {
    super();
    this.runs = [];
    this.detail = null;
    this.quarantines = [];
    this.days = [];
    this.view = readViewState(undefined);
    this.now = Date.now();
    this.announcement = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.host = connectToHost(
      missionControlProtocol,
      {
        runs: ({ runs }) => {
          if (this.listed) this.announcement = announceChanges(this.runs, runs) || this.announcement;
          this.listed = true;
          this.runs = runs;
        },
        runDetail: ({ run, events }) => {
          // A late answer for a run the person has already moved away from is dropped.
          if (this.view.selectedRunId !== null && run.id !== this.view.selectedRunId) return;
          if (this.view.selectedRunId === null) this.save({ selectedRunId: run.id, expanded: [] });
          this.detail = { run, events: [...events].sort((a, b) => a.seq - b.seq) };
        },
        runEvent: ({ runId, event }) => {
          const detail = this.detail;
          if (!detail || detail.run.id !== runId || detail.events.some((e) => e.seq === event.seq)) return;
          const events = [...detail.events, event];
          if ((detail.events.at(-1)?.seq ?? 0) > event.seq) events.sort((a, b) => a.seq - b.seq);
          this.detail = { ...detail, events };
        },
        quarantines: ({ items }) => void (this.quarantines = items),
        stats: ({ days }) => void (this.days = days),
      },
      (message) => ({ method: 'reportProblem', params: { message } }),
    );
    this.view = readViewState(this.host.getState());
    this.host.post({ method: 'ready', params: {} });
    if (this.view.selectedRunId) this.host.post({ method: 'selectRun', params: { runId: this.view.selectedRunId } });
    // Durations of live runs count up; nothing re-renders while every run has ended.
    this.ticker = setInterval(() => {
      if (this.runs.some(isLive) || (this.detail && isLive(this.current(this.detail.run)))) this.now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    clearInterval(this.ticker);
    this.host?.dispose();
    super.disconnectedCallback();
  }

  private save(change: Partial<ViewState>) {
    this.view = { ...this.view, ...change };
    this.host?.setState(this.view);
  }

  /** The freshest copy of a run: the list is re-sent on every change, the detail only once. */
  private current(run: RunRow): RunRow {
    return this.runs.find((r) => r.id === run.id) ?? run;
  }

  private select(runId: string) {
    if (runId !== this.view.selectedRunId) {
      this.detail = null;
      this.save({ selectedRunId: runId, expanded: [] });
    }
    this.host?.post({ method: 'selectRun', params: { runId } });
  }

  private toggleEvent(seq: number) {
    const { expanded } = this.view;
    this.save({ expanded: expanded.includes(seq) ? expanded.filter((s) => s !== seq) : [...expanded, seq] });
  }

  override render() {
    const live = this.runs.filter(isLive).length;
    return html`
      <header class="top">
        <h1>Mission Control</h1>
        <span class="live" data-live-count>${live === 0 ? 'No live runs' : live === 1 ? '1 live run' : `${live} live runs`}</span>
        <vscode-button
          data-stop-all
          ?disabled=${live === 0}
          aria-label="Stop all agents"
          title="Stops every live run, hub agents included"
          @click=${() => live > 0 && this.host?.post({ method: 'stopAll', params: {} })}
        >Stop All Agents</vscode-button>
      </header>
      <div class="visually-hidden" role="status" aria-live="polite" data-announcement>${this.announcement}</div>
      <section aria-labelledby="quarantine-heading">
        <h2 id="quarantine-heading">Quarantined agents</h2>
        <plumbline-quarantines
          .items=${this.quarantines}
          @release=${(e: CustomEvent<{ agentId: string }>) => this.host?.post({ method: 'release', params: { agentId: e.detail.agentId } })}
        ></plumbline-quarantines>
      </section>
      <section aria-labelledby="runs-heading">
        <h2 id="runs-heading">Runs</h2>
        <plumbline-run-list
          .runs=${this.runs}
          .filters=${this.view.runFilters}
          .selectedId=${this.view.selectedRunId}
          .now=${this.now}
          @filters-change=${(e: CustomEvent<RunFilters>) => this.save({ runFilters: parseRunFilters(e.detail) })}
          @select-run=${(e: CustomEvent<{ runId: string }>) => this.select(e.detail.runId)}
          @stop-run=${(e: CustomEvent<{ runId: string }>) => this.host?.post({ method: 'stopRun', params: { runId: e.detail.runId } })}
          @open-conversation=${(e: CustomEvent<{ runId: string }>) => this.host?.post({ method: 'openConversation', params: { runId: e.detail.runId } })}
        ></plumbline-run-list>
      </section>
      <section aria-labelledby="detail-heading" class="detail">${this.renderDetail()}</section>
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <plumbline-mission-charts .days=${this.days}></plumbline-mission-charts>
      </section>
    `;
  }

  private renderDetail() {
    const selected = this.view.selectedRunId;
    if (!selected) return html`<h2 id="detail-heading">Run</h2><p class="empty">Select a run to see its timeline and events.</p>`;
    if (!this.detail) {
      // The host answers selectRun with runDetail; a run restored from an old view state may be gone.
      const gone = this.listed && !this.runs.some((r) => r.id === selected);
      return html`<h2 id="detail-heading">Run</h2><p class="empty" data-detail-empty>${gone ? 'This run is no longer in the list.' : 'Loading the run…'}</p>`;
    }
    const run = this.current(this.detail.run);
    const { events } = this.detail;
    const live = isLive(run);
    return html`
      <h2 id="detail-heading" data-detail-title>Run: ${runSubject(run)}</h2>
      <div class="meta" data-detail-meta>
        <span>${stateLabels[run.state]}</span>
        <span>${run.agent} (${run.agentKind})</span>
        <span>${run.model}</span>
        <span>started ${formatClock(run.startedAt)}</span>
        <span>${formatDuration(runDuration(run, this.now))}</span>
        <span>${run.steps} steps</span>
        <span>${formatTokens(run.tokens)} tokens</span>
        ${run.cost > 0 ? html`<span>${formatCost(run.cost)}</span>` : nothing}
      </div>
      ${run.error ? html`<p class="error">${run.error}</p>` : nothing}
      <div class="actions">
        ${live ? html`<vscode-button data-detail-stop @click=${() => this.host?.post({ method: 'stopRun', params: { runId: run.id } })}>Stop this run</vscode-button>` : nothing}
        <vscode-button secondary @click=${() => this.host?.post({ method: 'openConversation', params: { runId: run.id } })}>Open conversation</vscode-button>
      </div>
      <h3>Timeline</h3>
      <plumbline-run-timeline .events=${events} .startedAt=${run.startedAt} .endedAt=${live ? null : (run.endedAt ?? events.at(-1)?.at ?? run.startedAt)} .now=${this.now}></plumbline-run-timeline>
      <h3>Events</h3>
      <plumbline-event-list
        .events=${events}
        .startedAt=${run.startedAt}
        .filters=${this.view.eventFilters}
        .expanded=${this.view.expanded}
        @filters-change=${(e: CustomEvent<EventFilters>) => this.save({ eventFilters: e.detail })}
        @toggle-event=${(e: CustomEvent<{ seq: number }>) => this.toggleEvent(e.detail.seq)}
      ></plumbline-event-list>
    `;
  }

  static override styles = appStyles;
}

customElements.define('plumbline-mission-control', MissionControlApp);
