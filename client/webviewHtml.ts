import { randomBytes } from 'node:crypto';

/** The webview bundles in dist/webviews/, one per view. */
export type WebviewName = 'chat' | 'plans' | 'runs';

export interface WebviewPage {
  title: string;
  /** `webview.cspSource`: the only origin scripts' resources, styles and fonts may come from. */
  cspSource: string;
  /** URI (as the webview sees it) of the view's script bundle. */
  scriptUri: string;
  /** URI of codicon.css, which @vscode-elements/elements looks up by the id below. */
  codiconsUri: string;
  /** A fresh nonce for this load: the only inline-free script allowed to run carries it. */
  nonce: string;
}

/** 128 bits from a secure random source, base64: a new one for every load of a view. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The HTML of a webview. The Content-Security-Policy starts from `default-src 'none'` and allows
 * only what the page needs: its nonce-tagged script, styles and fonts from the extension's own
 * dist folder, and images from there too (never from the network, so model output cannot load
 * remote images). Kept free of the `vscode` import so webview tests serve the very same page.
 */
export function webviewHtml(page: WebviewPage): string {
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${page.nonce}'`,
    `style-src ${page.cspSource}`,
    `font-src ${page.cspSource}`,
    `img-src ${page.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeText(page.title)}</title>
<link rel="stylesheet" href="${escapeAttribute(page.codiconsUri)}" id="vscode-codicon-stylesheet">
</head>
<body>
<script type="module" nonce="${escapeAttribute(page.nonce)}" src="${escapeAttribute(page.scriptUri)}"></script>
</body>
</html>`;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function escapeText(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}
