import * as assert from 'node:assert/strict';
import { chatTitle } from '../../engine/protocol/chatView';
import { closeBrowser, openWebview, type WebviewUnderTest } from './webviewPage';

const state = { method: 'state', params: { version: '9.8.7', workspaceName: 'shop' } };

describe('the Chat webview in Chromium', () => {
  let view: WebviewUnderTest;
  beforeEach(async () => {
    view = await openWebview('chat', chatTitle);
    await view.page.locator('plumbline-chat h2').waitFor();
  });
  afterEach(() => view.close());
  after(() => closeBrowser());

  it('renders its empty state and asks the host for state with `ready`', async () => {
    await assert.doesNotReject(view.page.getByText('Chat with an agent about your plans').waitFor());
    assert.deepEqual(await view.posted(), [{ method: 'ready', params: {} }]);
    assert.equal(await view.page.locator('[data-testid=meta]').innerText(), 'Connecting…');
  });

  it('shows what the host sends', async () => {
    await view.fromHost(state);
    await view.page.getByText('Plumbline 9.8.7 · shop').waitFor();
  });

  it('rejects a host message of the wrong shape, reports it to the host, and keeps working', async () => {
    const warnings: string[] = [];
    view.page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await view.fromHost({ method: 'state', params: { version: 3 } });
    await view.fromHost({ method: 'launchMissiles', params: {} });
    await view.fromHost('<img src=x onerror=alert(1)>');
    const posted = await view.posted();
    const problems = posted.filter((m) => (m as { method: string }).method === 'reportProblem');
    assert.equal(problems.length, 3, JSON.stringify(posted));
    assert.match(JSON.stringify(problems[0]), /bad params for \\"state\\"/);
    assert.match(JSON.stringify(problems[1]), /unknown method \\"launchMissiles\\"/);
    assert.equal(warnings.length, 3);
    assert.equal(await view.page.locator('[data-testid=meta]').innerText(), 'Connecting…', 'nothing half-applied');

    await view.fromHost(state);
    await view.page.getByText('Plumbline 9.8.7 · shop').waitFor();
  });

  it('"Show Output" works from the keyboard', async () => {
    await view.page.keyboard.press('Tab');
    const focused = await view.page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName);
    assert.equal(focused, 'VSCODE-BUTTON');
    await view.page.keyboard.press('Enter');
    assert.deepEqual((await view.posted()).at(-1), { method: 'showOutput', params: {} });
  });

  it('runs under the strict CSP: nothing blocked while rendering, an injected inline script blocked', async () => {
    await view.fromHost(state);
    await view.page.getByText('Plumbline 9.8.7 · shop').waitFor();
    assert.deepEqual(await view.violations(), []);
    const ran = await view.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    assert.equal(ran, false);
    const violations = await view.violations();
    assert.equal(violations.length, 1);
    assert.match(violations[0], /^script-src/);
  });
});
