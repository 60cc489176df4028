import * as assert from 'node:assert/strict';
import { plansBoardTitle } from '../../engine/protocol/plansBoard';
import type { PlanSummary, TaskSummary } from '../../engine/protocol/plans';
import { closeBrowser, openWebview, type WebviewUnderTest } from './webviewPage';

function task(over: Partial<TaskSummary>): TaskSummary {
  return {
    id: '1', title: 'A task', status: 'todo', rawStatus: 'todo', priority: null, dependencies: [], dialect: 'task-heading',
    line: 0, boxLine: null, assignee: null, started: null, completed: null, lastUpdated: null, effort: null, parent: null,
    deliverables: [], problems: [], ...over,
  };
}

const plan: PlanSummary = {
  uri: 'file:///w/plans/a.md',
  file: 'plans/a.md',
  dialects: ['task-heading'],
  checkboxes: { open: 2, done: 1 },
  problemCount: 1,
  tasks: [
    task({ id: '1', title: 'Schema', status: 'done', priority: 'critical', line: 3 }),
    task({
      id: '2', title: 'Webhook <img src=x onerror=alert(1)>', status: 'in-progress', priority: 'high', line: 9, dependencies: ['1'],
      deliverables: [
        { line: 12, text: 'Validate signature', mark: 'x', done: true },
        { line: 13, text: 'Reject big payloads', mark: ' ', done: false },
      ],
    }),
    task({ id: '3', title: 'Retries', status: 'blocked', priority: 'medium', line: 20, problems: ['task "3" depends on "7"'] }),
    task({ id: '4', title: 'Report', status: 'todo', priority: 'low', line: 30 }),
  ],
};

describe('the Plans board webview in Chromium', () => {
  let view: WebviewUnderTest;
  const texts = (selector: string) => view.page.locator(selector).allInnerTexts();

  beforeEach(async () => {
    view = await openWebview('plans', plansBoardTitle);
    await view.page.locator('plumbline-plans-board').waitFor();
    await view.fromHost({ method: 'plans', params: { plans: [plan], ready: true, complete: true } });
    await view.page.locator('[data-plan="plans/a.md"]').waitFor();
  });
  afterEach(() => view.close());
  after(() => closeBrowser());

  it('shows progress per file and tasks grouped by status', async () => {
    assert.deepEqual(await texts('[data-progress]'), ['2/6 done']);
    assert.equal(await view.page.locator('progress').evaluate((p) => `${(p as HTMLProgressElement).value}/${(p as HTMLProgressElement).max}`), '2/6');
    assert.deepEqual((await texts('[data-group] h3')).map((t) => t.replace(/\s+/g, ' ')), ['IN PROGRESS 1', 'TO DO 1', 'BLOCKED 1', 'DONE 1']);
    assert.deepEqual(await texts('[data-problems]'), ['1 problem(s)']);
    assert.match((await texts('[data-task-id="3"]'))[0], /depends on "7"/);
  });

  it('renders a hostile title as text, never as HTML', async () => {
    assert.match((await texts('[data-task-id="2"] .title'))[0], /Webhook <img src=x onerror=alert\(1\)>/);
    assert.equal(await view.page.locator('[data-task-id="2"] img').count(), 0);
  });

  it('filters by text, priority and status, and keeps the filters in the view state', async () => {
    await view.page.locator('vscode-textfield').locator('input').fill('webhook');
    assert.deepEqual(await view.page.locator('[data-task-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id'))), ['2']);
    await view.page.locator('vscode-textfield').locator('input').fill('');
    await view.page.locator('[data-status-filter="done"]').click();
    const ids = await view.page.locator('[data-task-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-task-id')));
    assert.deepEqual(ids.sort(), ['2', '3', '4']);
    const state = await view.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
    assert.ok(!(state as { filters: { statuses: string[] } }).filters.statuses.includes('done'));
  });

  it('sends open, toggle, set-status and run-agent to the host', async () => {
    await view.page.locator('[data-task-id="4"] .title').click();
    await view.page.locator('vscode-checkbox[data-line="13"]').click();
    await view.page.locator('[data-task-id="2"] vscode-button').click();
    const posted = (await view.posted()).slice(1);
    assert.deepEqual(posted, [
      { method: 'openTask', params: { uri: plan.uri, line: 30 } },
      { method: 'toggleCheckbox', params: { uri: plan.uri, line: 13, text: 'Reject big payloads' } },
      { method: 'runAgent', params: { uri: plan.uri, taskId: '2' } },
    ]);
  });

  it('works from the keyboard: Tab to a task title and Enter opens it', async () => {
    const target = view.page.locator('[data-task-id="1"] .title');
    await target.focus();
    await view.page.keyboard.press('Enter');
    assert.deepEqual((await view.posted()).at(-1), { method: 'openTask', params: { uri: plan.uri, line: 3 } });
  });

  it('shows the plans read so far while the server reads the rest, and says so until every plan is in', async () => {
    const other = { ...plan, uri: 'file:///w/plans/b.md', file: 'plans/b.md' };
    await view.fromHost({ method: 'plans', params: { plans: [plan], ready: true, complete: false } });
    assert.deepEqual(await texts('.reading'), ['Reading the plan files of this workspace… 1 so far']);
    assert.deepEqual(await texts('[data-progress]'), ['2/6 done'], 'the open plan is on the board already');
    await view.fromHost({ method: 'plans', params: { plans: [plan, other], ready: true, complete: true } });
    assert.deepEqual(await texts('.reading'), []);
    assert.equal(await view.page.locator('[data-plan]').count(), 2);
  });

  it('shows a notice from the host, and rejects a host message of the wrong shape without losing the board', async () => {
    await view.fromHost({ method: 'notice', params: { message: 'The agent engine is not available.' } });
    await view.page.getByText('The agent engine is not available.').waitFor();
    await view.fromHost({ method: 'plans', params: { plans: [{ ...plan, tasks: 'nope' }], ready: true, complete: true } });
    const problems = (await view.posted()).filter((m) => (m as { method: string }).method === 'reportProblem');
    assert.equal(problems.length, 1);
    assert.deepEqual(await texts('[data-progress]'), ['2/6 done'], 'the board still shows the last good plans');
    assert.deepEqual(await view.violations(), []);
  });
});
