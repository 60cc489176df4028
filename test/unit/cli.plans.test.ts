import * as assert from 'node:assert/strict';
import { demoPlanFiles } from '../fixtures/demoPlans';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The built CLI (dist/cli.js) on copies of the demo plans, as a script or CI would run it. */
const bin = path.resolve(__dirname, '../../dist/cli.js');
const demo = path.resolve(__dirname, '../../demo');

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('plumbline plans (CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-cli-'));
    cpSync(demo, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists every plan of the workspace with the JSON shape of SPEC §7', () => {
    const { code, stdout } = cli(dir, 'plans', '--json');
    assert.equal(code, 0);
    const { plans } = JSON.parse(stdout);
    assert.deepEqual(
      plans.map((p: { file: string }) => p.file),
      demoPlanFiles,
      'README.md has no tasks and is not a plan',
    );
    const heading = plans.find((p: { file: string }) => p.file === 'plans/task-heading.md');
    assert.deepEqual(Object.keys(heading), ['file', 'dialects', 'tasks', 'checkboxes', 'problems']);
    assert.deepEqual(heading.tasks[1], {
      id: '2',
      title: 'Harden the Webhook Endpoint',
      status: 'in-progress',
      rawStatus: 'in-progress',
      priority: 'high',
      dependencies: ['1'],
      dialect: 'task-heading',
      line: 27,
      checkboxes: { open: 0, done: 0 },
    });
    assert.deepEqual(heading.checkboxes, { open: 2, done: 2 });
    assert.deepEqual(heading.problems[0], {
      code: 'unknown-dependency',
      severity: 'warning',
      line: 42,
      taskId: '4',
      message: 'task "4" depends on "7", which is no task in the workspace\'s plans',
    });
  });

  it('--check exits 1 when a plan has problems, 0 when not', () => {
    assert.equal(cli(dir, 'plans', '--check', 'plans/task-heading.md').code, 1);
    assert.equal(cli(dir, 'plans', '--check', 'plans/table.md').code, 0);
  });

  it('set-status rewrites the status in place, with dates and the To-dos line', () => {
    const file = path.join(dir, 'plans/task-heading.md');
    const before = readFileSync(file, 'utf8');
    const { code, stdout } = cli(dir, 'plans', 'set-status', 'plans/task-heading.md', '2', 'done', '--date', '2026-11-23', '--json');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { file: 'plans/task-heading.md', taskId: '2', status: 'done', changed: true });
    const after = readFileSync(file, 'utf8');
    assert.match(after, /\*\*Status\*\*: completed \| \*\*Priority\*\*: high/);
    assert.match(after, /\*\*Started\*\*: 2026-03-04\n\*\*Completed\*\*: 2026-11-23\n\*\*Last Updated\*\*: 2026-11-23/);
    assert.match(after, /- \[x\] Complete Task 2: Harden/);
    assert.equal(after.split('\n').length, before.split('\n').length + 1, 'one line added, none lost');
    const again = cli(dir, 'plans', 'set-status', 'plans/task-heading.md', '2', 'done', '--json');
    assert.equal(JSON.parse(again.stdout).changed, false);
  });

  it('toggle flips exactly one character and keeps CRLF', () => {
    const file = path.join(dir, 'plans/crlf.md');
    const before = readFileSync(file);
    const { code, stdout } = cli(dir, 'plans', 'toggle', 'plans/crlf.md', '7', '--json');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), { file: 'plans/crlf.md', taskId: '1', status: 'done', changed: true });
    const after = readFileSync(file);
    assert.equal(after.length, before.length);
    const diff = [...before].map((b, i) => (b === after[i] ? -1 : i)).filter((i) => i >= 0);
    assert.equal(diff.length, 1);
    assert.equal(String.fromCharCode(after[diff[0]]), 'x');
  });

  it('next prints the task to work on', () => {
    const { code, stdout } = cli(dir, 'plans', 'next', '--json');
    assert.equal(code, 0);
    const task = JSON.parse(stdout);
    assert.equal(task.file, 'plans/numbered-section.md');
    assert.equal(task.id, '1.2');
  });

  it('refuses bad input with one line and the right exit code, changing nothing', () => {
    const file = path.join(dir, 'plans/table.md');
    const before = readFileSync(file);
    const cases: [string[], number, RegExp][] = [
      [['plans', 'set-status', 'plans/table.md', 'infra-003', 'finished'], 2, /STATUS must be one of todo, in-progress/],
      [['plans', 'set-status', 'plans/table.md', 'nope-1', 'done'], 1, /no task "nope-1"/],
      [['plans', 'set-status', 'plans/missing.md', 'x', 'done'], 1, /no such file/],
      [['plans', 'toggle', 'plans/table.md', '3'], 1, /line 3 has no checkbox/],
      [['plans', 'toggle', 'plans/table.md', 'zero'], 2, /LINE must be a line number/],
      [['plans', 'set-status', 'plans/table.md', 'infra-003', 'done', '--date', '23/11/2026'], 1, /not a date as YYYY-MM-DD/],
    ];
    for (const [args, exit, message] of cases) {
      const { code, stderr } = cli(dir, ...args);
      assert.equal(code, exit, args.join(' '));
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, /\n.+\n/, 'one line');
    }
    assert.deepEqual(readFileSync(file), before);
  });

  it('reads but never edits a file that is not valid UTF-8', () => {
    const file = path.join(dir, 'plans/latin1.md');
    const bytes = Buffer.concat([Buffer.from('- [ ] caf'), Buffer.from([0xe9]), Buffer.from(' order\n')]);
    writeFileSync(file, bytes);
    const list = JSON.parse(cli(dir, 'plans', '--json', 'plans/latin1.md').stdout);
    assert.equal(list.plans[0].tasks.length, 1);
    assert.match(list.plans[0].problems[0].message, /not valid UTF-8/);
    const { code, stderr } = cli(dir, 'plans', 'toggle', 'plans/latin1.md', '1');
    assert.equal(code, 1);
    assert.match(stderr, /not valid UTF-8; Plumbline reads it but will not edit it/);
    assert.deepEqual(readFileSync(file), bytes);
  });
});
