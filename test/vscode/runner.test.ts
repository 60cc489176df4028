import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';

/**
 * The runner decides whether the extension tests passed, so it is tested too: pointed at a suite
 * with a failing test and at one that never reports, it must exit non-zero and leave no VS Code
 * server, extension host or browser behind.
 */
const root = path.resolve(__dirname, '../..');

function runRunner(suite: string, timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/vscode/runner/main.ts'], {
      cwd: root,
      // The runner's logic is the same on every VS Code line: check it on one (the newest, unless
      // PLUMBLINE_VSCODE_VERSIONS asks for the oldest only).
      env: { ...process.env, PLUMBLINE_VSCODE_GREP: '', PLUMBLINE_VSCODE_VERSIONS: process.env.PLUMBLINE_VSCODE_VERSIONS === 'oldest' ? 'oldest' : 'newest', PLUMBLINE_VSCODE_SUITE: suite, PLUMBLINE_VSCODE_TEST_TIMEOUT_MS: String(timeoutMs) },
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('exit', (code) => resolve({ code, output }));
  });
}

function leftovers(): string[] {
  const ps = spawnSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' }).stdout;
  return ps.split('\n').filter((line) => line.includes('plumbline-vscode-test-'));
}

describe('the VS Code test runner', function () {
  this.timeout(180_000);

  it('exits 1 and reports the failure when a test fails', async () => {
    const { code, output } = await runRunner('dist/test/vscode-selfcheck/failing/index.js', 120_000);
    assert.equal(code, 1, output);
    assert.match(output, /✘ runner self-check fails on purpose/);
    assert.match(output, /1 passed, 1 failed/);
    assert.deepEqual(leftovers(), []);
  });

  it('exits 1 when the suite never reports a result, after its timeout', async () => {
    const { code, output } = await runRunner('dist/test/vscode-selfcheck/silent.js', 20_000);
    assert.equal(code, 1, output);
    assert.match(output, /no result within 20 s/);
    assert.deepEqual(leftovers(), []);
  });

  it('exits 1 when the suite does not exist', async () => {
    const { code, output } = await runRunner('dist/test/vscode-selfcheck/missing.js', 20_000);
    assert.equal(code, 1, output);
    assert.match(output, /is not built/);
  });
});
