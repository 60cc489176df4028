import { css } from 'lit';

/**
 * Rendered model markdown, and highlight.js's token classes coloured with the theme's own
 * variables (so light, dark and high contrast themes all apply; no highlight.js theme file).
 */
export const markdownStyles = css`
  .markdown {
    line-height: 1.5;
    overflow-wrap: anywhere;
  }
  .markdown > :first-child {
    margin-top: 0;
  }
  .markdown > :last-child {
    margin-bottom: 0;
  }
  .markdown p,
  .markdown ul,
  .markdown ol,
  .markdown pre,
  .markdown blockquote,
  .markdown table {
    margin: 0 0 8px;
  }
  .markdown h1,
  .markdown h2,
  .markdown h3,
  .markdown h4 {
    font-size: 1.05em;
    margin: 12px 0 6px;
  }
  .markdown ul,
  .markdown ol {
    padding-left: 20px;
  }
  .markdown a {
    color: var(--vscode-textLink-foreground);
  }
  .markdown a:hover,
  .markdown a:active {
    color: var(--vscode-textLink-activeForeground);
  }
  .markdown code {
    font-family: var(--vscode-editor-font-family);
    font-size: var(--vscode-editor-font-size, inherit);
  }
  .markdown :not(pre) > code {
    color: var(--vscode-textPreformat-foreground);
    background: var(--vscode-textPreformat-background);
    padding: 1px 3px;
    border-radius: 3px;
  }
  .markdown pre {
    background: var(--vscode-textCodeBlock-background);
    border: 1px solid var(--vscode-contrastBorder, transparent);
    padding: 8px;
    border-radius: 4px;
    overflow-x: auto;
  }
  .markdown blockquote {
    padding: 0 8px;
    border-left: 3px solid var(--vscode-textBlockQuote-border);
    background: var(--vscode-textBlockQuote-background);
  }
  .markdown table {
    border-collapse: collapse;
  }
  .markdown th,
  .markdown td {
    border: 1px solid var(--vscode-panel-border);
    padding: 2px 6px;
  }
  .markdown hr {
    border: none;
    border-top: 1px solid var(--vscode-panel-border);
  }
  .markdown .image-alt {
    color: var(--vscode-descriptionForeground);
    font-style: italic;
  }

  .hljs-keyword,
  .hljs-selector-tag,
  .hljs-meta .hljs-keyword,
  .hljs-doctag,
  .hljs-tag,
  .hljs-name {
    color: var(--vscode-symbolIcon-keywordForeground, var(--vscode-textLink-foreground));
  }
  .hljs-string,
  .hljs-regexp,
  .hljs-meta .hljs-string,
  .hljs-char.escape_ {
    color: var(--vscode-debugTokenExpression-string);
  }
  .hljs-number {
    color: var(--vscode-debugTokenExpression-number);
  }
  .hljs-literal {
    color: var(--vscode-debugTokenExpression-boolean);
  }
  .hljs-comment,
  .hljs-quote,
  .hljs-meta {
    color: var(--vscode-descriptionForeground);
    font-style: italic;
  }
  .hljs-title,
  .hljs-title.function_,
  .hljs-section {
    color: var(--vscode-symbolIcon-functionForeground, var(--vscode-foreground));
  }
  .hljs-title.class_,
  .hljs-type,
  .hljs-built_in {
    color: var(--vscode-symbolIcon-classForeground, var(--vscode-foreground));
  }
  .hljs-attr,
  .hljs-attribute,
  .hljs-property,
  .hljs-selector-class,
  .hljs-selector-id {
    color: var(--vscode-debugTokenExpression-name, var(--vscode-symbolIcon-propertyForeground));
  }
  .hljs-variable,
  .hljs-template-variable,
  .hljs-params {
    color: var(--vscode-symbolIcon-variableForeground, var(--vscode-foreground));
  }
  .hljs-symbol,
  .hljs-bullet,
  .hljs-link {
    color: var(--vscode-symbolIcon-constantForeground, var(--vscode-foreground));
  }
  .hljs-addition {
    color: var(--vscode-gitDecoration-addedResourceForeground);
    background: var(--vscode-diffEditor-insertedTextBackground);
  }
  .hljs-deletion {
    color: var(--vscode-gitDecoration-deletedResourceForeground);
    background: var(--vscode-diffEditor-removedTextBackground);
  }
  .hljs-emphasis {
    font-style: italic;
  }
  .hljs-strong,
  .hljs-section {
    font-weight: bold;
  }
`;
