import { css, html, nothing } from 'lit';
import type { ChatItem } from '../../engine/protocol/chatView';
import { formatCost, formatCount, plural } from './format';

type Item<K extends ChatItem['kind']> = Extract<ChatItem, { kind: K }>;

/*
 * The items with nothing to operate: plain templates rendered in the transcript's shadow root,
 * so their styles (below) are part of the transcript's.
 */

export function renderUser(item: Item<'user'>) {
  return html`<div class="user"><span class="visually-hidden">You:</span>${item.text}</div>`;
}

const noticeIcons: Record<Item<'notice'>['level'], string> = { info: 'info', warning: 'warning', error: 'error' };
const noticeWords: Record<Item<'notice'>['level'], string> = { info: 'Note', warning: 'Warning', error: 'Error' };

export function renderNotice(item: Item<'notice'>) {
  return html`<div class="notice ${item.level}">
    <vscode-icon name=${noticeIcons[item.level]} aria-hidden="true"></vscode-icon>
    <span class="text"><span class="visually-hidden">${noticeWords[item.level]}: </span>${item.text}</span>
  </div>`;
}

const resultView: Record<Item<'result'>['state'], { icon: string; word: string }> = {
  done: { icon: 'pass', word: 'Done' },
  failed: { icon: 'error', word: 'Failed' },
  stopped: { icon: 'debug-stop', word: 'Stopped' },
  quarantined: { icon: 'shield', word: 'Quarantined' },
};

export function resultStats(item: Item<'result'>): string {
  const parts = [plural(item.steps, 'step'), `${formatCount(item.tokens)} tokens`];
  if (item.cost > 0) parts.push(formatCost(item.cost));
  return parts.join(' · ');
}

export function renderResult(item: Item<'result'>) {
  const view = resultView[item.state];
  return html`<div class="result ${item.state}">
    <div class="state"><vscode-icon name=${view.icon} aria-hidden="true"></vscode-icon> ${view.word}</div>
    ${item.summary ? html`<p class="summary">${item.summary}</p>` : nothing}
    ${item.error ? html`<p class="error">${item.error}</p>` : nothing}
    <p class="stats">${resultStats(item)}</p>
  </div>`;
}

export const simpleItemStyles = css`
  .user {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    padding: 6px 8px;
    border-radius: 4px;
    background: var(--vscode-input-background);
    border: 1px solid var(--vscode-contrastBorder, var(--vscode-input-border, transparent));
  }
  .notice {
    display: flex;
    gap: 6px;
    align-items: flex-start;
    padding: 4px 8px;
    border-left: 3px solid var(--vscode-editorInfo-foreground);
  }
  .notice .text {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .notice.info vscode-icon {
    color: var(--vscode-editorInfo-foreground);
  }
  .notice.warning {
    border-left-color: var(--vscode-editorWarning-foreground);
    background: var(--vscode-inputValidation-warningBackground, transparent);
  }
  .notice.warning vscode-icon {
    color: var(--vscode-editorWarning-foreground);
  }
  .notice.error {
    border-left-color: var(--vscode-errorForeground);
    background: var(--vscode-inputValidation-errorBackground, transparent);
  }
  .notice.error vscode-icon {
    color: var(--vscode-errorForeground);
  }
  .result {
    padding: 6px 8px;
    border-top: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, transparent));
  }
  .result .state {
    display: flex;
    gap: 6px;
    align-items: center;
    font-weight: 600;
  }
  .result.done .state {
    color: var(--vscode-testing-iconPassed, var(--vscode-foreground));
  }
  .result.failed .state,
  .result.quarantined .state,
  .result .error {
    color: var(--vscode-errorForeground);
  }
  .result p {
    margin: 4px 0 0;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
  }
  .result .stats {
    color: var(--vscode-descriptionForeground);
    font-size: 0.9em;
  }
`;
