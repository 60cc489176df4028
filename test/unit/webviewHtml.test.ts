import * as assert from 'node:assert/strict';
import { newNonce, webviewHtml } from '../../client/webviewHtml';

describe('webview HTML', () => {
  const page = (nonce: string) =>
    webviewHtml({
      title: 'Plumbline <Chat>',
      cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/chat.js',
      codiconsUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webviews/codicon.css',
      nonce,
    });

  it('has a CSP that denies everything but its nonce-tagged script and its own styles, fonts and images', () => {
    const html = page('abc123');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    assert.ok(csp);
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1).join(' ')]));
    assert.equal(directives['default-src'], "'none'");
    assert.equal(directives['script-src'], "'nonce-abc123'");
    for (const d of ['style-src', 'font-src', 'img-src']) {
      assert.equal(directives[d], 'https://file+.vscode-resource.vscode-cdn.net', d);
    }
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !csp.includes('*'));
    assert.match(html, /<script type="module" nonce="abc123" src="[^"]+chat\.js"><\/script>/);
    assert.match(html, /<title>Plumbline &lt;Chat><\/title>/);
  });

  it('draws a fresh 128-bit nonce for every load', () => {
    const nonces = new Set(Array.from({ length: 1000 }, newNonce));
    assert.equal(nonces.size, 1000);
    for (const nonce of nonces) assert.equal(Buffer.from(nonce, 'base64').length, 16);
  });
});
