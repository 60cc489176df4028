import * as assert from 'node:assert/strict';
import { missionControlTitle, type DayStats, type RunEventRow, type RunRow } from '../../engine/protocol/missionControl';
import { closeBrowser, openWebview, type WebviewUnderTest } from './webviewPage';

const T = Date.UTC(2026, 10, 20, 10, 0, 0);
const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';

function run(id: string, over: Partial<RunRow>): RunRow {
  return {
    id, agent: 'qwen2.5-coder (Ollama)', agentKind: 'own', state: 'done', prompt: `Prompt of ${id}`, task: null, model: 'qwen2.5-coder',
    startedAt: T, endedAt: T + 1000, steps: 2, tokens: 0, cost: 0, error: null, ...over,
  };
}

function runs(): RunRow[] {
  const now = Date.now();
  return [
    run('r-running', { state: 'running', task: { file: 'plans/a.md', id: '2' }, startedAt: now - 5_000, endedAt: null, tokens: 1500, cost: 0.0123 }),
    run('r-done', { agent: 'claude-cli', agentKind: 'hub', prompt: 'Refactor the parser\nand keep the tests green', endedAt: T + 850, tokens: 12_345 }),
    run('r-failed', { state: 'failed', endedAt: T + 12_345, tokens: 900, cost: 2.5, error: 'ollama: connection refused' }),
    run('r-stopped', { state: 'stopped', endedAt: T + 245_000 }),
    run('r-quarantined', { state: 'quarantined', agent: 'aider', agentKind: 'hub' }),
    run('r-queued', { state: 'queued', startedAt: now, endedAt: null }),
    run('r-approval', { state: 'waiting-approval', startedAt: now - 1000, endedAt: null }),
    run('r-user', { state: 'waiting-user', startedAt: now - 1000, endedAt: null }),
  ];
}

/** A failed run's recorded events: two model steps (the first with a retry), one tool call, faults. */
const detailRun = run('r-failed', { state: 'failed', startedAt: T, endedAt: T + 10_000, tokens: 900, cost: 2.5, error: 'ollama: connection refused' });
const e = (seq: number, type: string, at: number, data: unknown): RunEventRow => ({ seq, type, at: T + at, data });
const detailEvents: RunEventRow[] = [
  e(1, 'start', 0, { prompt: 'Fix it', model: 'qwen2.5-coder', provider: 'ollama', task: null }),
  e(2, 'state', 10, { state: 'running' }),
  e(3, 'model-request', 100, { step: 1, attempt: 0, messages: 2 }),
  e(4, 'retry', 600, { attempt: 1, delayMs: 500, reason: 'rate-limit', status: 429, message: 'slow down' }),
  e(5, 'model-request', 1100, { step: 1, attempt: 1, messages: 2 }),
  e(6, 'model-response', 2100, { step: 1, durationMs: 1000, text: 'I will edit', toolCalls: ['edit_file'] }),
  e(7, 'usage', 2100, { input: 500, output: 100, total: { input: 500, output: 100 }, cost: 0.01 }),
  e(8, 'tool-call', 2200, { id: 'c1', name: 'edit_file', arguments: { path: 'src/a.ts', oldText: 'a', newText: 'b' } }),
  e(9, 'guard', 2300, { file: 'src/a.ts', violations: [{ kind: 'placeholder', severity: 'critical', line: 3 }] }),
  e(10, 'tool-result', 3200, { id: 'c1', name: 'edit_file', isError: true, content: `refused ${hostile}`, durationMs: 1000 }),
  e(11, 'approval', 3250, { kind: 'command', command: 'rm -rf /', reason: 'cleanup', approved: false }),
  e(12, 'model-request', 3300, { step: 2, attempt: 0, messages: 4 }),
  e(13, 'model-response', 4300, { step: 2, durationMs: 1000, text: '', toolCalls: [] }),
  e(14, 'error', 4400, { message: 'ollama: connection refused' }),
];

const days: DayStats[] = [
  { day: '2026-11-18', runs: 2, done: 1, finished: 2, withViolations: 0, tokens: 1000 },
  { day: '2026-11-19', runs: 5, done: 3, finished: 4, withViolations: 1, tokens: 12_345 },
  { day: '2026-11-20', runs: 4, done: 4, finished: 4, withViolations: 2, tokens: 4000 },
];

describe('the Mission Control webview in Chromium', () => {
  let view: WebviewUnderTest;
  const texts = (selector: string) => view.page.locator(selector).allInnerTexts();
  const methods = async () => (await view.posted()).map((m) => (m as { method: string }).method);
  const last = async () => (await view.posted()).at(-1);
  const cell = (runId: string, col: string) => view.page.locator(`tr[data-run-id="${runId}"] [data-col="${col}"]`).innerText();
  /** The element that has the focus, through the shadow roots: "TAG[attribute=value]". */
  const focused = () =>
    view.page.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      const data = el ? [...el.attributes].filter((a) => a.name.startsWith('data-')).map((a) => `[${a.name}=${a.value}]`).join('') : '';
      return `${el?.tagName ?? ''}${data}`;
    });
  /** Presses Tab until the focus is where `want` says, as a keyboard user would. */
  async function tabTo(want: RegExp, key: 'Tab' | 'Shift+Tab' = 'Tab') {
    for (let i = 0; i < 60; i++) {
      if (want.test(await focused())) return;
      await view.page.keyboard.press(key);
    }
    assert.fail(`Tab never reached ${want} (last: ${await focused()})`);
  }
  async function open(initialState?: unknown) {
    view = await openWebview('runs', missionControlTitle, { initialState });
    await view.page.locator('plumbline-mission-control h1').waitFor();
  }
  async function showDetail() {
    await view.page.locator('tr[data-run-id="r-failed"]').click();
    await view.fromHost({ method: 'runDetail', params: { run: detailRun, events: detailEvents } });
    await view.page.locator('[data-step]').first().waitFor();
  }

  beforeEach(async () => {
    await open();
    await view.fromHost({ method: 'runs', params: { runs: runs() } });
    await view.page.locator('tr[data-run-id]').first().waitFor();
  });
  afterEach(() => view.close());
  after(() => closeBrowser());

  it('posts ready, then lists own and hub runs in every state with task, duration, tokens and cost', async () => {
    assert.deepEqual((await view.posted())[0], { method: 'ready', params: {} });
    const ids = await view.page.locator('tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id')));
    assert.deepEqual(ids, runs().map((r) => r.id));
    assert.deepEqual(
      (await texts('[data-col="state"]')).map((t) => t.trim()),
      ['Running', 'Done', 'Failed', 'Stopped', 'Quarantined', 'Queued', 'Waiting for approval', 'Waiting for an answer'],
    );
    assert.equal((await cell('r-done', 'agent')).replace(/\s+/g, ' ').trim(), 'claude-cli hub');
    assert.equal((await cell('r-failed', 'agent')).replace(/\s+/g, ' ').trim(), 'qwen2.5-coder (Ollama) own');
    assert.equal(await cell('r-running', 'subject'), '2 · plans/a.md');
    assert.equal(await cell('r-done', 'subject'), 'Refactor the parser', 'the first line of the prompt');
    assert.match(await cell('r-failed', 'subject'), /connection refused/);
    assert.equal(await cell('r-done', 'duration'), '850 ms');
    assert.equal(await cell('r-failed', 'duration'), '12.3 s');
    assert.equal(await cell('r-stopped', 'duration'), '4 min 05 s');
    assert.equal(await cell('r-done', 'tokens'), '12,345');
    assert.equal(await cell('r-running', 'cost'), '$0.0123');
    assert.equal(await cell('r-failed', 'cost'), '$2.50');
    assert.equal(await cell('r-done', 'cost'), '', 'no cost shown when it is 0');
    assert.equal(await view.page.locator('[data-live-count]').innerText(), '4 live runs');
    assert.equal(await view.page.locator('[data-action="stop"]').count(), 4, 'Stop only on live runs');

    const before = await cell('r-running', 'duration');
    assert.match(before, /^\d+\.\d s$/);
    await view.page.waitForFunction(
      (was) => document.querySelector('plumbline-mission-control')?.shadowRoot?.querySelector('plumbline-run-list')?.shadowRoot
        ?.querySelector('tr[data-run-id="r-running"] [data-col="duration"]')?.textContent?.trim() !== was,
      before, { timeout: 3000 },
    );
    assert.ok(parseFloat(await cell('r-running', 'duration')) > parseFloat(before), 'a live duration ticks');
  });

  it('announces state changes politely and filters runs by state and text', async () => {
    const changed = runs().map((r) => (r.id === 'r-running' ? { ...r, state: 'done' as const, endedAt: Date.now() } : r));
    await view.fromHost({ method: 'runs', params: { runs: changed } });
    assert.equal(await view.page.locator('[data-announcement]').getAttribute('aria-live'), 'polite');
    assert.equal(await view.page.locator('[data-announcement]').innerText(), 'Run 2 · plans/a.md (qwen2.5-coder (Ollama)): Done.');

    await view.page.locator('vscode-textfield input').fill('PARSER');
    assert.deepEqual(await view.page.locator('tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))), ['r-done']);
    await view.page.locator('vscode-textfield input').fill('');
    await view.page.locator('[data-state-filter]').click();
    await view.page.locator('[data-state-filter]').getByRole('option', { name: 'Live', exact: true }).click();
    assert.deepEqual(
      await view.page.locator('tr[data-run-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-run-id'))),
      ['r-queued', 'r-approval', 'r-user'],
    );
    assert.equal(await view.page.locator('[data-run-count]').innerText(), '3 of 8 runs');
  });

  it('works from the keyboard: arrows and Enter select, Stop, Stop All, Release', async () => {
    await view.fromHost({ method: 'quarantines', params: { items: [{ agentId: 'a-1', agent: 'aider', reason: 'placeholder in src/a.ts', at: T, runId: 'r-quarantined' }] } });
    await view.page.locator('[data-agent-id="a-1"]').waitFor();
    await tabTo(/^TR\[data-run-id=r-running\]/);
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('ArrowDown');
    assert.match(await focused(), /^TR\[data-run-id=r-failed\]/);
    await view.page.keyboard.press('ArrowUp');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'selectRun', params: { runId: 'r-done' } });
    await view.page.keyboard.press('End');
    assert.match(await focused(), /^TR\[data-run-id=r-user\]/);
    await view.page.keyboard.press('Tab');
    assert.match(await focused(), /^VSCODE-BUTTON\[data-action=stop\]/);
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'stopRun', params: { runId: 'r-user' } });
    await view.page.keyboard.press('Tab');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'openConversation', params: { runId: 'r-user' } });

    await tabTo(/^VSCODE-BUTTON\[data-stop-all=\]/, 'Shift+Tab');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'stopAll', params: {} });
    await tabTo(/^VSCODE-BUTTON$/);
    assert.equal(await view.page.locator('[data-agent-id="a-1"] vscode-button').getAttribute('aria-label'), 'Release aider');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'release', params: { agentId: 'a-1' } });
    assert.deepEqual((await methods()).filter((m) => m === 'selectRun').length, 1, 'buttons in a row do not select it');

    await view.fromHost({ method: 'runs', params: { runs: runs().filter((r) => ['done', 'failed'].includes(r.state)) } });
    assert.equal(await view.page.locator('[data-stop-all]').getAttribute('disabled'), '');
    assert.equal(await view.page.locator('[data-live-count]').innerText(), 'No live runs');
  });
});
