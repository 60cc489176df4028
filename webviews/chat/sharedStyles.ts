import { css } from 'lit';
import { visuallyHidden } from '../shared/styles';

/** Pieces every chat component needs: screen-reader-only text, focus rings, plain buttons. */
export const sharedStyles = [
  visuallyHidden,
  css`
  button.plain {
    all: unset;
    box-sizing: border-box;
    cursor: pointer;
  }
  button.link {
    all: unset;
    cursor: pointer;
    color: var(--vscode-textLink-foreground);
    font-family: var(--vscode-editor-font-family);
    overflow-wrap: anywhere;
  }
  button.link:hover {
    color: var(--vscode-textLink-activeForeground);
    text-decoration: underline;
  }
  button:focus-visible,
  a:focus-visible,
  [tabindex]:focus-visible {
    outline: 1px solid var(--vscode-focusBorder);
    outline-offset: 1px;
  }
  code {
    font-family: var(--vscode-editor-font-family);
  }
`,
];

/** A bordered box on the sidebar background; high contrast themes get their contrast border. */
export const cardStyles = css`
  .card {
    border: 1px solid var(--vscode-contrastBorder, var(--vscode-panel-border, transparent));
    background: var(--vscode-editorWidget-background, transparent);
    border-radius: 4px;
    padding: 6px 8px;
  }
`;
