import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../engine/store';
import { reply, startProviderServer, type ProviderServer } from '../fixtures/providerServer';

/** `plumbline run` as CI would use it: the built dist/cli.js against a local OpenAI-compatible server. */
const bin = path.resolve(__dirname, '../../dist/cli.js');

function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, PLUMBLINE_API_KEY: 'test-key', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (stdout: string) => stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; at: string; [k: string]: unknown });

describe('plumbline run (CLI)', () => {
  let server: ProviderServer;
  let dir: string;
  before(async () => {
    server = await startProviderServer();
  });
  after(() => server.close());
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-run-'));
    mkdirSync(path.join(dir, 'plans'));
    writeFileSync(path.join(dir, 'plans/tasks.md'), '# Tasks\n\n- [ ] T001 Write the greeting\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const base = () => ['run', '--workspace', '.', '--base-url', server.openaiBaseUrl, '--model', 'test-model'];

  it('runs a task to done: JSON lines, the result last, exit 0, the file and the plan written, the run in the database', async () => {
    server.script(
      reply.toolCalls([{ name: 'write_file', fragments: ['{"path":"hello.txt",', '"content":"hello\\n"}'] }]),
      reply.toolCalls([{ name: 'finish', fragments: ['{"success":true,"summary":"wrote hello.txt"}'] }]),
    );
    const { code, stdout, stderr } = await cli(dir, [...base(), '--task', 'plans/tasks.md#T001', '--db', 'state.db']);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const events = lines(stdout);
    assert.ok(events.every((e) => typeof e.type === 'string' && !Number.isNaN(Date.parse(e.at))));
    const result = events.at(-1)!;
    assert.equal(result.type, 'result');
    assert.equal(result.state, 'done');
    assert.equal(result.steps, 2);
    assert.deepEqual(result.tokens, { input: 20, output: 10 });
    assert.equal(readFileSync(path.join(dir, 'hello.txt'), 'utf8'), 'hello\n');
    assert.match(readFileSync(path.join(dir, 'plans/tasks.md'), 'utf8'), /- \[x\] T001/);
    const store = await Store.open(path.join(dir, 'state.db'));
    try {
      const run = store.getRun(String(result.runId))!;
      assert.deepEqual([run.state, run.steps, run.taskId], ['done', 2, 'T001']);
      assert.equal(store.eventsOf(run.id).length, events.length);
    } finally {
      await store.close();
    }
    assert.equal(server.requests.at(-1)?.headers.authorization, 'Bearer test-key');
  });

  it('exits 1 with the failed state when the provider keeps failing', async () => {
    server.script(reply.error(401, { body: { error: { message: 'bad key' } } }));
    const { code, stdout } = await cli(dir, [...base(), '--prompt', 'hi']);
    assert.equal(code, 1);
    const result = lines(stdout).at(-1)!;
    assert.equal(result.state, 'failed');
    assert.match(String(result.error), /bad key|401/);
  });

  it('refuses a command that is not allow-listed under --approve edits, and runs an exact allow-listed one', async () => {
    server.script(
      reply.toolCalls([{ name: 'run_command', fragments: ['{"command":"echo hi > out.txt"}'] }]),
      reply.toolCalls([{ name: 'run_command', fragments: ['{"command":"echo hi"}'] }]),
      reply.text(['done']),
    );
    const { code, stdout } = await cli(dir, [...base(), '--prompt', 'hi', '--allow-command', 'echo hi', '--allow-command', 'echo hi > out.txt']);
    assert.equal(code, 0);
    const results = lines(stdout).filter((e) => e.type === 'tool-result');
    assert.match(String(results[0].content), /not approved \(it redirects input or output\)/);
    assert.match(String(results[1].content), /^exit code 0\nhi/);
  });

  it('counts cost with --price-input/--price-output and stops at --max-cost', async () => {
    server.script(reply.toolCalls([{ name: 'read_file', fragments: ['{"path":"plans/tasks.md"}'] }], { usage: { input: 1000, output: 1000 } }));
    const { code, stdout } = await cli(dir, [...base(), '--prompt', 'hi', '--price-input', '2', '--price-output', '8', '--max-cost', '0.005']);
    assert.equal(code, 1);
    const result = lines(stdout).at(-1)!;
    assert.deepEqual([result.state, result.cost, result.error], ['failed', 0.01, 'the run cost $0.0100, over its limit of $0.0050']);
  });

  it('bad usage: one line, exit 2', async () => {
    const bad = [
      ['run'],
      ['run', '--workspace', '.', '--prompt', 'x'],
      [...base(), '--prompt', 'x', '--approve', 'some'],
      [...base(), '--task', 'nohash'],
      [...base(), '--prompt', 'x', '--max-steps', '1.5'],
      [...base(), '--prompt', 'x', '--max-cost', '0'],
      [...base(), '--prompt', 'x', '--price-input', '3'],
      [...base(), '--prompt', 'x', '--price-input', 'cheap', '--price-output', '1'],
    ];
    for (const args of bad) {
      const { code, stdout, stderr } = await cli(dir, args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^plumbline: [^\n]+\n$/);
    }
    const missing = await cli(dir, ['run', '--workspace', 'nope', '--prompt', 'x', '--base-url', server.openaiBaseUrl, '--model', 'm']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^plumbline: --workspace nope: no such folder\n$/);
  });
});
