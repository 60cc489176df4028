import { readFile } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newNonce, webviewHtml, type WebviewName } from '../../client/webviewHtml';
import { launchChromium } from '../chromium';

/**
 * A built webview (dist/webviews/<name>.js) in headless Chromium, in the very page the extension
 * serves (same HTML, same CSP), on a loopback HTTP server. In place of VS Code's webview host,
 * the page gets an acquireVsCodeApi that records what the view posts; tests send host messages
 * with `fromHost`. Whole-product checks against the real host are in test/vscode.
 */
export interface WebviewUnderTest {
  page: Page;
  /** Messages the view posted to the host, in order. */
  posted(): Promise<unknown[]>;
  fromHost(message: unknown): Promise<void>;
  /** CSP violations the page reported. */
  violations(): Promise<string[]>;
  /** What the view last saved with setState (undefined: nothing yet). */
  state(): Promise<unknown>;
  close(): Promise<void>;
}

const dist = path.resolve(__dirname, '../../dist/webviews');
const types: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** Stands in for VS Code's webview host: defined before the bundle runs, with the page's nonce. */
const fakeHostScript = `
  window.__posted = [];
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
  let state = window.__initialState ?? undefined;
  let acquired = false;
  window.acquireVsCodeApi = () => {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage: (message) => window.__posted.push(structuredClone(message)),
      getState: () => state,
      setState: (s) => { state = s; window.__state = s; },
    };
  };`;

/**
 * `__settleAfter(message)` posts a host message and resolves once the view has handled it and
 * rendered the result. A listener added now runs after the view's own (listeners run in the
 * order they were added), and lit renders in a microtask after that: waiting on every element's
 * `updateComplete` (through shadow roots) makes a test's next read see the new DOM, however
 * loaded the machine. Messages are delivered in the order posted and nothing else posts to this
 * window, so the first message event after posting is this one. An update can schedule another
 * (a property set in `updated`), so it settles twice. Page text, like the fake host, because
 * the test bundle's helpers do not exist in the page.
 */
const settleScript = `
  window.__settleAfter = (message) => new Promise((resolve) => {
    const pending = () => {
      const out = [];
      const walk = (root) => {
        for (const el of root.querySelectorAll('*')) {
          if (el.updateComplete instanceof Promise) out.push(el.updateComplete);
          if (el.shadowRoot) walk(el.shadowRoot);
        }
      };
      walk(document);
      return out;
    };
    const handled = async () => {
      window.removeEventListener('message', handled);
      await Promise.all(pending());
      await Promise.all(pending());
      resolve();
    };
    window.addEventListener('message', handled);
    window.postMessage(message, '*');
  });`;

let browser: Browser | undefined;

/**
 * Opens a view. `initialState` is what `getState()` returns at load, as when VS Code shows a
 * view again after it was hidden: tests save `state()` of one page and open the next with it.
 */
export async function openWebview(name: WebviewName, title: string, options: { initialState?: unknown } = {}): Promise<WebviewUnderTest> {
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/') {
      const origin = `http://${req.headers.host}`;
      const nonce = newNonce();
      const html = webviewHtml({
        title,
        cspSource: origin,
        scriptUri: `${origin}/webviews/${name}.js`,
        codiconsUri: `${origin}/webviews/codicon.css`,
        nonce,
      }).replace('<body>', `<body>\n<script nonce="${nonce}">window.__initialState = ${JSON.stringify(options.initialState ?? null).replace(/</g, '\\u003c')};${fakeHostScript}${settleScript}</script>`);
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(html);
      return;
    }
    const file = path.join(dist, path.normalize(url.pathname.replace(/^\/webviews\//, '')));
    if (!file.startsWith(dist)) return void res.writeHead(403).end();
    try {
      const body = await readFile(file);
      res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  browser ??= await launchChromium();
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${port}/`);
  return {
    page,
    posted: () => page.evaluate(() => (window as unknown as { __posted: unknown[] }).__posted),
    fromHost: (message) => page.evaluate((m) => (window as unknown as { __settleAfter(m: unknown): Promise<void> }).__settleAfter(m), message),
    violations: () => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations),
    state: () => page.evaluate(() => (window as unknown as { __state?: unknown }).__state),
    async close() {
      await page.close();
      server.close();
    },
  };
}

export async function closeBrowser(): Promise<void> {
  await browser?.close();
  browser = undefined;
}
