import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { AgentEngine } from '../../engine/agent/engine';
import { agentEnvironment, execCommand } from '../../engine/agent/exec';
import { filePlanAccess } from '../../engine/agent/plans';
import { createProvider } from '../../engine/agent/providers';
import type { RunEvent } from '../../engine/agent/run';
import { agentTools } from '../../engine/agent/tools';
import { Workspace } from '../../engine/agent/workspace';
import { Guard, languageOfFile } from '../../engine/guard';
import { Hub, type Session } from '../../engine/hub';

import { reply, startProviderServer, type ProviderServer } from '../fixtures/providerServer';
import { toolHarness } from '../fixtures/toolContext';

const bin = path.resolve(__dirname, '../../dist/cli.js');

function cli(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const call = (name: string, args: unknown) => ({ name, fragments: [JSON.stringify(args)] });

/** Agent runs, commands, concurrent plan writers and the CLI, tried as attacks and races (issue 11). */
describe('runs, commands and writers under attack', function () {
  this.timeout(60_000);
  let dir: string;
  let ws: string;
  let home: string;
  const file = (relative: string) => path.join(ws, relative);

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'plumbline-races-')));
    ws = path.join(dir, 'ws');
    home = path.join(dir, 'home');
    mkdirSync(ws);
    mkdirSync(home);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe('allow-listed commands', () => {
    const marker = () => path.join(dir, 'pwned');
    const plantRepository = async (tools: ReturnType<typeof toolHarness>) => {
      // What the agent writes with its own tools: a bare repository whose config runs a program.
      const files: Record<string, string> = {
        'evil/HEAD': 'ref: refs/heads/main\n',
        'evil/config': `[core]\n\trepositoryformatversion = 0\n\tbare = false\n\tworktree = ..\n\tfsmonitor = "echo pwned > ${marker()}; false"\n\tpager = "echo pwned > ${marker()}"\n`,
        'evil/objects/info/keep': '',
        'evil/refs/heads/keep': '',
      };
      for (const [name, content] of Object.entries(files)) {
        const result = await tools.call('write_file', { path: name, content });
        assert.equal(result.isError, undefined, result.content);
      }
    };

    it('an exactly allow-listed `git status` run from a planted repository needs approval, and even approved runs none of its config', async () => {
      const refused = toolHarness(ws, { allowedCommands: ['git status'], approve: false });
      await plantRepository(refused);
      const result = await refused.call('run_command', { command: 'git status', cwd: 'evil' });
      assert.match(result.content, /was not approved \(it runs in evil, not the workspace root/);
      assert.equal(existsSync(marker()), false);

      const approved = toolHarness(ws, { allowedCommands: ['git status'], approve: true });
      const ran = await approved.call('run_command', { command: 'git status', cwd: 'evil' });
      assert.match(ran.content, /cannot use bare repository/);
      const log = await approved.call('run_command', { command: 'git log', cwd: 'evil' });
      assert.equal(log.isError, true);
      assert.equal(existsSync(marker()), false, 'the planted fsmonitor or pager ran');
    });

    it('the same allow-listed command at the workspace root runs without asking', async () => {
      const tools = toolHarness(ws, { allowedCommands: ['git --version'] });
      const result = await tools.call('run_command', { command: 'git --version' });
      assert.match(result.content, /^exit code 0\ngit version/);
      assert.equal(tools.approvals.length, 0);
    });

    it('commands never see Plumbline\'s keys, credentials, or PATH entries the agent controls', async () => {
      const key = 'sk-test-0123456789abcdef';
      const env = {
        PATH: `.:bin:${path.join(ws, 'bin')}:${process.env.PATH ?? ''}`,
        PLUMBLINE_API_KEY: key,
        OPENAI_API_KEY: 'sk-other-key-value',
        GITHUB_TOKEN: 'ghp_x',
        INNOCENT_LOOKING: `Bearer ${key}`,
        HOME: home,
      };
      const cleaned = agentEnvironment({ env, secrets: [key], workspaceRoot: ws });
      assert.deepEqual(Object.keys(cleaned).filter((k) => /KEY|TOKEN|INNOCENT/.test(k) && !/^GIT_CONFIG_KEY_/.test(k)), []);
      assert.ok(cleaned.PATH!.split(':').every((p) => path.isAbsolute(p) && !p.startsWith(ws)), cleaned.PATH);
      const { output } = await execCommand('env', ws, 10_000, new AbortController().signal, { env, secrets: [key], workspaceRoot: ws });
      assert.ok(!output.includes(key) && !output.includes('sk-other') && !output.includes('ghp_'), output);
      assert.match(output, /GIT_CONFIG_KEY_0=safe\.bareRepository/);
    });

    it('`plumbline run` keeps its API key out of the agent\'s commands', async () => {
      const server = await startProviderServer();
      try {
        const key = 'sk-run-key-9876543210';
        server.script(reply.toolCalls([call('run_command', { command: 'env' })]), reply.text(['done']));
        const { stdout } = await cli(ws, ['run', '--workspace', '.', '--prompt', 'env', '--base-url', server.openaiBaseUrl, '--model', 'm', '--approve', 'all'], { PLUMBLINE_API_KEY: key, HOME: home });
        const result = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent).find((e) => e.type === 'tool-result');
        assert.ok(result, stdout);
        assert.match(String(result.content), /^exit code 0/);
        assert.ok(!String(result.content).includes(key));
        assert.equal(server.requests[0].headers.authorization, `Bearer ${key}`, 'the key still reaches the model');
      } finally {
        await server.close();
      }
    });
  });

  describe('concurrent plan writers', () => {
    const tasks = Array.from({ length: 20 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`);
    const plan = `# Plan\n\n${tasks.map((t) => `- [ ] ${t} Step ${t}`).join('\n')}\n`;
    const doneTasks = () => tasks.filter((t) => readFileSync(file('tasks.md'), 'utf8').includes(`- [x] ${t} `));

    it('twenty simultaneous status changes in one process all land', async () => {
      writeFileSync(file('tasks.md'), plan);
      const plans = filePlanAccess(ws);
      await Promise.all(tasks.map((t) => plans.setStatus('tasks.md', t, 'done')));
      assert.deepEqual(doneTasks(), tasks);
    });

    it('a lock left by a killed writer is taken over; a live one is waited for', async () => {
      writeFileSync(file('tasks.md'), plan);
      const lock = file('.tasks.md.plumbline-lock');
      writeFileSync(lock, JSON.stringify({ pid: 2 ** 22 + 12345, host: os.hostname() }));
      await filePlanAccess(ws).setStatus('tasks.md', 'T001', 'done');
      assert.deepEqual(doneTasks(), ['T001']);
      assert.equal(existsSync(lock), false);
      writeFileSync(lock, JSON.stringify({ pid: process.ppid, host: os.hostname() }));
      const waiting = filePlanAccess(ws).setStatus('tasks.md', 'T002', 'done');
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(doneTasks(), ['T001'], 'it waits while the holder lives');
      rmSync(lock);
      await waiting;
      assert.deepEqual(doneTasks(), ['T001', 'T002']);
      assert.deepEqual(readdirSync(ws), ['tasks.md'], 'no lock or temp file left behind');
    });

    it('twenty writers at once, half in this process and half as `plumbline plans set-status` processes: every success landed', async () => {
      writeFileSync(file('tasks.md'), plan);
      const plans = filePlanAccess(ws);
      const outcomes = await Promise.all(
        tasks.map(async (t, i) => {
          if (i % 2) return plans.setStatus('tasks.md', t, 'done').then(() => ({ t, ok: true, error: '' }), (err: Error) => ({ t, ok: false, error: err.message }));
          const r = await cli(ws, ['plans', 'set-status', 'tasks.md', t, 'done', '--json'], { HOME: home });
          return { t, ok: r.code === 0, error: r.stderr };
        }),
      );
      const failed = outcomes.filter((o) => !o.ok);
      for (const f of failed) assert.match(f.error, /being edited by another program/, 'a failure says why');
      assert.deepEqual(doneTasks(), outcomes.filter((o) => o.ok).map((o) => o.t), 'each success is on disk');
      assert.equal(failed.length, 0, JSON.stringify(failed));
    });
  });

  describe('the hub and MCP as writers', () => {
    const tasks = Array.from({ length: 20 }, (_, i) => `T${String(i + 1).padStart(3, '0')}`);

    const hubFor = () => {
      const workspace = new Workspace(ws);
      const guard = new Guard();
      const hub = new Hub({
        workspace,
        plans: filePlanAccess(workspace),
        engine: new AgentEngine(),
        guard: (target, before, after) => guard.checkEdit(before, after, languageOfFile(target.relative)),
        beginRun: () => ({ emit: () => undefined, ask: async () => '' }),
        workspaceFolders: [ws],
        log: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
      });
      const session = (): Session => ({ id: 1, agent: undefined, notify: () => undefined });
      return { hub, session };
    };

    it('twenty status changes at once, ten through a `plumbline mcp` process and ten through the hub, all land', async () => {
      writeFileSync(file('tasks.md'), `# Plan\n\n${tasks.map((t) => `- [ ] ${t} Step ${t}`).join('\n')}\n`);
      const { hub, session } = hubFor();
      const agent = session();
      await hub.hello(agent, { name: 'hub-agent', version: '1' });
      const client = new Client({ name: 'race', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: process.execPath, args: [bin, 'mcp', '--workspace', ws], env: { ...process.env, HOME: home } as Record<string, string>, stderr: 'ignore' }));
      try {
        const outcomes = await Promise.all(
          tasks.map(async (t, i) => {
            if (i % 2) return hub['tasks/setStatus'](agent, { file: 'tasks.md', id: t, status: 'done' }).then(() => true);
            const result = (await client.callTool({ name: 'set_task_status', arguments: { file: 'tasks.md', id: t, status: 'done' } })) as { isError?: boolean };
            return !result.isError;
          }),
        );
        assert.deepEqual(outcomes, tasks.map(() => true));
        const text = readFileSync(file('tasks.md'), 'utf8');
        assert.deepEqual(tasks.filter((t) => !text.includes(`- [x] ${t} `)), []);
      } finally {
        await client.close();
        hub.close();
      }
    });

    it('the hub refuses to claim or change a plan on a protected path, and allows a plan folder', async () => {
      mkdirSync(file('.cursor/plans'), { recursive: true });
      const checklist = '# Plan\n\n- [ ] T001 First\n';
      writeFileSync(file('AGENTS.md'), checklist);
      writeFileSync(file('.cursor/plans/a.plan.md'), checklist);
      const { hub, session } = hubFor();
      const agent = session();
      await hub.hello(agent, { name: 'hub-agent', version: '1' });
      try {
        await assert.rejects(hub['tasks/claim'](agent, { file: 'AGENTS.md', id: 'T001' }), /AGENTS\.md is a protected path; it needs a person's approval/);
        await assert.rejects(hub['tasks/setStatus'](agent, { file: 'AGENTS.md', id: 'T001', status: 'done' }), /protected path/);
        assert.equal(readFileSync(file('AGENTS.md'), 'utf8'), checklist);
        await hub['tasks/claim'](agent, { file: '.cursor/plans/a.plan.md', id: 'T001' });
        assert.match(readFileSync(file('.cursor/plans/a.plan.md'), 'utf8'), /- \[\/\] T001/);
      } finally {
        hub.close();
      }
    });
  });

  describe('Stop when a tool is stuck', () => {
    let server: ProviderServer;
    before(async () => {
      server = await startProviderServer();
    });
    after(() => server.close());

    const startRun = (prompt: string, approve = false) => {
      const events: RunEvent[] = [];
      const guard = new Guard();
      const workspace = new Workspace(ws);
      let onToolCall: () => void = () => undefined;
      const toolCalled = new Promise<void>((resolve) => (onToolCall = resolve));
      const { run, result } = new AgentEngine().start(
        'agent',
        { prompt, provider: createProvider({ kind: 'openai', baseUrl: server.openaiBaseUrl, model: 'm', apiKey: 'k', timeoutMs: 3000 }), model: 'm', tools: agentTools },
        {
          workspace,
          plans: filePlanAccess(workspace),
          guard: (f, before, after) => guard.checkEdit(before, after, languageOfFile(f)),
          approve: async () => approve,
          ask: async () => '',
          exec: (command, cwd, timeoutMs, signal) => execCommand(command, cwd, timeoutMs, signal),
          emit: (event) => {
            events.push(event);
            if (event.type === 'tool-call') onToolCall();
          },
          autoApproveEdits: true,
          allowedCommands: [],
        },
      );
      return { run, result, events, toolCalled };
    };

    it('a search with catastrophic backtracking neither blocks the event loop nor outlives Stop', async () => {
      writeFileSync(file('long.txt'), `${'a'.repeat(64)}!\n`);
      server.script(reply.toolCalls([call('search_text', { query: '^(a+)+$', regex: true })]));
      const { run, result, events, toolCalled } = startRun('search');
      await toolCalled;
      // The event loop keeps turning while the worker backtracks.
      let ticks = 0;
      const ticker = setInterval(() => ticks++, 10);
      await new Promise((resolve) => setTimeout(resolve, 200));
      clearInterval(ticker);
      assert.ok(ticks >= 5, `the event loop ticked ${ticks} times in 200 ms`);
      run.stop();
      const outcome = await result;
      assert.equal(outcome.state, 'stopped');
      assert.ok(!events.some((e) => e.type === 'tool-result' && /^long\.txt/.test(String(e.content))), 'the search never finished');
    });

    it('"Undo this run" gives back the exact bytes of a Latin-1 file, and deletes what the run created', async () => {
      const latin1 = Buffer.from('caf\xe9\nline two\n', 'latin1');
      writeFileSync(file('menu.txt'), latin1);
      server.script(
        reply.toolCalls([call('edit_file', { path: 'menu.txt', oldText: 'line two', newText: 'line 2' })]),
        reply.toolCalls([call('write_file', { path: 'notes/new.txt', content: 'new\n' })]),
        reply.toolCalls([call('finish', { success: true, summary: 'edited' })]),
      );
      const { run, result } = startRun('edit');
      assert.equal((await result).state, 'done');
      assert.deepEqual(readFileSync(file('menu.txt')), Buffer.from('caf\xe9\nline 2\n', 'latin1'));
      await run.undo();
      assert.deepEqual(readFileSync(file('menu.txt')), latin1);
      assert.equal(existsSync(file('notes/new.txt')), false);
    });

    it('a command that never ends is killed by Stop and the run ends stopped', async () => {
      server.script(reply.toolCalls([call('run_command', { command: 'sleep 600 & sleep 600; wait' })]));
      const { run, result, toolCalled } = startRun('sleep', true);
      await toolCalled;
      await new Promise((resolve) => setTimeout(resolve, 100));
      run.stop();
      assert.equal((await result).state, 'stopped');
    });
  });

  describe('the CLI', () => {
    it('`plumbline run --approve none` writes nothing: no file, no plan status, not even its own task', async () => {
      const server = await startProviderServer();
      try {
        const plan = '# Plan\n\n- [ ] T001 First\n- [ ] T002 Second\n';
        writeFileSync(file('tasks.md'), plan);
        server.script(
          reply.toolCalls([call('set_task_status', { file: 'tasks.md', id: 'T002', status: 'done' })]),
          reply.toolCalls([call('toggle_deliverable', { file: 'tasks.md', line: 3 })]),
          reply.toolCalls([call('write_file', { path: 'new.txt', content: 'x' })]),
          reply.toolCalls([call('finish', { success: true, summary: 'done' })]),
        );
        const { code, stdout } = await cli(ws, ['run', '--workspace', '.', '--task', 'tasks.md#T001', '--base-url', server.openaiBaseUrl, '--model', 'm', '--approve', 'none'], { HOME: home });
        const results = stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as RunEvent).filter((e) => e.type === 'tool-result' && e.name !== 'finish');
        assert.equal(results.length, 3, stdout);
        for (const r of results) assert.match(String(r.content), /was not approved/);
        assert.equal(code, 0);
        assert.equal(readFileSync(file('tasks.md'), 'utf8'), plan);
        assert.deepEqual(readdirSync(ws), ['tasks.md']);
      } finally {
        await server.close();
      }
    });

    it('`plans set-status DIR` and `plans toggle DIR` are usage errors that edit nothing', async () => {
      mkdirSync(file('plans'));
      const plan = '# Plan\n\n- [ ] T001 First\n';
      writeFileSync(file('plans/tasks.md'), plan);
      for (const args of [['set-status', 'plans', 'T001', 'done'], ['toggle', 'plans', '3'], ['set-status', '.', 'T001', 'done']]) {
        const r = await cli(ws, ['plans', ...args], { HOME: home });
        assert.equal(r.code, 2, r.stderr);
        assert.match(r.stderr, /is a folder; name the plan file to edit/);
      }
      assert.equal(readFileSync(file('plans/tasks.md'), 'utf8'), plan);
    });

    it('a truncated database given to `plumbline run` is moved aside and reported with where it went', async () => {
      const server = await startProviderServer();
      try {
        const db = path.join(dir, 'state.db');
        const bytes = Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(3000, 7)]);
        writeFileSync(db, bytes);
        server.script(reply.text(['hello']));
        const { code, stderr } = await cli(ws, ['run', '--workspace', '.', '--prompt', 'hi', '--base-url', server.openaiBaseUrl, '--model', 'm', '--db', db], { HOME: home });
        assert.equal(code, 0, stderr);
        const moved = /moved it to (\S+) and started a new one/.exec(stderr)?.[1];
        assert.ok(moved, stderr);
        assert.deepEqual(readFileSync(moved), bytes, 'the corrupt file is kept, byte for byte');
      } finally {
        await server.close();
      }
    });

    it('a truncated database given to `plumbline hub serve` is moved aside and reported with where it went', async () => {
      const db = path.join(dir, 'hub.db');
      const bytes = Buffer.from('SQLite format 3\0 and then nothing');
      writeFileSync(db, bytes);
      const child = spawn(process.execPath, [bin, 'hub', 'serve', '--workspace', ws, '--db', db], { env: { ...process.env, HOME: home } });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      try {
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error(`no port: ${stderr}`)), 20_000);
          child.stdout.once('data', () => {
            clearTimeout(timer);
            resolve();
          });
        });
        const moved = /moved it to (\S+) and started a new one/.exec(stderr)?.[1];
        assert.ok(moved, stderr);
        assert.deepEqual(readFileSync(moved), bytes);
      } finally {
        child.kill('SIGTERM');
      }
    });
  });
});
