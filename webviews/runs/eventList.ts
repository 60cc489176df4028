import { LitElement, css, html, nothing } from 'lit';
import type { RunEventRow } from '../../engine/protocol/missionControl';
import { defaultEventFilters, eventKinds, eventLevels, kindLabels, kindOf, levelOf, summarize, type EventFilters, type EventLevel } from './events';
import { formatOffset } from './format';
import { visuallyHidden } from '../shared/styles';

const levelIcons: Record<EventLevel, string> = { info: 'info', warning: 'warning', error: 'error' };
/** A run streams one `text` event per token batch; past this the list shows the newest only. */
const maxShown = 1000;

/**
 * A run's events in order: time from the run's start, type, a one-line summary, and the JSON
 * payload on demand. Fires `filters-change` ({kinds, levels}) and `toggle-event` ({seq}); the
 * app keeps both in the view state.
 */
export class EventList extends LitElement {
  static override properties = {
    events: { attribute: false },
    startedAt: { type: Number },
    filters: { attribute: false },
    expanded: { attribute: false },
  };
  declare events: RunEventRow[];
  declare startedAt: number;
  declare filters: EventFilters;
  declare expanded: number[];

  constructor() {
    super();
    this.events = [];
    this.startedAt = 0;
    this.filters = defaultEventFilters;
    this.expanded = [];
  }

  private fire(name: string, detail: unknown) {
    this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
  }

  private toggleFilter<K extends keyof EventFilters>(key: K, value: EventFilters[K][number]) {
    const list = this.filters[key] as string[];
    const next = list.includes(value) ? list.filter((v) => v !== value) : [...list, value];
    this.fire('filters-change', { ...this.filters, [key]: next });
  }

  override render() {
    const shown = this.events.filter((e) => this.filters.kinds.includes(kindOf(e)) && this.filters.levels.includes(levelOf(e)));
    const visible = shown.slice(-maxShown);
    return html`
      <div class="filters">
        <div role="group" aria-label="Show event kinds">
          ${eventKinds.map(
            (kind) => html`<vscode-checkbox
              label=${kindLabels[kind]}
              data-kind-filter=${kind}
              ?checked=${this.filters.kinds.includes(kind)}
              @change=${() => this.toggleFilter('kinds', kind)}
            ></vscode-checkbox>`,
          )}
        </div>
        <div role="group" aria-label="Show event levels">
          ${eventLevels.map(
            (level) => html`<vscode-checkbox
              label=${level[0].toUpperCase() + level.slice(1)}
              data-level-filter=${level}
              ?checked=${this.filters.levels.includes(level)}
              @change=${() => this.toggleFilter('levels', level)}
            ></vscode-checkbox>`,
          )}
        </div>
      </div>
      <p class="count" data-event-count>
        ${shown.length === this.events.length ? `${this.events.length} events` : `${shown.length} of ${this.events.length} events shown`}${visible.length < shown.length ? ` (the newest ${visible.length} listed)` : ''}
      </p>
      <ol class="events">
        ${visible.map((event) => this.renderEvent(event))}
      </ol>
    `;
  }

  private renderEvent(event: RunEventRow) {
    const level = levelOf(event);
    const open = this.expanded.includes(event.seq);
    const id = `payload-${event.seq}`;
    return html`<li class="event ${level}" data-seq=${event.seq} data-type=${event.type} data-level=${level}>
      <button class="row" aria-expanded=${open ? 'true' : 'false'} aria-controls=${id} @click=${() => this.fire('toggle-event', { seq: event.seq })}>
        <vscode-icon name=${levelIcons[level]} aria-hidden="true"></vscode-icon>
        <span class="visually-hidden">${level}:</span>
        <span class="time">${formatOffset(event.at - this.startedAt)}</span>
        <span class="type">${event.type}</span>
        <span class="summary">${summarize(event)}</span>
      </button>
      ${open ? html`<pre id=${id} class="payload" tabindex="0" aria-label=${`Payload of event ${event.seq}`}>${JSON.stringify(event.data, null, 2)}</pre>` : nothing}
    </li>`;
  }

  static override styles = [
    visuallyHidden,
    css`
      :host {
        display: block;
      }
      .filters {
        display: flex;
        flex-direction: column;
        gap: 4px;
      }
      .filters > div {
        display: flex;
        flex-wrap: wrap;
        gap: 4px 12px;
      }
      .count {
        color: var(--vscode-descriptionForeground);
        margin: 6px 0;
      }
      .events {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .row {
        all: unset;
        box-sizing: border-box;
        display: grid;
        grid-template-columns: 16px 6em 9em 1fr;
        gap: 6px;
        width: 100%;
        padding: 1px 4px;
        cursor: pointer;
        align-items: center;
      }
      .row:hover {
        background: var(--vscode-list-hoverBackground);
      }
      .row:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
        outline-offset: -1px;
      }
      .time,
      .type,
      .payload {
        font-family: var(--vscode-editor-font-family);
      }
      .time {
        color: var(--vscode-descriptionForeground);
        text-align: right;
      }
      .summary {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      .warning vscode-icon {
        color: var(--vscode-editorWarning-foreground);
      }
      .error vscode-icon,
      .error .type {
        color: var(--vscode-errorForeground);
      }
      .payload {
        margin: 2px 0 6px 22px;
        padding: 6px;
        max-height: 320px;
        overflow: auto;
        white-space: pre-wrap;
        word-break: break-word;
        background: var(--vscode-textCodeBlock-background);
        border: 1px solid var(--vscode-contrastBorder, transparent);
      }
      .payload:focus-visible {
        outline: 1px solid var(--vscode-focusBorder);
      }
    `,
  ];
}

customElements.define('plumbline-event-list', EventList);
