import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { LineLimiter, requestIdIn } from '../../engine/cli/mcp';
import { checkEditMaxLanguageChars, checkEditMaxPathChars, checkEditMaxTextChars, maxMessageBytes } from '../../engine/mcp/server';

/** `plumbline mcp` as an MCP client sees it: the real CLI in a child process, spoken to over stdio. */
const repo = path.resolve(__dirname, '../..');

const plan = [
  '# Release Plan',
  '',
  '### Task 1: Write the parser',
  '',
  '**Status**: done | **Priority**: high | **Dependencies**: none',
  '',
  '- [x] Tokenizer',
  '- [x] Grammar',
  '',
  '### Task 2: Ship the CLI',
  '',
  '**Status**: todo | **Priority**: high | **Dependencies**: [1]',
  '',
  '- [ ] Build the bundle',
  '- [ ] Publish the package',
  '',
  '### Task 3: Write the docs',
  '',
  '**Status**: todo | **Priority**: low | **Dependencies**: [2]',
  '',
].join('\n');

const storeTs = [
  'export class Store {',
  '  save(key: string, value: string): void {',
  '    this.map.set(key, value);',
  '  }',
  '',
  '  load(key: string): string | undefined {',
  '    return this.map.get(key);',
  '  }',
  '',
  '  delete(key: string): void {',
  '    this.map.delete(key);',
  '  }',
  '',
  '  private map = new Map<string, string>();',
  '}',
  '',
].join('\n');

const dropped = ['export class Store {', '  // ... (other methods unchanged)', '', '  private map = new Map<string, string>();', '}', ''].join('\n');

const text = (result: CallToolResult) => result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');

describe('plumbline mcp (MCP server over stdio)', function () {
  this.timeout(30_000);
  let dir: string;
  let client: Client;
  let stderr = '';

  const call = async (name: string, args: Record<string, unknown> = {}) => (await client.callTool({ name, arguments: args })) as CallToolResult;
  const planOnDisk = () => readFileSync(path.join(dir, 'PLAN.md'), 'utf8');

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-mcp-'));
    writeFileSync(path.join(dir, 'PLAN.md'), plan);
    writeFileSync(path.join(dir, 'store.ts'), storeTs);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', 'engine/cli/bin.ts', 'mcp', '--workspace', dir],
      cwd: repo,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'plumbline-test', version: '1.0.0' });
    await client.connect(transport);
  });

  after(async () => {
    await client?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('introduces itself and says on stderr (never stdout) what it serves', () => {
    assert.equal(client.getServerVersion()?.name, 'plumbline');
    assert.match(stderr, /plumbline mcp: serving .* over stdio/);
  });

  it('lists the six tools, each with an input schema', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['check_edit', 'get_task', 'list_plans', 'next_task', 'set_task_status', 'toggle_deliverable']);
    for (const tool of tools) {
      assert.equal(tool.inputSchema.type, 'object', tool.name);
      assert.ok(tool.description, tool.name);
    }
    const byName = new Map(tools.map((t) => [t.name, t]));
    assert.deepEqual(byName.get('get_task')!.inputSchema.required, ['file', 'id']);
    const status = byName.get('set_task_status')!.inputSchema.properties!.status as { enum: string[] };
    assert.ok(status.enum.includes('in-progress') && status.enum.includes('done'));
    assert.deepEqual(byName.get('check_edit')!.inputSchema.required, ['path', 'after']);
    assert.ok(byName.get('check_edit')!.outputSchema, 'check_edit declares its structured answer');
  });

  it('list_plans returns the plan with its tasks', async () => {
    const result = await call('list_plans');
    assert.ok(!result.isError);
    const plans = JSON.parse(text(result));
    assert.equal(plans.length, 1);
    assert.equal(plans[0].file, 'PLAN.md');
    assert.deepEqual(
      plans[0].tasks.map((t: { id: string; title: string; status: string }) => [t.id, t.title, t.status]),
      [
        ['1', 'Write the parser', 'done'],
        ['2', 'Ship the CLI', 'todo'],
        ['3', 'Write the docs', 'todo'],
      ],
    );
  });

  it('get_task returns one task with its deliverables (1-based lines)', async () => {
    const task = JSON.parse(text(await call('get_task', { file: 'PLAN.md', id: '2' })));
    assert.equal(task.title, 'Ship the CLI');
    assert.equal(task.line, 10);
    assert.deepEqual(task.dependencies, ['1']);
    assert.deepEqual(task.deliverables, [
      { line: 14, text: 'Build the bundle', done: false },
      { line: 15, text: 'Publish the package', done: false },
    ]);
  });

  it('next_task returns the open task whose dependencies are done', async () => {
    const task = JSON.parse(text(await call('next_task')));
    assert.equal(task.id, '2');
  });

  it('set_task_status writes the status into the plan file', async () => {
    const result = await call('set_task_status', { file: 'PLAN.md', id: '2', status: 'in-progress' });
    assert.ok(!result.isError, text(result));
    assert.match(text(result), /Task 2 in PLAN.md is now in-progress/);
    const lines = planOnDisk().split('\n');
    assert.match(lines[11], /^\*\*Status\*\*: in-progress \| \*\*Priority\*\*: high \| \*\*Dependencies\*\*: \[1\]/);
    assert.match(planOnDisk(), /\*\*Started\*\*: \d{4}-\d{2}-\d{2}/);
    assert.equal(JSON.parse(text(await call('get_task', { file: 'PLAN.md', id: '2' }))).status, 'in-progress');
  });

  it('toggle_deliverable flips exactly that checkbox', async () => {
    const task = JSON.parse(text(await call('get_task', { file: 'PLAN.md', id: '2' })));
    const publish = task.deliverables.find((d: { text: string }) => d.text === 'Publish the package');
    const old = planOnDisk().split('\n');
    const result = await call('toggle_deliverable', { file: 'PLAN.md', line: publish.line });
    assert.ok(!result.isError, text(result));
    const now = planOnDisk().split('\n');
    assert.equal(now[publish.line - 1], '- [x] Publish the package');
    assert.deepEqual(
      now.map((l, i) => (l === old[i] ? null : i + 1)).filter((n) => n !== null),
      [publish.line],
      'no other line changed',
    );
  });

  it('check_edit reports a placeholder drop as critical, with the removed lines', async () => {
    const result = await call('check_edit', { path: 'store.ts', after: dropped });
    assert.ok(!result.isError, text(result));
    const { violations } = result.structuredContent as { violations: { kind: string; severity: string; line: number; removedLines: string[]; message: string }[] };
    const drop = violations.find((v) => v.kind === 'placeholder-dropped');
    assert.ok(drop, JSON.stringify(violations));
    assert.equal(drop.severity, 'critical');
    assert.equal(drop.line, 2);
    assert.ok(drop.removedLines.some((l) => l.includes('save(key: string, value: string)')));
    assert.ok(drop.removedLines.some((l) => l.includes('delete(key: string)')));
    assert.match(text(result), /^store\.ts:2: critical: .*\(placeholder-dropped\)/m);
    assert.equal(readFileSync(path.join(dir, 'store.ts'), 'utf8'), storeTs, 'check_edit writes nothing');
  });

  it('check_edit answers no violations for a clean edit, and takes an explicit before and language', async () => {
    const clean = storeTs.replace('this.map.delete(key);', 'this.map.delete(key);\n    this.changed = true;');
    const result = await call('check_edit', { path: 'store.ts', after: clean });
    assert.deepEqual(result.structuredContent, { violations: [] });
    assert.equal(text(result), 'no violations');
    const fresh = await call('check_edit', { path: 'src/new.py', before: '', after: 'def f():\n    return 1\n', language: 'python' });
    assert.deepEqual(fresh.structuredContent, { violations: [] });
    const unknown = await call('check_edit', { path: 'store.ts', after: clean, language: 'klingon' });
    assert.equal(unknown.isError, true);
    assert.match(text(unknown), /unknown language "klingon"/);
  });

  it('refuses a path outside the workspace, and goes on serving', async () => {
    const edit = await call('check_edit', { path: '../x.ts', after: 'export const x = 1;\n' });
    assert.equal(edit.isError, true);
    assert.match(text(edit), /"\.\.\/x\.ts" is outside the workspace/);
    const task = await call('get_task', { file: '../PLAN.md', id: '1' });
    assert.equal(task.isError, true);
    assert.match(text(task), /outside the workspace/);
    assert.ok(!(await call('next_task')).isError);
  });

  it('answers an unknown task with an error, and goes on serving', async () => {
    const get = await call('get_task', { file: 'PLAN.md', id: '99' });
    assert.equal(get.isError, true);
    assert.equal(text(get), 'No task "99" in PLAN.md.');
    const set = await call('set_task_status', { file: 'PLAN.md', id: '99', status: 'done' });
    assert.equal(set.isError, true);
    assert.match(text(set), /no task "99"/);
    const toggle = await call('toggle_deliverable', { file: 'PLAN.md', line: 1 });
    assert.equal(toggle.isError, true);
    assert.match(text(toggle), /line 1 has no checkbox/);
    assert.equal(JSON.parse(text(await call('get_task', { file: 'PLAN.md', id: '1' }))).status, 'done');
  });

  it('answers invalid arguments with an error the client sees, and goes on serving', async () => {
    const unchanged = planOnDisk();
    const bad = await call('set_task_status', { file: 'PLAN.md', id: '3', status: 'nope' });
    assert.equal(bad.isError, true);
    assert.match(text(bad), /status/);
    const extra = await call('next_task', { surprise: true });
    assert.equal(extra.isError, true);
    assert.equal(planOnDisk(), unchanged);
    assert.equal(JSON.parse(text(await call('get_task', { file: 'PLAN.md', id: '3' }))).status, 'todo');
  });

  it('advertises the check_edit limits it enforces', async () => {
    const { tools } = await client.listTools();
    const properties = tools.find((t) => t.name === 'check_edit')!.inputSchema.properties as Record<string, { maxLength?: number; description?: string }>;
    assert.equal(properties.after.maxLength, checkEditMaxTextChars);
    assert.equal(properties.before.maxLength, checkEditMaxTextChars);
    assert.equal(properties.path.maxLength, checkEditMaxPathChars);
    assert.equal(properties.language.maxLength, checkEditMaxLanguageChars);
    assert.match(properties.after.description!, /at most 5,000,000 characters/);
    assert.match(properties.before.description!, /at most 5,000,000 characters/);
  });

  it('takes check_edit at the maximum length, fully escaped, and refuses one character more', async function () {
    this.timeout(60_000);
    // U+0001 is the worst case: JSON writes each one as six bytes (\u0001).
    const longest = '\u0001'.repeat(checkEditMaxTextChars);
    const atMax = await call('check_edit', { path: 'notes.txt', before: longest, after: longest });
    assert.ok(!atMax.isError, text(atMax));
    assert.deepEqual(atMax.structuredContent, { violations: [] });
    assert.equal(text(atMax), 'no violations');

    const over = await call('check_edit', { path: 'notes.txt', before: longest, after: `${longest}x` });
    assert.equal(over.isError, true);
    assert.match(text(over), /-32602.*check_edit: longer than the limit of 5,000,000 characters at after/);
    const plans = await call('list_plans');
    assert.ok(!plans.isError && text(plans).includes('Ship the CLI'), text(plans));
  });
});

describe('plumbline mcp (command line)', function () {
  this.timeout(30_000);

  it('answers every request piped to it before stdin closed, then exits 0', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-mcp-pipe-'));
    try {
      writeFileSync(path.join(dir, 'store.ts'), storeTs);
      const input = [
        { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'pipe', version: '1' } } },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'check_edit', arguments: { path: 'store.ts', after: dropped } } },
      ]
        .map((m) => `${JSON.stringify(m)}\n`)
        .join('');
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'engine/cli/bin.ts', 'mcp', '--workspace', dir], { cwd: repo, encoding: 'utf8', input });
      assert.equal(result.status, 0, result.stderr);
      const answers = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
      assert.deepEqual(answers.map((a) => a.id).sort(), [1, 2], 'stdout holds protocol messages only');
      const check = answers.find((a) => a.id === 2).result;
      assert.ok(check.structuredContent.violations.some((v: { kind: string }) => v.kind === 'placeholder-dropped'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a --workspace that is not a directory, in one line on stderr', () => {
    const missing = path.join(os.tmpdir(), 'plumbline-mcp-no-such-dir');
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'engine/cli/bin.ts', 'mcp', '--workspace', missing], { cwd: repo, encoding: 'utf8', input: '' });
    assert.equal(result.status, 1);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `plumbline: --workspace ${missing} is not a directory\n`);
  });
});

/** A check_edit call with every argument at its maximum and every character escaped fits in one message. */
describe('plumbline mcp (message limits)', function () {
  this.timeout(30_000);

  it('fits the largest check_edit call, fully escaped, within the message limit', () => {
    const longest = (n: number) => '\u0001'.repeat(n);
    const message = JSON.stringify({
      jsonrpc: '2.0',
      id: 'x'.repeat(200),
      method: 'tools/call',
      params: {
        name: 'check_edit',
        arguments: { path: longest(checkEditMaxPathChars), after: longest(checkEditMaxTextChars), before: longest(checkEditMaxTextChars), language: longest(checkEditMaxLanguageChars) },
        _meta: { progressToken: 'y'.repeat(200) },
      },
    });
    assert.ok(Buffer.byteLength(message) <= maxMessageBytes, `${Buffer.byteLength(message)} bytes`);
  });

  it('finds the request id at the top of an oversize message, not inside its arguments', () => {
    const id = (head: string) => requestIdIn(Buffer.from(head));
    assert.equal(id('{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"arguments":{"after":"xx'), 7);
    assert.equal(id('{ "id" : "run-1", "jsonrpc":"2.0"'), 'run-1');
    assert.equal(id('{"jsonrpc":"2.0","method":"tools/call","params":{"name":"get_task","arguments":{"id":"2","after":"'), null);
    assert.equal(id('{"method":"tools/call","params":{"arguments":{"after":"\\"id\\":3, '), null);
    assert.equal(id('{"jsonrpc":"2.0","id":12'), null, 'a number cut off by the end of the head');
    assert.equal(id('{"id":"a\\x","method":"x"'), null, 'an id that is no JSON string');
    assert.equal(id('not json at all'), null);
  });

  it('passes lines within the limit whole, however they are split, and drops longer ones', async () => {
    const oversize: [number, string][] = [];
    const limiter = new LineLimiter(10, (size, head) => oversize.push([size, head.toString()]));
    const out: string[] = [];
    limiter.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    const done = new Promise((resolve) => limiter.on('end', resolve));
    for (const chunk of ['{"a":1}\n{"b"', ':2}\n0123456789', 'abcdef', 'ghij\n\n0123456789\n', 'no newline']) limiter.write(Buffer.from(chunk));
    limiter.end();
    await done;
    assert.deepEqual(out, ['{"a":1}\n', '{"b":2}\n', '\n', '0123456789\n']);
    assert.deepEqual(oversize, [[16, '0123456789abcdef']], 'reported once, when it went over');
  });

  it('answers an oversize line with an error for its id, discards it as it arrives, and goes on serving', async function () {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-mcp-big-'));
    writeFileSync(path.join(dir, 'PLAN.md'), plan);
    const server = new RawServer(dir);
    try {
      await server.initialize();
      const before = server.peakMemoryBytes();
      const answer = server.answer('huge-1');
      // Four times the limit: a server that kept the whole line would grow by all of it.
      const size = maxMessageBytes * 4;
      await server.writeLine('{"jsonrpc":"2.0","id":"huge-1","method":"tools/call","params":{"name":"check_edit","arguments":{"path":"a.ts","after":"', size);
      const refused = (await answer) as { error: { code: number; message: string } };
      assert.equal(refused.error.code, -32600);
      assert.match(refused.error.message, /^the message is \d+ bytes \(or more\), over the limit of 64 MiB/);

      const next = (await server.request('tools/call', { name: 'next_task', arguments: {} })) as { result: CallToolResult };
      assert.equal(JSON.parse(text(next.result)).id, '2');
      assert.match(server.stderr, /discarded a message of \d+ bytes or more \(id "huge-1"\): over the limit of 64 MiB/);
      // Up to the limit is held while the line might still be legal; past it nothing more is.
      const after = server.peakMemoryBytes();
      if (before !== undefined && after !== undefined) {
        assert.ok(after - before < 2 * maxMessageBytes, `peak memory grew by ${Math.round((after - before) / 2 ** 20)} MiB`);
      }
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** `plumbline mcp` spoken to in raw lines, for what an SDK client cannot send. */
class RawServer {
  stderr = '';
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting = new Map<string | number, (message: unknown) => void>();
  private pending = '';
  private nextId = 1;

  constructor(dir: string) {
    this.child = spawn(process.execPath, ['--import', 'tsx', 'engine/cli/bin.ts', 'mcp', '--workspace', dir], { cwd: repo });
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()));
    this.child.stdout.on('data', (chunk: Buffer) => this.read(chunk.toString()));
  }

  async initialize(): Promise<void> {
    await this.request('initialize', { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } });
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' })}\n`);
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++;
    const answer = this.answer(id);
    this.child.stdin.write(`${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`);
    return answer;
  }

  answer(id: string | number): Promise<unknown> {
    return new Promise((resolve) => this.waiting.set(id, resolve));
  }

  /** Writes `start`, then filler up to `size` bytes, then the line's end, in chunks as the pipe takes them. */
  async writeLine(start: string, size: number): Promise<void> {
    const chunk = Buffer.alloc(1024 * 1024, 'a');
    await this.write(Buffer.from(start));
    for (let written = start.length; written < size; written += chunk.length) await this.write(chunk);
    await this.write(Buffer.from('"}}}\n'));
  }

  /** The child's peak resident memory, where /proc tells it. */
  peakMemoryBytes(): number | undefined {
    const status = `/proc/${this.child.pid}/status`;
    if (!existsSync(status)) return undefined;
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(status, 'utf8'));
    return kb ? Number(kb[1]) * 1024 : undefined;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
    });
  }

  private write(bytes: Buffer): Promise<void> {
    return new Promise((resolve) => (this.child.stdin.write(bytes) ? resolve() : this.child.stdin.once('drain', resolve)));
  }

  private read(chunk: string): void {
    const lines = (this.pending + chunk).split('\n');
    this.pending = lines.pop()!;
    for (const line of lines) {
      const message = JSON.parse(line) as { id?: string | number };
      if (message.id !== undefined) this.waiting.get(message.id)?.(message);
    }
  }
}
