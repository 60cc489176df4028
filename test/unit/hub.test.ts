import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { AgentEngine } from '../../engine/agent/engine';
import { filePlanAccess } from '../../engine/agent/plans';
import type { RunEvent } from '../../engine/agent/run';
import { Workspace } from '../../engine/agent/workspace';
import { Guard, languageOfFile } from '../../engine/guard';
import { findLock, HubClient, HubRequestError, startHub, type HubHost, type HubRunInfo, type RunningHub } from '../../engine/hub';
import type { HubServerOptions } from '../../engine/hub/server';
import type { Logger } from '../../engine/log';
import { Ask, ClaimTask, ErrorCode, Heartbeat, ListTasks, NextTask, ReportEdit, SetTaskStatus, tokenHeader, type HubNotification } from '../../engine/protocol/hub';
import { storeClass } from '../fixtures/storeClass';

const plan = '# Tasks\n\n- [ ] T1 Add a count method\n- [ ] T2 Document the store\n';
const dropped = storeClass.replace(/ {2}load\(key: string\) \{[\s\S]*?\n {2}\}\n\n {2}delete\(key: string\) \{[\s\S]*?\n {2}\}\n/, '  // ... (other methods unchanged)\n');

/** A Logger that keeps its lines, so a test can see what the hub logged. */
function captureLog(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string | Error) => void lines.push(`${level} ${String(message instanceof Error ? message.message : message)}`);
  return { lines, trace: () => undefined, debug: () => undefined, info: at('info'), warn: at('warn'), error: at('error') };
}

/** The agent hub (SPEC §6): a real ws server on loopback, real clients, real plan files. */
describe('agent hub', () => {
  let dir: string;
  let root: string;
  let lockDir: string;
  let running: RunningHub;
  let engine: AgentEngine;
  let log: ReturnType<typeof captureLog>;
  let events: RunEvent[];
  let runs: HubRunInfo[];
  let answer: (question: string) => Promise<string>;
  const clients: HubClient[] = [];

  const connect = async (name = 'claude-code') => {
    const client = await HubClient.connect({ name, lockDir, cwd: root });
    clients.push(client);
    return client;
  };
  const notifications = (client: HubClient) => {
    const got: HubNotification[] = [];
    client.onNotification((n) => got.push(n));
    return got;
  };
  const rejects = async (promise: Promise<unknown>, code: number, text: RegExp) => {
    await assert.rejects(promise, (err: unknown) => {
      assert.ok(err instanceof HubRequestError, String(err));
      assert.equal(err.code, code, err.message);
      assert.match(err.message, text);
      return true;
    });
  };
  const eventually = async (check: () => boolean, what: string) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
    assert.ok(check(), what);
  };
  const planText = () => readFileSync(path.join(root, 'plans/tasks.md'), 'utf8');
  const host = (): HubHost => {
    const guard = new Guard();
    return {
      workspace: new Workspace(root),
      plans: filePlanAccess(root),
      engine,
      guard: (file, before, after) => guard.checkEdit(before, after, languageOfFile(file.relative)),
      beginRun: (run) => {
        runs.push(run);
        return { emit: (e) => events.push(e), ask: (q) => answer(q) };
      },
      workspaceFolders: [root],
      log,
    };
  };
  /** The same hub with other server options (limits a test needs lower or higher). */
  const restart = async (options: Omit<HubServerOptions, 'log'>) => {
    await running.close();
    running = await startHub(host(), { lockDir, ...options });
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-hub-'));
    root = path.join(dir, 'ws');
    lockDir = path.join(dir, 'home/.plumbline/hub');
    mkdirSync(path.join(root, 'plans'), { recursive: true });
    mkdirSync(path.join(root, 'src'));
    writeFileSync(path.join(root, 'plans/tasks.md'), plan);
    writeFileSync(path.join(root, 'src/store.ts'), storeClass);
    engine = new AgentEngine();
    log = captureLog();
    events = [];
    runs = [];
    answer = async () => 'use a Map';
    running = await startHub(host(), { lockDir, rate: { perSecond: 50, burst: 50 } });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the lock file', () => {
    it('is ~/.plumbline/hub/<port>.lock with exactly pid, port, token and workspace folders, 0600 in a 0700 folder', () => {
      assert.equal(running.lockFile, path.join(lockDir, `${running.port}.lock`));
      const lock = JSON.parse(readFileSync(running.lockFile, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(Object.keys(lock).sort(), ['pid', 'port', 'token', 'workspaceFolders']);
      assert.deepEqual(lock, { pid: process.pid, port: running.port, token: running.server.token, workspaceFolders: [root] });
      assert.match(running.server.token, /^[0-9a-f]{32}$/, '128 bits, hex');
      assert.equal(statSync(running.lockFile).mode & 0o777, 0o600);
      assert.equal(statSync(lockDir).mode & 0o777, 0o700);
    });

    it('is removed when the hub closes; a lock of a dead process is removed by the next hub; clients find the live one by folder', async () => {
      const stale = path.join(lockDir, '1.lock');
      writeFileSync(stale, JSON.stringify({ pid: 2 ** 22 + 12_345, port: 1, token: 'a'.repeat(32), workspaceFolders: [root] }));
      const second = await startHub({ workspace: new Workspace(root), plans: filePlanAccess(root), engine, guard: async () => [], beginRun: () => ({ emit: () => undefined, ask: async () => '' }), workspaceFolders: [path.join(root, 'src')], log }, { lockDir });
      assert.throws(() => statSync(stale), /ENOENT/, 'the dead process\'s lock is gone');
      assert.equal((await findLock({ dir: lockDir, cwd: path.join(root, 'src/deep') })).port, second.port, 'the innermost folder wins');
      assert.equal((await findLock({ dir: lockDir, cwd: root })).port, running.port);
      await second.close();
      assert.throws(() => statSync(second.lockFile), /ENOENT/);
      await assert.rejects(findLock({ dir: lockDir, cwd: os.tmpdir() }), /no Plumbline hub is running for/);
    });
  });

  describe('the handshake refuses, logs, and leaves connected agents alone', () => {
    const attempt = (headers: Record<string, string>, port = running.port) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('the hub accepted the connection')));
        ws.once('error', (err) => reject(err));
      });

    const cases: { name: string; headers: () => Record<string, string>; status: number; logged: RegExp }[] = [
      { name: 'no token', headers: () => ({}), status: 401, logged: /no token/ },
      { name: 'a wrong token', headers: () => ({ [tokenHeader]: running.server.token.replace(/./, (c) => (c === 'a' ? 'b' : 'a')) }), status: 401, logged: /a wrong token/ },
      { name: 'a token of the wrong length', headers: () => ({ [tokenHeader]: `${running.server.token}00` }), status: 401, logged: /wrong length/ },
      { name: 'a browser Origin', headers: () => ({ [tokenHeader]: running.server.token, origin: 'https://evil.example' }), status: 403, logged: /browser Origin "https:\/\/evil.example"/ },
      { name: 'a rebinding Host header', headers: () => ({ [tokenHeader]: running.server.token, host: `evil.example:${running.port}` }), status: 403, logged: /Host header "evil.example:\d+"/ },
    ];
    for (const c of cases) {
      it(`${c.name}: HTTP ${c.status}`, async () => {
        const agent = await connect();
        assert.equal(await attempt(c.headers()), c.status);
        assert.ok(log.lines.some((l) => l.startsWith('warn Hub: refused a connection') && c.logged.test(l)), log.lines.join('\n'));
        assert.ok((await agent.request(Heartbeat, {})).at > 0, 'the connected agent still works');
      });
    }

    it('an oversize frame closes only that connection, with 1009, logged', async () => {
      const agent = await connect();
      const ws = new WebSocket(`ws://127.0.0.1:${running.port}`, { headers: { [tokenHeader]: running.server.token } });
      await new Promise((resolve) => ws.once('open', resolve));
      const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
      ws.send('x'.repeat(1024 * 1024 + 1));
      assert.equal(await closed, 1009);
      await eventually(() => log.lines.some((l) => /warn Hub: closed connection #\d+: .*(Max payload|payload)/i.test(l)), 'the oversize frame is logged');
      assert.ok((await agent.request(Heartbeat, {})).at > 0);
    });

    it('a flood over the rate limit closes only that connection, with 1008, logged', async () => {
      const agent = await connect();
      const flooder = await connect('flooder');
      const heartbeat = JSON.stringify({ jsonrpc: '2.0', method: 'heartbeat', params: {} });
      const closed = new Promise<number>((resolve) => (flooder as unknown as { ws: WebSocket }).ws.once('close', (code) => resolve(code)));
      for (let i = 0; i < 200; i++) (flooder as unknown as { ws: WebSocket }).ws.send(heartbeat);
      assert.equal(await closed, 1008);
      assert.equal(log.lines.filter((l) => /warn Hub: flooder \(#\d+\) sent more than 50 messages a second; closed/.test(l)).length, 1, `logged once:\n${log.lines.join('\n')}`);
      assert.ok((await agent.request(Heartbeat, {})).at > 0);
    });
  });

  describe('the protocol', () => {
    it('answers JSON that is not JSON-RPC, unknown methods, bad params and requests before hello with clear errors', async () => {
      const ws = new WebSocket(`ws://127.0.0.1:${running.port}`, { headers: { [tokenHeader]: running.server.token } });
      await new Promise((resolve) => ws.once('open', resolve));
      const ask = (text: string) =>
        new Promise<{ id: unknown; error?: { code: number; message: string } }>((resolve) => {
          ws.once('message', (data) => resolve(JSON.parse(data.toString())));
          ws.send(text);
        });
      assert.equal((await ask('{not json')).error?.code, ErrorCode.parseError);
      assert.equal((await ask(JSON.stringify({ id: 1, method: 'hello' }))).error?.code, ErrorCode.invalidRequest);
      assert.equal((await ask(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tasks/list', params: {} }))).error?.code, ErrorCode.helloFirst);
      const bad = await ask(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'hello', params: { name: '' } }));
      assert.equal(bad.error?.code, ErrorCode.invalidParams);
      assert.match(bad.error?.message ?? '', /name/);
      const unknown = await ask(JSON.stringify({ jsonrpc: '2.0', id: 4, method: 'rm -rf', params: {} }));
      assert.equal(unknown.error?.code, ErrorCode.methodNotFound);
      assert.equal(unknown.id, 4);
      ws.close();
    });

    it('lists tasks, names the next one, claims it (in progress on disk, a run starts), and done ends the run', async () => {
      const agent = await connect();
      assert.equal(agent.hello.agentId, 'hub:claude-code');
      assert.equal(agent.hello.quarantined, null);
      const { plans } = await agent.request(ListTasks, {});
      assert.deepEqual(plans[0].tasks.map((t) => `${t.id} ${t.status}`), ['T1 todo', 'T2 todo']);
      const { task } = await agent.request(NextTask, {});
      assert.equal(task?.id, 'T1');
      const claimed = await agent.request(ClaimTask, { file: 'plans/tasks.md', id: 'T1' });
      assert.equal(claimed.task.status, 'in-progress');
      assert.match(planText(), /^- \[\/\] T1 Add a count method$/m);
      assert.deepEqual(runs.map((r) => ({ agent: r.agentName, task: r.task })), [{ agent: 'claude-code', task: { file: 'plans/tasks.md', id: 'T1' } }]);
      assert.equal((await agent.request(ClaimTask, { file: 'plans/tasks.md', id: 'T1' })).runId, claimed.runId, 'claiming again is the same run');

      const other = await connect('aider');
      await rejects(other.request(ClaimTask, { file: 'plans/tasks.md', id: 'T1' }), ErrorCode.claimed, /T1 in plans\/tasks.md is claimed by claude-code/);
      await rejects(other.request(ClaimTask, { file: 'plans/tasks.md', id: 'T9' }), ErrorCode.planError, /no task "T9"/);
      await rejects(other.request(ClaimTask, { file: '../outside.md', id: 'T1' }), ErrorCode.pathRefused, /outside/);

      await agent.request(SetTaskStatus, { file: 'plans/tasks.md', id: 'T1', status: 'done' });
      assert.match(planText(), /^- \[x\] T1 Add a count method$/m);
      const result = events.find((e) => e.type === 'result' && e.runId === claimed.runId);
      assert.equal(result?.state, 'done');
      assert.deepEqual(running.hub.openRuns(), []);
    });

    it('checks reported edits: a clean one passes; a placeholder drop quarantines the agent, which is told and refused until released', async () => {
      const agent = await connect();
      const told = notifications(agent);
      await agent.request(ClaimTask, { file: 'plans/tasks.md', id: 'T1' });
      const withCount = storeClass.replace('  delete(key: string) {', '  count() {\n    return this.items.size;\n  }\n\n  delete(key: string) {');
      const clean = await agent.request(ReportEdit, { path: 'src/store.ts', before: storeClass, after: withCount });
      assert.deepEqual(clean, { violations: [], quarantined: false });

      const bad = await agent.request(ReportEdit, { path: 'src/store.ts', before: withCount, after: dropped });
      assert.equal(bad.quarantined, true);
      assert.equal(bad.violations[0].kind, 'placeholder-dropped');
      assert.equal(bad.violations[0].line, dropped.split('\n').findIndex((l) => l.includes('// ...')) + 1);
      assert.ok(bad.violations[0].removedLines.some((l) => l.includes('load(key: string)')));
      await eventually(() => told.some((n) => n.method === 'quarantined'), 'the agent is told it is quarantined');
      assert.deepEqual(engine.quarantines().map((q) => q.agentId), ['hub:claude-code']);
      const result = events.filter((e) => e.type === 'result');
      assert.equal(result.at(-1)?.state, 'quarantined');
      assert.ok(events.some((e) => e.type === 'edit' && e.file === 'src/store.ts' && Array.isArray(e.violations) && e.violations.length === 1));
      await rejects(agent.request(ClaimTask, { file: 'plans/tasks.md', id: 'T2' }), ErrorCode.quarantined, /claude-code is quarantined/);

      engine.release('hub:claude-code');
      running.hub.released('hub:claude-code');
      await eventually(() => told.some((n) => n.method === 'released'), 'the agent is told it is released');
      assert.equal((await agent.request(ClaimTask, { file: 'plans/tasks.md', id: 'T2' })).task.id, 'T2');
    });

    it('refuses an edit report for a path outside the workspace without starting work on it', async () => {
      const agent = await connect();
      await rejects(agent.request(ReportEdit, { path: '../../etc/passwd', before: 'a', after: 'b' }), ErrorCode.pathRefused, /outside/);
      await rejects(agent.request(ReportEdit, { path: 'src/store.ts', before: 'a', after: 42 as unknown as string }), ErrorCode.invalidParams, /after/);
    });

    it('a question goes to the person and the answer comes back', async () => {
      const agent = await connect();
      let asked = '';
      answer = async (question) => {
        asked = question;
        return 'Keep the Map.';
      };
      assert.deepEqual(await agent.request(Ask, { question: 'Map or object?' }), { answer: 'Keep the Map.' });
      assert.equal(asked, 'Map or object?');
      assert.deepEqual(
        events.filter((e) => e.type === 'question' || e.type === 'answer').map((e) => e.question ?? e.answer),
        ['Map or object?', 'Keep the Map.'],
      );
    });

    it('a question still waiting when the person stops the agent ends with "stopped", not an empty answer', async () => {
      const agent = await connect();
      let giveUp: (text: string) => void = () => undefined;
      answer = () => new Promise((resolve) => (giveUp = resolve));
      const asked = agent.request(Ask, { question: 'Which store?' });
      await eventually(() => events.some((e) => e.type === 'question'), 'the question reaches the person');
      running.hub.stopAll();
      giveUp(''); // what the chat does with questions of a run that ended
      await rejects(asked, ErrorCode.stopped, /ended before the person answered/);
      assert.ok(!events.some((e) => e.type === 'answer'), 'no answer is recorded');
    });

    it('Stop All: runs end stopped, connected agents get `stop`, and the next request is refused once', async () => {
      const worker = await connect();
      const idle = await connect('idle-agent');
      const toldWorker = notifications(worker);
      const toldIdle = notifications(idle);
      const { runId } = await worker.request(ClaimTask, { file: 'plans/tasks.md', id: 'T1' });
      assert.equal(running.hub.stopAll(), 1);
      await eventually(() => toldWorker.some((n) => n.method === 'stop') && toldIdle.some((n) => n.method === 'stop'), 'both agents are told to stop');
      assert.equal(events.find((e) => e.type === 'result' && e.runId === runId)?.state, 'stopped');
      await rejects(worker.request(ReportEdit, { path: 'src/store.ts', before: storeClass, after: storeClass }), ErrorCode.stopped, /was stopped \(Stop All Agents\)/);
      assert.ok((await worker.request(ClaimTask, { file: 'plans/tasks.md', id: 'T2' })).runId, 'a new start is the agent\'s own decision');
    });

    it('a run of an agent that went away ends as failed', async () => {
      await running.close();
      running = await startHub(
        { workspace: new Workspace(root), plans: filePlanAccess(root), engine, guard: async () => [], beginRun: () => ({ emit: (e) => events.push(e), ask: async () => '' }), workspaceFolders: [root], log, idleMs: 50 },
        { lockDir },
      );
      const agent = await HubClient.connect({ name: 'gone', lockDir, cwd: root });
      await agent.request(ClaimTask, { file: 'plans/tasks.md', id: 'T1' });
      await agent.close();
      await eventually(() => events.some((e) => e.type === 'result' && e.state === 'failed' && /gone went away/.test(String(e.error))), 'the run ends');
    });
  });

  describe('hostile and racing clients', () => {
    const fast = { perSecond: 100_000, burst: 100_000 };
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const rpc = (id: number, method: string, params: Record<string, unknown> = {}) => JSON.stringify({ jsonrpc: '2.0', id, method, params });

    const raw: WebSocket[] = [];
    // A peer that does not read would hold up the hub's close for ws's 30 s close timeout.
    afterEach(() => raw.splice(0).forEach((ws) => ws.terminate()));

    /** A connection without HubClient, so the test decides when (and whether) it reads. */
    const rawAgent = async (name: string) => {
      const ws = new WebSocket(`ws://127.0.0.1:${running.port}`, { headers: { [tokenHeader]: running.server.token } });
      raw.push(ws);
      ws.on('error', () => undefined); // writes after the hub hung up fail; that is the point
      await new Promise((resolve) => ws.once('open', resolve));
      const hello = new Promise((resolve) => ws.once('message', resolve));
      ws.send(rpc(1, 'hello', { name }));
      await hello;
      return ws;
    };

    /** The hub's end of an agent's connection: what it sent, and the most it ever held unsent after a send. */
    const watchServerSide = (name: string) => {
      const session = running.server.sessions().find((s) => s.agent?.name === name);
      assert.ok(session, `${name} is connected`);
      const ws = (session as unknown as { ws: WebSocket }).ws;
      const watched = { ws, sent: 0, unsent: 0, mostUnsent: 0, largest: 0, closed: false };
      const send = ws.send.bind(ws);
      ws.send = ((data: string) => {
        send(data);
        watched.sent++;
        watched.unsent = ws.bufferedAmount;
        watched.mostUnsent = Math.max(watched.mostUnsent, ws.bufferedAmount);
        watched.largest = Math.max(watched.largest, Buffer.byteLength(data));
      }) as typeof ws.send;
      ws.once('close', () => (watched.closed = true));
      return watched;
    };

    it('a client that sends but never reads is closed once its unsent answers pass the bound, logged; memory stays bounded and others are undisturbed', async function () {
      this.timeout(30_000);
      const bound = 64 * 1024;
      const tasks = Array.from({ length: 2000 }, (_, i) => `- [ ] T${i + 1} A task with a title long enough to make the list of tasks large, number ${i + 1}\n`);
      writeFileSync(path.join(root, 'plans/tasks.md'), `# Tasks\n\n${tasks.join('')}`);
      await restart({ rate: fast, maxUnsentBytes: bound });
      const reader = await connect('reader');
      const silent = await rawAgent('silent');
      const server = watchServerSide('silent');
      let dispatched = 0;
      const heartbeat = running.hub.heartbeat.bind(running.hub);
      running.hub.heartbeat = (session) => {
        if (session.agent?.name === 'silent') dispatched++;
        return heartbeat(session);
      };

      // It reads nothing more: the answers fill the kernel's buffers, then wait in the hub.
      silent.pause();
      let id = 2;
      while (server.unsent <= bound && id < 1000) {
        const due = server.sent + 1;
        silent.send(rpc(id++, 'tasks/list'));
        await eventually(() => server.sent === due, 'the hub answers (into the socket)');
        assert.equal((await reader.request(ListTasks, {})).plans[0].tasks.length, 2000, 'the reader is answered meanwhile');
      }
      assert.ok(server.unsent > bound, `the kernel took ${id - 2} answers and no more`);
      assert.ok(!server.closed, 'no answer was due since');

      // One frame whose answer is due at once, and behind it, in the same read, requests that
      // must not be handled: the answer closes the connection.
      silent.send(rpc(id++, 'no/such/method'));
      for (let i = 0; i < 20; i++) silent.send(rpc(id++, 'heartbeat'));
      await eventually(() => server.closed, 'the hub closes the connection that does not read');
      await sleep(50);
      assert.equal(dispatched, 0, 'nothing after the close is handled');

      const warnings = log.lines.filter((l) => l.includes('did not read its answers'));
      assert.equal(warnings.length, 1, `logged once:\n${log.lines.join('\n')}`);
      const logged = /^warn Hub: silent \(#\d+\) did not read its answers: (\d+) bytes unsent, over the bound of 64 KiB; closed$/.exec(warnings[0]);
      assert.ok(logged, warnings[0]);
      assert.equal(Number(logged[1]), server.unsent, 'the bytes the hub held');
      assert.ok(server.mostUnsent <= bound + server.largest, `never more than the bound and one answer unsent: ${server.mostUnsent} > ${bound} + ${server.largest}`);

      assert.equal((await reader.request(ListTasks, {})).plans[0].tasks.length, 2000, 'the reader is still answered');
      assert.ok((await reader.request(Heartbeat, {})).at > 0);
    });

    for (const count of [2, 5]) {
      it(`${count} agents claiming one task at the same moment: exactly one wins each of 50 rounds, the others are told who`, async function () {
        this.timeout(60_000);
        await restart({ rate: fast });
        const names = Array.from({ length: count }, (_, i) => `racer-${i + 1}`);
        const agents = await Promise.all(names.map((name) => connect(name)));
        const key = { file: 'plans/tasks.md', id: 'T1' };
        for (let round = 1; round <= 50; round++) {
          const outcomes = await Promise.allSettled(agents.map((a) => a.request(ClaimTask, key)));
          const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [i] : []));
          assert.equal(won.length, 1, `round ${round}: ${won.length} agents won: ${won.map((i) => names[i]).join(', ')}`);
          const winner = names[won[0]];
          for (const outcome of outcomes) {
            if (outcome.status === 'fulfilled') continue;
            const err: unknown = outcome.reason;
            assert.ok(err instanceof HubRequestError, String(err));
            assert.equal(err.code, ErrorCode.claimed, err.message);
            assert.equal(err.message, `T1 in plans/tasks.md is claimed by ${winner}`);
          }
          assert.match(planText(), /^- \[\/\] T1 Add a count method$/m, `round ${round}: in progress on disk`);
          assert.deepEqual(running.hub.openRuns().map((r) => ({ agent: r.agentName, task: r.task })), [{ agent: winner, task: key }], `round ${round}: one run`);
          await agents[won[0]].request(SetTaskStatus, { ...key, status: 'todo' });
          assert.deepEqual(running.hub.openRuns(), [], `round ${round}: giving the task back ends the run`);
          assert.match(planText(), /^- \[ \] T1 Add a count method$/m);
        }
        assert.equal(runs.length, 50, 'one run a round');
        assert.ok(!log.lines.some((l) => l.startsWith('error')), log.lines.join('\n'));
      });
    }

    it('two connections of one agent claiming one task at the same moment get the same run', async () => {
      const key = { file: 'plans/tasks.md', id: 'T1' };
      const [a, b] = await Promise.all([connect('twin'), connect('twin')]);
      const [first, second] = await Promise.all([a.request(ClaimTask, key), b.request(ClaimTask, key)]);
      assert.equal(first.runId, second.runId);
      assert.equal(runs.length, 1);
      assert.equal(second.task.status, 'in-progress');
    });

    it('a claim the plan refuses releases the task for the next claimant', async () => {
      const key = { file: 'plans/tasks.md', id: 'T1' };
      const plans = filePlanAccess(root);
      let planWrite: (refusal?: Error) => void = () => undefined;
      let writing = false;
      await running.close();
      running = await startHub(
        {
          ...host(),
          plans: {
            ...plans,
            setStatus: async (file, id, status) => {
              if (!writing) {
                // The first write waits for the test, so the second claim comes while it is going.
                writing = true;
                const refusal = await new Promise<Error | undefined>((resolve) => (planWrite = resolve));
                if (refusal) throw refusal;
              }
              return plans.setStatus(file, id, status);
            },
          },
        },
        { lockDir },
      );
      const [first, second] = await Promise.all([connect('first'), connect('second')]);
      const refused = first.request(ClaimTask, key);
      await eventually(() => writing, 'the first claim is writing the plan');
      await rejects(second.request(ClaimTask, key), ErrorCode.claimed, /^T1 in plans\/tasks.md is claimed by first$/);
      planWrite(new Error('the plan file is locked by a test'));
      await rejects(refused, ErrorCode.planError, /locked by a test/);
      assert.deepEqual(running.hub.openRuns(), [], 'a refused claim starts no run');
      assert.equal((await second.request(ClaimTask, key)).task.status, 'in-progress', 'and holds no task');
      assert.deepEqual(running.hub.openRuns().map((r) => r.agentName), ['second']);
    });
  });
});
