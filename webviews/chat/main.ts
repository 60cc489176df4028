import '../shared/zodJitless';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-icon/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { css } from 'lit';
import './chatApp';

// The view fills the sidebar: the transcript scrolls between the header and the composer. In a
// view too short for all three, the page scrolls instead, so the transcript never shrinks to nothing.
// A constructed stylesheet, as the CSP allows no <style> element.
const page = css`
  html,
  body {
    height: 100%;
    margin: 0;
    padding: 0;
    overflow-x: hidden;
    overflow-y: auto;
  }
`.styleSheet;
if (page) document.adoptedStyleSheets = [...document.adoptedStyleSheets, page];

// The bundle's entry: registers the elements, then mounts the root element.
document.body.append(document.createElement('plumbline-chat'));
