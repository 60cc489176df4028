import { LitElement, css, html, nothing, svg } from 'lit';
import type { DayStats } from '../../engine/protocol/missionControl';
import { formatCompact, formatTokens } from './format';
import { visuallyHidden } from '../shared/styles';

/** One chart's series: a value per day, or null where it is undefined (a rate with nothing to divide by). */
interface Series {
  id: 'runs' | 'success' | 'violations' | 'tokens';
  title: string;
  unit: string;
  shape: 'bars' | 'line';
  color: 'blue' | 'green' | 'red' | 'yellow';
  /** Rates are fixed to 0–100 % so days and charts compare at a glance. */
  max: number | null;
  value(day: DayStats): number | null;
  /** What one day's number means, for the hover title and the table. */
  describe(day: DayStats): string;
}

const percent = (part: number, whole: number) => (whole > 0 ? Math.round((part / whole) * 100) : null);

const series: Series[] = [
  { id: 'runs', title: 'Runs per day', unit: 'runs', shape: 'bars', color: 'blue', max: null, value: (d) => d.runs, describe: (d) => `${d.runs} runs` },
  {
    id: 'success', title: 'Success rate', unit: '%', shape: 'line', color: 'green', max: 100,
    value: (d) => percent(d.done, d.finished),
    describe: (d) => (d.finished ? `${percent(d.done, d.finished)} % (${d.done} done of ${d.finished} finished)` : 'no finished runs'),
  },
  {
    id: 'violations', title: 'Violation rate', unit: '%', shape: 'bars', color: 'red', max: 100,
    value: (d) => percent(d.withViolations, d.runs),
    describe: (d) => (d.runs ? `${percent(d.withViolations, d.runs)} % (${d.withViolations} of ${d.runs} runs with violations)` : 'no runs'),
  },
  { id: 'tokens', title: 'Tokens per day', unit: 'tokens', shape: 'bars', color: 'yellow', max: null, value: (d) => d.tokens, describe: (d) => `${formatTokens(d.tokens)} tokens` },
];

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "2026-11-21" → "Nov 21", read from the string so no time zone can shift the day. */
function shortDay(day: string): string {
  const [, month, date] = day.split('-').map(Number);
  return `${months[month - 1] ?? '?'} ${date}`;
}

// The drawing's own coordinates; the SVG scales to the width it is given.
const W = 240;
const H = 120;
const plot = { left: 34, right: W - 6, top: 8, bottom: H - 18 };

/** Runs, success rate, violation rate and tokens over the last days, as four small SVG charts. */
export class MissionCharts extends LitElement {
  static override properties = { days: { attribute: false }, tables: { state: true } };
  declare days: DayStats[];
  declare tables: boolean;

  constructor() {
    super();
    this.days = [];
    this.tables = false;
  }

  override render() {
    if (!this.days.length) return html`<p class="empty" data-charts-empty>No runs in the last 30 days, so nothing to chart yet.</p>`;
    return html`
      <vscode-button secondary aria-pressed=${this.tables ? 'true' : 'false'} data-toggle-tables @click=${() => (this.tables = !this.tables)}>
        ${this.tables ? 'Hide the numbers' : 'Show the numbers'}
      </vscode-button>
      <div class="grid">${series.map((s) => this.renderChart(s))}</div>
    `;
  }

  private renderChart(s: Series) {
    const values = this.days.map((d) => s.value(d));
    const max = s.max ?? Math.max(1, ...values.map((v) => v ?? 0));
    const slot = (plot.right - plot.left) / this.days.length;
    const x = (i: number) => plot.left + slot * i + slot / 2;
    const y = (v: number) => plot.bottom - (v / max) * (plot.bottom - plot.top);
    const points = values.map((v, i) => (v === null ? null : { x: x(i), y: y(v), day: this.days[i] }));
    // Gaps (days with nothing to divide by) break the line rather than drawing it through zero.
    const path = points.map((p, i) => (p ? `${i > 0 && points[i - 1] ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}` : '')).join(' ');
    const maxLabel = s.unit === '%' ? '100 %' : formatCompact(max);
    return html`<figure data-chart=${s.id} class=${s.color}>
      <h3 id=${`chart-${s.id}`}>${s.title}</h3>
      <svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby=${`chart-${s.id}`} aria-describedby=${`table-${s.id}`}>
        <line class="axis" x1=${plot.left} y1=${plot.top} x2=${plot.left} y2=${plot.bottom}></line>
        <line class="axis" x1=${plot.left} y1=${plot.bottom} x2=${plot.right} y2=${plot.bottom}></line>
        <text class="label" x=${plot.left - 4} y=${plot.top + 4} text-anchor="end" data-axis="max">${maxLabel}</text>
        <text class="label" x=${plot.left - 4} y=${plot.bottom} text-anchor="end">0</text>
        <text class="label" x=${plot.left} y=${H - 4} text-anchor="start" data-axis="first">${shortDay(this.days[0].day)}</text>
        ${this.days.length > 1 ? svg`<text class="label" x=${plot.right} y=${H - 4} text-anchor="end" data-axis="last">${shortDay(this.days.at(-1)?.day ?? '')}</text>` : nothing}
        ${s.shape === 'bars'
          ? points.map((p, i) =>
              p
                ? svg`<rect class="mark" data-point=${this.days[i].day} x=${(p.x - slot * 0.35).toFixed(1)} y=${p.y.toFixed(1)} width=${(slot * 0.7).toFixed(1)} height=${Math.max(0, plot.bottom - p.y).toFixed(1)}><title>${this.days[i].day}: ${s.describe(this.days[i])}</title></rect>`
                : nothing,
            )
          : svg`<path class="line" d=${path}></path>${points.map((p) =>
              p ? svg`<circle class="mark" data-point=${p.day.day} cx=${p.x.toFixed(1)} cy=${p.y.toFixed(1)} r="3"><title>${p.day.day}: ${s.describe(p.day)}</title></circle>` : nothing,
            )}`}
      </svg>
      <table id=${`table-${s.id}`} class=${this.tables ? 'numbers' : 'numbers visually-hidden'}>
        <caption>${s.title}</caption>
        <thead><tr><th scope="col">Day</th><th scope="col">${s.unit === '%' ? 'Rate' : s.title}</th></tr></thead>
        <tbody>
          ${this.days.map((d, i) => html`<tr data-day=${d.day}><th scope="row">${d.day}</th><td>${values[i] === null ? '—' : s.describe(d)}</td></tr>`)}
        </tbody>
      </table>
    </figure>`;
  }

  static override styles = [
    visuallyHidden,
    css`
      :host { display: block; }
      .grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin-top: 8px; }
      figure { margin: 0; }
      h3 { font-size: 0.95em; margin: 0 0 4px; }
      svg { display: block; width: 100%; height: auto; overflow: visible; }
      .axis { stroke: var(--vscode-charts-lines, var(--vscode-panel-border)); stroke-width: 1; }
      .label { fill: var(--vscode-charts-foreground, var(--vscode-foreground)); font-size: 9px; font-family: var(--vscode-font-family); }
      .mark { stroke: var(--vscode-contrastBorder, none); stroke-width: 1; }
      .mark:hover { stroke: var(--vscode-focusBorder); }
      .line { fill: none; stroke-width: 2; }
      .blue .mark { fill: var(--vscode-charts-blue); }
      .green .mark { fill: var(--vscode-charts-green); }
      .green .line { stroke: var(--vscode-charts-green); }
      .red .mark { fill: var(--vscode-charts-red); }
      .yellow .mark { fill: var(--vscode-charts-yellow); }
      .numbers { border-collapse: collapse; margin-top: 4px; font-size: 0.9em; }
      .numbers caption { text-align: left; font-weight: 600; }
      .numbers th, .numbers td { text-align: left; padding: 1px 8px 1px 0; font-weight: normal; }
      .empty { color: var(--vscode-descriptionForeground); }
    `,
  ];
}

customElements.define('plumbline-mission-charts', MissionCharts);
