import { css } from 'lit';
import { visuallyHidden } from '../shared/styles';

/** The root element's layout; each part styles itself. VS Code theme variables only. */
export const appStyles = [
  visuallyHidden,
  css`
    :host {
      display: block;
      padding: 12px 16px;
      color: var(--vscode-foreground);
      font-family: var(--vscode-font-family);
      font-size: var(--vscode-font-size);
    }
    .top {
      display: flex;
      flex-wrap: wrap;
      gap: 8px 16px;
      align-items: center;
      margin-bottom: 8px;
    }
    h1 {
      font-size: 1.3em;
      margin: 0;
      flex: 1;
    }
    h2 {
      font-size: 1.1em;
      margin: 16px 0 6px;
    }
    h3 {
      font-size: 0.95em;
      margin: 12px 0 4px;
    }
    .live,
    .empty,
    .meta {
      color: var(--vscode-descriptionForeground);
    }
    .meta {
      display: flex;
      flex-wrap: wrap;
      gap: 4px 12px;
    }
    .error {
      color: var(--vscode-errorForeground);
      overflow-wrap: anywhere;
    }
    .actions {
      display: flex;
      gap: 8px;
      margin: 6px 0;
    }
    .detail {
      border-top: 1px solid var(--vscode-panel-border, var(--vscode-contrastBorder, transparent));
      margin-top: 12px;
    }
    vscode-button:focus-visible {
      outline: 1px solid var(--vscode-focusBorder);
      outline-offset: 2px;
    }
  `,
];
