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
const detailRun = run('r-failed', { state: 'failed', startedAt: T, endedAt: T + 12_345, tokens: 900, cost: 2.5, error: 'ollama: connection refused' });
const e = (seq: number, type: string, at: number, data: unknown): RunEventRow => ({ seq, type, at: T + at, data });
const detailEvents: RunEventRow[] = [
  e(1, 'start', 0, { prompt: 'Fix it', model: 'qwen2.5-coder', provider: 'ollama', task: null }),
  e(2, 'state', 10, { state: 'running' }),
  e(3, 'model-request', 100, { step: 1, attempt: 0, messages: 2 }),
  e(4, 'retry', 600, { attempt: 1, delayMs: 500, reason: 'rate-limit', status: 429, message: 'slow down' }),
  e(5, 'model-request', 1100, { step: 1, attempt: 1, messages: 2 }),
  e(6, 'model-response', 2100, { step: 1, durationMs: 1000, text: 'I will edit', toolCalls: ['edit_file'] }),
  e(7, 'usage', 2100, { input: 500, output: 100, total: { input: 500, output: 100 }, cost: 0.01 }),
  e(8, 'tool-call', 2200, { id: 'c1', name: 'edit_file', arguments: JSON.stringify({ path: 'src/a.ts', oldText: 'a', newText: 'b' }) }),
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
    await view.fromHost({ method: 'runs', params: { runs: [run('r-new', { state: 'queued', endedAt: null }), ...runs()] } });
    await view.page.locator('tr[data-run-id="r-new"]').waitFor();
    assert.match(await focused(), /^TR\[data-run-id=r-failed\]/, 'a new run on top does not move the focus to another run');
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
    // The host message is handled before lit renders it: wait for the render, not for a fixed time.
    await view.page.locator('[data-stop-all][disabled]').waitFor();
    assert.equal(await view.page.locator('[data-stop-all]').getAttribute('disabled'), '');
    assert.equal(await view.page.locator('[data-live-count]').innerText(), 'No live runs');
  });

  it('shows a run as a timeline: one bar per model step and tool call, as long as it took, live', async () => {
    await showDetail();
    assert.equal(await view.page.locator('[data-detail-title]').innerText(), 'Run: Prompt of r-failed');
    assert.deepEqual(await view.page.locator('[data-step] .label').allTextContents(), [
      'model step 1 · 2.0 s, from +0.100 s',
      'edit_file src/a.ts · 1.0 s (failed), from +2.200 s',
      'model step 2 · 1.0 s, from +3.300 s',
    ]);
    const box = (i: number) => view.page.locator('[data-step] .bar').nth(i).boundingBox();
    const [model1, tool, model2] = [await box(0), await box(1), await box(2)];
    assert.ok(model1 && tool && model2);
    assert.ok(Math.abs(model1.width - 2 * tool.width) < 2, `a 2 s bar is twice a 1 s bar (${model1.width} vs ${tool.width})`);
    assert.ok(Math.abs(model2.width - tool.width) < 1.5);
    assert.ok(model1.x < tool.x && tool.x < model2.x, 'bars start where their steps started');
    const track = await view.page.locator('[data-step] .track').first().boundingBox();
    assert.ok(track && Math.abs(model1.width - (track.width * 2000) / 12_345) < 2, 'the 2 s step against the 12.3 s run');

    await view.fromHost({ method: 'runEvent', params: { runId: 'r-failed', event: e(15, 'tool-call', 4400, { id: 'c2', name: 'run_command', arguments: JSON.stringify({ command: 'npm test' }) }) } });
    await view.fromHost({ method: 'runEvent', params: { runId: 'r-failed', event: e(16, 'tool-result', 4435, { id: 'c2', name: 'run_command', isError: false, content: 'ok', durationMs: 35 }) } });
    await view.fromHost({ method: 'runEvent', params: { runId: 'r-done', event: e(17, 'tool-call', 4500, { id: 'c3', name: 'read_file', arguments: JSON.stringify({ path: 'x' }) }) } });
    await view.fromHost({ method: 'runEvent', params: { runId: 'r-failed', event: e(16, 'tool-result', 4435, { id: 'c2', name: 'dup' }) } });
    await view.page.locator('[data-step]').nth(3).waitFor();
    assert.equal(await view.page.locator('[data-step]').count(), 4, 'the other run\'s event is ignored');
    assert.equal((await view.page.locator('[data-step] .label').allTextContents())[3], 'run_command npm test · 35 ms, from +4.400 s');
    assert.equal(await view.page.locator('[data-event-count]').innerText(), '16 events', 'a repeated seq is not appended twice');
    assert.deepEqual(await view.violations(), [], 'bars are placed without style attributes');
  });

  it('filters events by kind and level, and opens a payload as pretty JSON', async () => {
    await showDetail();
    const types = () => view.page.locator('[data-seq]').evaluateAll((els) => els.map((el) => el.getAttribute('data-type')));
    assert.equal((await types()).length, 14);
    await view.page.locator('[data-kind-filter="model"]').click();
    assert.deepEqual(await types(), ['start', 'state', 'retry', 'tool-call', 'guard', 'tool-result', 'approval', 'error']);
    await view.page.locator('[data-kind-filter="tool"]').click();
    assert.deepEqual(await types(), ['start', 'state', 'retry', 'guard', 'approval', 'error']);
    await view.page.locator('[data-level-filter="info"]').click();
    assert.deepEqual(await types(), ['retry', 'guard', 'approval', 'error']);
    await view.page.locator('[data-kind-filter="tool"]').click();
    await view.page.locator('[data-level-filter="warning"]').click();
    assert.deepEqual(await types(), ['guard', 'tool-result', 'error'], 'errors: a guard violation, a failed tool, an error');
    assert.equal(await view.page.locator('[data-event-count]').innerText(), '3 of 14 events shown');
    assert.deepEqual(await texts('[data-seq="9"] .time'), ['+2.300 s']);

    const toggle = view.page.locator('[data-seq="9"] button');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.focus();
    await view.page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await view.page.locator('[data-seq="9"] pre').innerText(), JSON.stringify(detailEvents[8].data, null, 2));
    assert.deepEqual((await view.state() as { expanded: number[] }).expanded, [9]);
    await toggle.click();
    assert.equal(await view.page.locator('[data-seq="9"] pre').count(), 0);
  });

  it('charts runs, success rate, violation rate and tokens per day, with a table of the numbers', async () => {
    await view.page.locator('[data-charts-empty]').waitFor();
    await view.fromHost({ method: 'stats', params: { days } });
    await view.page.locator('[data-chart]').first().waitFor();
    for (const chart of ['runs', 'success', 'violations', 'tokens']) {
      assert.equal(await view.page.locator(`[data-chart="${chart}"] [data-point]`).count(), 3, chart);
      assert.equal(await view.page.locator(`[data-chart="${chart}"] svg`).getAttribute('role'), 'img');
      assert.deepEqual(await view.page.locator(`[data-chart="${chart}"] [data-axis="first"], [data-chart="${chart}"] [data-axis="last"]`).allTextContents(), ['Nov 18', 'Nov 20']);
    }
    assert.deepEqual(await texts('[data-chart] h3'), ['Runs per day', 'Success rate', 'Violation rate', 'Tokens per day']);
    assert.equal(await view.page.locator('[data-chart="success"] [data-point="2026-11-19"] title').textContent(), '2026-11-19: 75 % (3 done of 4 finished)');
    assert.equal(await view.page.locator('[data-chart="runs"] [data-axis="max"]').textContent(), '5');
    assert.equal(await view.page.locator('[data-chart="tokens"] [data-axis="max"]').textContent(), '12.3k');
    assert.equal(await view.page.locator('[data-chart="success"] [data-axis="max"]').textContent(), '100 %');
    // Taller bar, bigger number: the runs bar of the 19th (5) is taller than the 18th's (2).
    const bar = (day: string) => view.page.locator(`[data-chart="runs"] [data-point="${day}"]`).boundingBox();
    const [small, big] = [await bar('2026-11-18'), await bar('2026-11-19')];
    assert.ok(small && big && Math.abs(big.height / small.height - 2.5) < 0.05, `${small?.height} ${big?.height}`);

    const rows = (chart: string) => view.page.locator(`#table-${chart} tbody tr`).allTextContents();
    assert.deepEqual(await rows('success'), ['2026-11-1850 % (1 done of 2 finished)', '2026-11-1975 % (3 done of 4 finished)', '2026-11-20100 % (4 done of 4 finished)']);
    assert.deepEqual(await rows('tokens'), ['2026-11-181,000 tokens', '2026-11-1912,345 tokens', '2026-11-204,000 tokens']);
    assert.equal(await view.page.locator('#table-violations').isVisible(), true, 'visually hidden, yet in the page for screen readers');
    await view.page.locator('[data-toggle-tables]').click();
    assert.equal(await view.page.locator('#table-runs').evaluate((t) => t.getBoundingClientRect().height > 20), true, 'shown on demand');
  });

  it('shows hostile prompts and payloads as text, under the strict CSP', async () => {
    const evil = runs().map((r) => (r.id === 'r-failed' ? { ...r, prompt: hostile, error: hostile } : r));
    await view.fromHost({ method: 'runs', params: { runs: evil } });
    await view.fromHost({ method: 'quarantines', params: { items: [{ agentId: 'a', agent: hostile, reason: hostile, at: T, runId: null }] } });
    await showDetail();
    await view.page.locator('[data-seq="10"] button').click();
    await view.page.locator('[data-seq="10"] pre').waitFor();
    assert.ok((await cell('r-failed', 'subject')).includes(hostile));
    assert.ok((await view.page.locator('[data-seq="10"] pre').innerText()).includes(`refused ${hostile.replace(/"/g, '\\"')}`));
    assert.ok((await view.page.locator('[data-seq="10"] .summary').innerText()).includes('<img src=x'));
    assert.equal(await view.page.locator('[data-agent-id="a"] .agent').innerText(), hostile);
    assert.equal(await view.page.locator('[data-agent-id="a"] .reason').innerText(), hostile);
    assert.equal(await view.page.locator('img').count(), 0);
    assert.equal(await view.page.locator('plumbline-mission-control script').count(), 0);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(await view.violations(), []);
  });

  it('restores the selected run, filters and open payloads when shown again', async () => {
    await showDetail();
    await view.page.locator('vscode-textfield input').fill('connection refused');
    await view.page.locator('[data-kind-filter="model"]').click();
    await view.page.locator('[data-seq="14"] button').click();
    const saved = await view.state();
    await view.close();

    await open(saved);
    assert.deepEqual(await view.posted(), [{ method: 'ready', params: {} }, { method: 'selectRun', params: { runId: 'r-failed' } }]);
    assert.equal(await view.page.locator('vscode-textfield').evaluate((f) => (f as unknown as { value: string }).value), 'connection refused');
    await view.fromHost({ method: 'runs', params: { runs: runs() } });
    await view.fromHost({ method: 'runDetail', params: { run: detailRun, events: detailEvents } });
    await view.page.locator('[data-seq="14"] pre').waitFor();
    assert.equal(await view.page.locator('tr[data-run-id="r-done"]').count(), 0, 'the text filter is applied');
    assert.equal(await view.page.locator('[data-type="model-request"]').count(), 0, 'the kind filter is applied');
    assert.equal(await view.page.locator('[data-kind-filter="model"]').evaluate((c) => (c as unknown as { checked: boolean }).checked), false);
    assert.equal(await view.page.locator('tr[data-run-id="r-failed"]').getAttribute('aria-current'), 'true');

    await view.close();
    await open({ ...(saved as object), selectedRunId: 'r-pruned', expanded: 'garbage' });
    assert.deepEqual((await view.posted()).at(-1), { method: 'selectRun', params: { runId: 'r-pruned' } });
    await view.fromHost({ method: 'runs', params: { runs: runs() } });
    assert.equal(await view.page.locator('[data-detail-empty]').innerText(), 'This run is no longer in the list.');
  });

  it('rejects host messages of the wrong shape, reports them, and keeps working', async () => {
    await view.fromHost({ method: 'runs', params: { runs: [{ ...runs()[0], state: 'exploded' }] } });
    await view.fromHost({ method: 'runEvent', params: { runId: 'r-failed', event: { type: 'error', at: T, data: {} } } });
    await view.fromHost({ method: 'selfDestruct', params: {} });
    await view.fromHost({ method: 'stats', params: { days: [{ ...days[0], day: '18/11/2026' }] } });
    const problems = (await view.posted()).filter((m) => (m as { method: string }).method === 'reportProblem');
    assert.equal(problems.length, 4, JSON.stringify(problems));
    assert.match(JSON.stringify(problems[0]), /bad params for \\"runs\\"/);
    assert.match(JSON.stringify(problems[2]), /unknown method \\"selfDestruct\\"/);
    assert.equal(await view.page.locator('tr[data-run-id]').count(), 8, 'the last good list stays');
    assert.equal(await view.page.locator('[data-charts-empty]').count(), 1);

    await view.fromHost({ method: 'runs', params: { runs: runs().slice(0, 2) } });
    await view.page.locator('tr[data-run-id]').nth(2).waitFor({ state: 'detached' });
    await view.page.locator('tr[data-run-id="r-done"]').click();
    assert.deepEqual(await last(), { method: 'selectRun', params: { runId: 'r-done' } });
    await view.fromHost({ method: 'runDetail', params: { run: runs()[1], events: [e(1, 'start', 0, { prompt: 'p' })] } });
    await view.page.locator('[data-seq="1"]').waitFor();
  });
});
