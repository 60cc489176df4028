import { LitElement, css, html, nothing } from 'lit';
import type { RunEventRow } from '../../engine/protocol/missionControl';
import { formatDuration, formatOffset } from './format';
import { spanOf, stepsOf } from './steps';
import { visuallyHidden } from '../shared/styles';

/**
 * A run's steps as bars on one time axis: left edge where the step began (relative to the run's
 * start), length proportional to how long it took. The list of labels is the text alternative:
 * each row reads "model step 2 · 1.2 s, from +0.300 s"; the bar itself is decorative.
 */
export class RunTimeline extends LitElement {
  static override properties = {
    events: { attribute: false },
    startedAt: { type: Number },
    endedAt: { attribute: false },
    now: { type: Number },
  };
  declare events: RunEventRow[];
  declare startedAt: number;
  declare endedAt: number | null;
  declare now: number;

  constructor() {
    super();
    this.events = [];
    this.startedAt = 0;
    this.endedAt = null;
    this.now = Date.now();
  }

  override render() {
    const steps = stepsOf(this.events);
    if (!steps.length) return html`<p class="empty">No model or tool calls yet.</p>`;
    const { from, to } = spanOf(this.startedAt, this.endedAt, this.events, this.now);
    const total = to - from;
    // Bars are SVG rects placed by attributes: the CSP forbids style attributes.
    return html`
      <div class="axis" aria-hidden="true"><span>0 s</span><span>${formatDuration(total)}</span></div>
      <ol class="steps" aria-label="Steps, in the order they started">
        ${steps.map((step) => {
          const end = step.end ?? to;
          const took = end - step.start;
          const label = `${step.name} · ${formatDuration(took)}${step.end === null ? (this.endedAt === null ? ' (still running)' : ' (unfinished)') : ''}${step.failed ? ' (failed)' : ''}`;
          const left = ((step.start - from) / total) * 100;
          const width = (took / total) * 100;
          return html`<li class="step ${step.kind}" data-step=${step.key} data-kind=${step.kind}>
            <span class="label">${label}<span class="visually-hidden">, from ${formatOffset(step.start - from)}</span></span>
            <svg class="track" aria-hidden="true">
              <rect
                class="bar ${step.end === null ? 'open' : ''} ${step.failed ? 'failed' : ''}"
                x="${left.toFixed(3)}%"
                y="1"
                width="${Math.max(0.2, Math.min(width, 100 - left)).toFixed(3)}%"
                height="10"
                rx="2"
              ></rect>
            </svg>
          </li>`;
        })}
      </ol>
      ${this.endedAt === null ? html`<p class="note">Open steps extend to now.</p>` : nothing}
    `;
  }

  static override styles = [
    visuallyHidden,
    css`
      :host {
        display: block;
      }
      .axis {
        display: flex;
        justify-content: space-between;
        margin-left: var(--label-width, 40%);
        color: var(--vscode-descriptionForeground);
        font-size: 0.85em;
        border-bottom: 1px solid var(--vscode-charts-lines, var(--vscode-panel-border));
      }
      .steps {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .step {
        display: grid;
        grid-template-columns: var(--label-width, 40%) 1fr;
        align-items: center;
        min-height: 20px;
        gap: 0;
      }
      .label {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        padding-right: 8px;
        font-family: var(--vscode-editor-font-family);
        font-size: 0.9em;
      }
      .track {
        display: block;
        width: 100%;
        height: 12px;
        overflow: visible;
        border-left: 1px solid var(--vscode-charts-lines, var(--vscode-panel-border));
      }
      .bar {
        stroke: var(--vscode-contrastBorder, none);
        stroke-width: 1;
      }
      .model .bar {
        fill: var(--vscode-charts-blue);
      }
      .tool .bar {
        fill: var(--vscode-charts-green);
      }
      .bar.failed {
        fill: var(--vscode-charts-red);
      }
      .bar.open {
        opacity: 0.6;
        stroke: var(--vscode-charts-foreground, var(--vscode-foreground));
        stroke-dasharray: 2 2;
      }
      .empty,
      .note {
        color: var(--vscode-descriptionForeground);
        font-size: 0.9em;
      }
    `,
  ];
}

customElements.define('plumbline-run-timeline', RunTimeline);
