import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { z } from 'zod';
import { ensureCodeServer, freePort, quietSettings, startCodeServer, vsCodeLines, workbenchUrl, type CodeServer, type VsCodeLine } from '../../../scripts/codeServer';
import { launchChromium } from '../../chromium';
import { deepText, findWebviewFrame, postFromWebview } from './page';
import {
  ArtifactRequest,
  LogRequest,
  RunResult,
  ScreenshotRequest,
  TestEvent,
  WebviewBoxRequest,
  WebviewClickRequest,
  WebviewPostRequest,
  WebviewTextRequest,
  WebviewTextsRequest,
  WebviewTypeRequest,
  WorkbenchClickRequest,
  WorkbenchTextRequest,
  WorkbenchTypeRequest,
} from './protocol';

/**
 * Runs the extension tests (dist/test/vscode) inside a real VS Code: the VS Code server from
 * code-server, its workbench opened by headless Chromium with the extension under development
 * and the test suite named in the URL's payload. The tests report to this process over loopback
 * HTTP and ask it for screenshots and for what the page shows. The whole suite runs on each VS
 * Code line of scripts/codeServer.ts (the oldest engines.vscode promises and the newest), one
 * after the other; PLUMBLINE_VSCODE_VERSIONS=oldest|newest|both (default both) picks. Exits
 * non-zero on any failure on any line, on no result, and on a timeout; always stops the server
 * and the browser.
 */
const root = path.resolve(__dirname, '../../..');
const timeoutMs = Number(process.env.PLUMBLINE_VSCODE_TEST_TIMEOUT_MS ?? 300_000);
/** The suite to run; the runner's own checks (test/vscode/runner.test.ts) point it at broken ones. */
const suite = path.resolve(root, process.env.PLUMBLINE_VSCODE_SUITE ?? 'dist/test/vscode/index.js');
/** Another suite's artifacts go elsewhere, so the runner's own checks keep the real run's logs. */
const artifactsRoot = path.join(root, 'test/artifacts', process.env.PLUMBLINE_VSCODE_SUITE ? 'other-suites' : '');

/** The lines PLUMBLINE_VSCODE_VERSIONS names, oldest first; undefined for a value it does not know. */
function selectedLines(): readonly VsCodeLine[] | undefined {
  const choice = process.env.PLUMBLINE_VSCODE_VERSIONS || 'both';
  if (choice === 'both') return vsCodeLines;
  const line = vsCodeLines.find((l) => l.name === choice);
  return line && [line];
}

async function main(): Promise<number> {
  const lines = selectedLines();
  if (!lines) {
    console.error(`vscode tests: PLUMBLINE_VSCODE_VERSIONS is "${process.env.PLUMBLINE_VSCODE_VERSIONS}"; use oldest, newest or both`);
    return 1;
  }
  if (!existsSync(path.join(root, 'dist/client.js')) || !existsSync(suite)) {
    console.error(`vscode tests: ${path.relative(root, suite)} is not built; run \`npm run build\` first`);
    return 1;
  }
  const outcomes: { line: VsCodeLine; summary: string; ok: boolean }[] = [];
  for (const line of lines) {
    console.log(`\nVS Code ${line.vscode} (code-server ${line.codeServer}${line.node ? `, Node ${line.node}` : ''})`);
    const result = await runOn(line);
    const summary = 'error' in result ? result.error : `${result.passed} passed, ${result.failed} failed${result.pending ? `, ${result.pending} skipped` : ''}`;
    const ok = !('error' in result) && result.failed === 0 && result.passed > 0;
    console.log(`\nVS Code ${line.vscode}: ${summary}`);
    outcomes.push({ line, summary, ok });
  }
  if (outcomes.length > 1) {
    console.log('\nVS Code tests:');
    for (const { line, summary } of outcomes) console.log(`  VS Code ${line.vscode}: ${summary}`);
  }
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

/** The whole suite on one line: its own server, browser, workspace and artifacts folder. */
async function runOn(line: VsCodeLine): Promise<z.infer<typeof RunResult> | { error: string }> {
  const artifacts = path.join(artifactsRoot, `vscode-${line.vscode}`);
  await mkdir(artifacts, { recursive: true });
  const serverLog: string[] = [];
  let browser: Browser | undefined;
  let server: CodeServer | undefined;
  let runnerHttp: { url: string; close(): void } | undefined;
  let tmp: string | undefined;
  let page: Page | undefined;
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await browser?.close().catch(() => undefined);
    await server?.stop();
    runnerHttp?.close();
    await writeFile(path.join(artifacts, 'vscode-server.log'), serverLog.join(''));
    if (tmp) {
      // VS Code's own logs (extension host, window, output channels), for a failure's why.
      await rm(path.join(artifacts, 'logs'), { recursive: true, force: true });
      await cp(path.join(tmp, 'user', 'logs'), path.join(artifacts, 'logs'), { recursive: true }).catch(() => undefined);
      await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
    }
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const serverMain = await ensureCodeServer((text) => console.log(text), line);
    tmp = await mkdtemp(path.join(os.tmpdir(), 'plumbline-vscode-test-'));
    const workspace = path.join(tmp, 'demo');
    await cp(path.join(root, 'demo'), workspace, { recursive: true });
    const results = createResults();
    runnerHttp = await startRunnerServer(() => page, tmp, artifacts, results);
    const port = await freePort();
    server = await startCodeServer({
      serverMain,
      port,
      userDataDir: path.join(tmp, 'user'),
      extensionsDir: path.join(tmp, 'extensions'),
      extensions: [path.join(root, 'test/vscode/lmFixture')],
      // Keystrokes land as typed: a suggestion that pops up on a slow machine would take the Enter.
      settings: { ...quietSettings, 'editor.quickSuggestions': { other: false, comments: false, strings: false }, 'editor.suggestOnTriggerCharacters': false, 'editor.acceptSuggestionOnEnter': 'off' },
      env: { PLUMBLINE_TEST_RUNNER_URL: runnerHttp.url },
      output: (chunk) => serverLog.push(chunk),
    });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (err) => serverLog.push(`[page error] ${err.message}\n`));
    page.on('console', (message) => message.type() === 'error' && serverLog.push(`[console error] ${message.text()}\n`));
    const url = workbenchUrl(port, workspace, { extensionPath: root, testsPath: suite, enableProposedApi: true });
    await page.goto(url);
    const serverExit = new Promise<never>((_, reject) =>
      server?.process.once('exit', (code) => reject(new Error(`the VS Code server exited (code ${code})`))),
    );
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no result within ${timeoutMs / 1000} s`)), timeoutMs).unref(),
    );
    return await Promise.race([results.done, serverExit, timeout]);
  } catch (err) {
    const error = `vscode tests: ${err instanceof Error ? err.message : String(err)}`;
    console.error(error);
    if (page) await page.screenshot({ path: path.join(artifacts, 'vscode-failure.png') }).catch(() => undefined);
    console.error(`(server log: ${path.relative(root, path.join(artifacts, 'vscode-server.log'))})`);
    return { error };
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

function createResults() {
  let resolve!: (result: z.infer<typeof RunResult>) => void;
  const done = new Promise<z.infer<typeof RunResult>>((r) => (resolve = r));
  return { done, resolve };
}

/** The loopback HTTP server the tests talk to; each route validates its body with zod. */
async function startRunnerServer(
  getPage: () => Page | undefined,
  tmp: string,
  artifacts: string,
  results: ReturnType<typeof createResults>,
): Promise<{ url: string; close(): void }> {
  const routes: Record<string, (body: unknown, page: Page) => Promise<unknown>> = {
    '/event': async (body, page) => {
      const event = TestEvent.parse(body);
      const mark = { passed: '✔', failed: '✘', pending: '-' }[event.state];
      console.log(`  ${mark} ${event.title}${event.durationMs ? ` (${event.durationMs} ms)` : ''}`);
      if (event.error) console.log(event.error.replace(/^/gm, '      '));
      // The workbench as the failed test left it, before the next test changes it.
      if (event.state === 'failed') {
        const name = `failed-${event.title.replace(/[^\w]+/g, '-').slice(0, 80)}.png`;
        await page.screenshot({ path: path.join(artifacts, name) }).catch(() => undefined);
        console.log(`      (screenshot: ${path.relative(root, path.join(artifacts, name))})`);
      }
      return {};
    },
    '/result': async (body) => {
      results.resolve(RunResult.parse(body));
      return {};
    },
    '/screenshot': async (body, page) => {
      const { name } = ScreenshotRequest.parse(body);
      const file = path.join(artifacts, `${name}.png`);
      await page.screenshot({ path: file });
      return { file };
    },
    '/workbench-text': async (body, page) => {
      const { selector } = WorkbenchTextRequest.parse(body);
      const text = await page.locator(selector).first().innerText({ timeout: 5_000 }).catch(() => '');
      return { text };
    },
    '/workbench-click': async (body, page) => {
      const { selector, hasText, inner, press } = WorkbenchClickRequest.parse(body);
      let target = page.locator(selector);
      if (hasText) target = target.filter({ hasText });
      if (inner) target = target.locator(inner);
      await target.first().click({ timeout: 10_000 });
      if (press) await page.keyboard.press(press);
      return {};
    },
    '/workbench-type': async (body, page) => {
      const { selector, text } = WorkbenchTypeRequest.parse(body);
      await page.locator(selector).first().focus({ timeout: 10_000 });
      for (const part of text.split(/(\n)/)) {
        if (part === '\n') await page.keyboard.press('Enter');
        else if (part) await page.keyboard.type(part, { delay: 15 });
      }
      return {};
    },
    '/webview-text': async (body, page) => {
      const { title } = WebviewTextRequest.parse(body);
      return { text: await deepText(await findWebviewFrame(page, title)) };
    },
    '/webview-texts': async (body, page) => {
      const { title, selector } = WebviewTextsRequest.parse(body);
      const frame = await findWebviewFrame(page, title);
      return { texts: await frame.locator(selector).allInnerTexts() };
    },
    '/webview-box': async (body, page) => {
      const { title, selector } = WebviewBoxRequest.parse(body);
      const frame = await findWebviewFrame(page, title);
      return frame.locator(selector).first().evaluate((element) => {
        const style = getComputedStyle(element);
        const lineHeight = Number.parseFloat(style.lineHeight) || Number.parseFloat(style.fontSize) * 1.2;
        return { height: element.getBoundingClientRect().height, lineHeight };
      });
    },
    '/webview-click': async (body, page) => {
      const { title, selector } = WebviewClickRequest.parse(body);
      await (await findWebviewFrame(page, title)).locator(selector).first().click({ timeout: 10_000 });
      return {};
    },
    '/webview-type': async (body, page) => {
      const { title, selector, text, press } = WebviewTypeRequest.parse(body);
      const target = (await findWebviewFrame(page, title)).locator(selector).first();
      await target.click({ timeout: 10_000 });
      await target.pressSequentially(text);
      if (press) await target.press(press);
      return {};
    },
    '/webview-post': async (body, page) => {
      const { title, message } = WebviewPostRequest.parse(body);
      await postFromWebview(await findWebviewFrame(page, title), message);
      return {};
    },
    '/artifact': async (body) => {
      const { name, content } = ArtifactRequest.parse(body);
      const file = path.join(artifacts, name);
      await writeFile(file, content);
      return { file };
    },
    '/log': async (body) => {
      const { channel } = LogRequest.parse(body);
      return { text: await readChannelLog(path.join(tmp, 'user', 'logs'), channel) };
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const route = routes[req.url ?? ''];
      const page = getPage();
      const reply = (status: number, value: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (!route || req.method !== 'POST') return reply(404, { error: `no route ${req.method} ${req.url}` });
      if (!page) return reply(503, { error: 'the page is not open yet' });
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'body is not JSON' });
      }
      route(body, page).then(
        (value) => reply(200, value),
        (err: unknown) => reply(500, { error: err instanceof Error ? err.message : String(err) }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() };
}

/** Output channels with `log: true` write `<n>-<Channel name>.log` files under the logs folder. */
async function readChannelLog(logsDir: string, channel: string): Promise<string> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full);
      else if (entry.name.endsWith(`-${channel}.log`) || entry.name === `${channel}.log`) found.push(full);
    }
  };
  await walk(logsDir);
  const texts = await Promise.all(found.map((file) => readFile(file, 'utf8')));
  return texts.join('\n');
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`vscode tests: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
