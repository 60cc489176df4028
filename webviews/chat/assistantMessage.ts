import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { unsafeHTML } from 'lit/directives/unsafe-html.js';
import type { ChatItem } from '../../engine/protocol/chatView';
import { renderMarkdown } from './markdown';
import { markdownStyles } from './markdownStyles';
import { sharedStyles } from './sharedStyles';

type AssistantItem = Extract<ChatItem, { kind: 'assistant' }>;

/**
 * The model's text as markdown. While it streams, the root batches text deltas and hands over a
 * new item at most once per animation frame, so the markdown is parsed at most once per frame.
 */
export class AssistantMessage extends LitElement {
  static override properties = { item: { attribute: false } };
  declare item: AssistantItem;

  private renderedText: string | undefined;
  private renderedHtml = '';

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('item') && this.item.text !== this.renderedText) {
      this.renderedText = this.item.text;
      this.renderedHtml = renderMarkdown(this.item.text);
    }
  }

  override render() {
    return html`
      <span class="visually-hidden">Agent:</span>
      <div class="markdown" aria-busy=${this.item.streaming ? 'true' : 'false'}>
        ${
          // Safe: see renderMarkdown — raw HTML is escaped, links are http(s)/mailto only, images are text.
          unsafeHTML(this.renderedHtml)
        }
      </div>
      ${this.item.streaming ? html`<span class="cursor" aria-hidden="true">▍</span><span class="visually-hidden">The agent is writing…</span>` : nothing}
    `;
  }

  static override styles = [
    sharedStyles,
    markdownStyles,
    css`
      :host {
        display: block;
      }
      .cursor {
        color: var(--vscode-descriptionForeground);
        animation: blink 1s steps(2, start) infinite;
      }
      @keyframes blink {
        to {
          visibility: hidden;
        }
      }
      @media (prefers-reduced-motion: reduce) {
        .cursor {
          animation: none;
        }
      }
    `,
  ];
}

customElements.define('plumbline-assistant-message', AssistantMessage);
