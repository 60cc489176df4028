import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import type WebSocket from 'ws';
import { AgentEngine } from '../engine/agent/engine';
import { filePlanAccess } from '../engine/agent/plans';
import { Workspace } from '../engine/agent/workspace';
import { Guard, languageOfFile } from '../engine/guard';
import { startHub, type RunningHub } from '../engine/hub';
import type { Logger } from '../engine/log';
import { tokenHeader } from '../engine/protocol/hub';
import type { BenchRow } from './main';
import { median, percentile } from './stats';

/**
 * SPEC §9, the hub row: 100 connected agents sending 1,000 messages a second together, p95 round
 * trip ≤ 10 ms on loopback and no message lost; then a reconnect soak. The hub runs here, in
 * process, as it does in the extension host, with its shipped defaults (rate limit 200 messages
 * a second per connection, burst 400; each agent sends 10). The agents are real WebSocket
 * clients (ws) in a child process, so their event loop and memory are not the hub's, and the
 * hub's RSS and heap can be measured alone. Round trips are timed in the child with
 * performance.now(), from just before the send to the answer's arrival.
 *
 * The bulk message is `heartbeat`, the hub's cheapest request (no run, no file); one message in
 * twenty is `tasks/next` instead, which loads the workspace's plans from disk, and is also
 * reported on its own. Durations: PLUMBLINE_BENCH_HUB_SECONDS (default 30) and
 * PLUMBLINE_BENCH_HUB_SOAK_SECONDS (default 10).
 */

const AGENTS = 100;
const PER_AGENT_PER_SECOND = 10;
/** Every NEXT_EVERY-th message of an agent is `tasks/next` (5 %). */
const NEXT_EVERY = 20;
const SOAK_AGENTS = 20;
/** Every DROP_EVERY-th soak connection ends without a close frame (an agent that crashed). */
const DROP_EVERY = 4;

const plan = '# Tasks\n\n- [x] T1 Set up the project\n- [ ] T2 Add a count method (after: T1)\n- [ ] T3 Document the store (after: T2)\n';

// ── the messages between this process and the agents' process ────────────────

interface LoadOrder {
  kind: 'load';
  port: number;
  token: string;
  header: string;
  agents: number;
  perAgentPerSecond: number;
  seconds: number;
  nextEvery: number;
}
interface SoakOrder {
  kind: 'soak';
  port: number;
  token: string;
  header: string;
  agents: number;
  seconds: number;
  dropEvery: number;
}
interface LoadResult {
  kind: 'load-done';
  /** Round trips in ms, by method. */
  heartbeat: number[];
  next: number[];
  sent: number;
  answered: number;
  errors: number;
  /** Answers with an id nobody waits for: unknown, or a second answer. */
  unexpected: number;
  /** Connections the hub closed during the load. */
  closed: number;
  /** From the first send to the last, ms. */
  sendingMs: number;
  samples: string[];
}
interface SoakResult {
  kind: 'soak-done';
  cycles: number;
  connections: number;
  failures: number;
  samples: string[];
}
type FromAgents = { kind: 'ready' } | { kind: 'load-started' } | LoadResult | SoakResult;

/**
 * The agents' process. It is started with `node -e` and this function's source text, so it must
 * stay self-contained: no imports and no names from this module (types are fine, they are gone
 * at run time). `ws` comes from the path in PLUMBLINE_BENCH_WS.
 */
function agentProcess(): void {
  const WS = require(process.env.PLUMBLINE_BENCH_WS as string) as typeof WebSocket;
  const send = (message: FromAgents) => process.send?.(message);

  const open = (port: number, header: string, token: string) =>
    new Promise<WebSocket>((resolve, reject) => {
      const ws = new WS(`ws://127.0.0.1:${port}`, { headers: { [header]: token }, perMessageDeflate: false });
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`the hub refused the connection (HTTP ${res.statusCode})`)));
      ws.once('error', reject);
    });
  const closed = (ws: WebSocket) => new Promise<void>((resolve) => (ws.readyState === ws.CLOSED ? resolve() : ws.once('close', () => resolve())));

  async function load(order: LoadOrder): Promise<void> {
    const result: LoadResult = { kind: 'load-done', heartbeat: [], next: [], sent: 0, answered: 0, errors: 0, unexpected: 0, closed: 0, sendingMs: 0, samples: [] };
    const note = (text: string) => result.samples.length < 5 && result.samples.push(text);
    let loading = false;
    const agents = await Promise.all(
      Array.from({ length: order.agents }, async (_, i) => {
        const ws = await open(order.port, order.header, order.token);
        const pending = new Map<number, { at: number; method: string; then?: (answer: { error?: unknown }) => void }>();
        ws.on('message', (data) => {
          const now = performance.now();
          const answer = JSON.parse(String(data)) as { id?: unknown; error?: { message?: string } };
          const waiting = typeof answer.id === 'number' ? pending.get(answer.id) : undefined;
          if (!waiting) {
            // A notification has no id; anything else is an answer nobody waits for.
            if (answer.id !== undefined) {
              result.unexpected++;
              note(`unexpected answer ${String(data).slice(0, 200)}`);
            }
            return;
          }
          pending.delete(answer.id as number);
          if (waiting.then) return waiting.then(answer);
          result.answered++;
          if (answer.error) {
            result.errors++;
            note(`${waiting.method}: ${answer.error.message ?? ''}`);
          } else (waiting.method === 'heartbeat' ? result.heartbeat : result.next).push(now - waiting.at);
        });
        ws.on('close', (code, reason) => {
          if (!loading) return;
          result.closed++;
          note(`agent ${i}: the hub closed the connection (${code} ${String(reason)})`);
        });
        await new Promise<void>((resolve, reject) => {
          pending.set(1, { at: 0, method: 'hello', then: (answer) => (answer.error ? reject(new Error(`hello: ${JSON.stringify(answer.error)}`)) : resolve()) });
          ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'hello', params: { name: `bench-agent-${i}`, version: 'bench' } }));
        });
        return { ws, pending, nextId: 2 };
      }),
    );

    // Each agent sends every 1/rate s, the agents' phases spread evenly over that period, each
    // send moved by up to ±25 % of the period: a steady aggregate rate, not bursts.
    loading = true;
    send({ kind: 'load-started' });
    const period = 1000 / order.perAgentPerSecond;
    const count = Math.round(order.perAgentPerSecond * order.seconds);
    const start = performance.now() + 20;
    let first = Infinity;
    let last = 0;
    await Promise.all(
      agents.map(
        (agent, i) =>
          new Promise<void>((resolve) => {
            const phase = (i * period) / agents.length;
            const fire = (k: number) => {
              if (k >= count) return resolve();
              const method = order.nextEvery && k % order.nextEvery === i % order.nextEvery ? 'tasks/next' : 'heartbeat';
              const id = agent.nextId++;
              const at = performance.now();
              first = Math.min(first, at);
              last = Math.max(last, at);
              agent.pending.set(id, { at, method });
              result.sent++;
              agent.ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params: {} }));
              const due = start + phase + (k + 1) * period + (Math.random() - 0.5) * period * 0.5;
              setTimeout(() => fire(k + 1), Math.max(0, due - performance.now()));
            };
            setTimeout(() => fire(0), Math.max(0, start + phase - performance.now()));
          }),
      ),
    );
    result.sendingMs = last - first;
    // The answers still on their way: five seconds at most, then what is missing is lost.
    const waitUntil = performance.now() + 5000;
    while (agents.some((a) => a.pending.size) && performance.now() < waitUntil) await new Promise((r) => setTimeout(r, 10));
    loading = false;
    await Promise.all(agents.map((a) => (a.ws.close(1000, 'done'), closed(a.ws))));
    send(result);
  }

  async function soak(order: SoakOrder): Promise<void> {
    const result: SoakResult = { kind: 'soak-done', cycles: 0, connections: 0, failures: 0, samples: [] };
    const end = performance.now() + order.seconds * 1000;
    let cycle = 0;
    const once = async (name: string, drop: boolean) => {
      const ws = await open(order.port, order.header, order.token);
      result.connections++;
      try {
        let nextId = 1;
        const pending = new Map<number, (answer: { error?: { message?: string } }) => void>();
        ws.on('message', (data) => {
          const answer = JSON.parse(String(data)) as { id?: number; error?: { message?: string } };
          const then = answer.id === undefined ? undefined : pending.get(answer.id);
          if (then) pending.delete(answer.id as number), then(answer);
        });
        const rpc = (method: string, params: object) =>
          new Promise<void>((resolve, reject) => {
            const id = nextId++;
            const timer = setTimeout(() => reject(new Error(`${method}: no answer within 5 s`)), 5000);
            pending.set(id, (answer) => (clearTimeout(timer), answer.error ? reject(new Error(`${method}: ${answer.error.message ?? ''}`)) : resolve()));
            ws.once('close', (code) => (clearTimeout(timer), reject(new Error(`${method}: the hub closed the connection (${code})`))));
            ws.send(JSON.stringify({ jsonrpc: '2.0', id, method, params }));
          });
        await rpc('hello', { name, version: 'bench' });
        await rpc('heartbeat', {});
        await rpc('tasks/next', {});
        await rpc('heartbeat', {});
      } finally {
        if (drop) ws.terminate();
        else ws.close(1000, 'done');
        await closed(ws);
      }
    };
    await Promise.all(
      Array.from({ length: order.agents }, async (_, i) => {
        while (performance.now() < end) {
          const n = cycle++;
          result.cycles++;
          try {
            await once(`soak-agent-${i}`, n % order.dropEvery === order.dropEvery - 1);
          } catch (err) {
            result.failures++;
            if (result.samples.length < 5) result.samples.push(err instanceof Error ? err.message : String(err));
          }
        }
      }),
    );
    send(result);
  }

  // Gone with the benchmark, whatever happened to it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (order: LoadOrder | SoakOrder | { kind: 'exit' }) => {
    if (order.kind === 'exit') return process.disconnect();
    (order.kind === 'load' ? load(order) : soak(order)).catch((err: unknown) => {
      console.error('hub bench agents:', err);
      process.exit(1);
    });
  });
  send({ kind: 'ready' });
}

/** The agents' process, and a way to wait for its next message of a kind. */
function startAgents(): { child: ChildProcess; next<K extends FromAgents['kind']>(kind: K, timeoutMs: number): Promise<Extract<FromAgents, { kind: K }>> } {
  // `__name`: a helper esbuild-based loaders (tsx) may put into function sources; the bundle has none.
  const source = `var __name = (f) => f;\n(${agentProcess.toString()})();\n`;
  const child = spawn(process.execPath, ['-e', source], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, PLUMBLINE_BENCH_WS: createRequire(__filename).resolve('ws') },
  });
  const got: FromAgents[] = [];
  const waiting = new Set<() => void>();
  let exited: string | undefined;
  child.on('message', (m: FromAgents) => (got.push(m), waiting.forEach((w) => w())));
  child.on('exit', (code, signal) => ((exited = `the agents' process exited (${signal ?? code})`), waiting.forEach((w) => w())));
  const next = <K extends FromAgents['kind']>(kind: K, timeoutMs: number) =>
    new Promise<Extract<FromAgents, { kind: K }>>((resolve, reject) => {
      const timer = setTimeout(() => (waiting.delete(check), reject(new Error(`no "${kind}" from the agents' process within ${timeoutMs / 1000} s`))), timeoutMs);
      const check = () => {
        const index = got.findIndex((m) => m.kind === kind);
        if (index >= 0) {
          const [m] = got.splice(index, 1);
          resolve(m as Extract<FromAgents, { kind: K }>);
        } else if (exited) reject(new Error(exited));
        else return;
        clearTimeout(timer);
        waiting.delete(check);
      };
      waiting.add(check);
      check();
    });
  return { child, next };
}

/** Connections the hub still holds: the server's sockets, its sessions, and the hub's own set. */
function openConnections(running: RunningHub): number {
  return Math.max(running.server['connections'].size, running.server.sessions().length, running.hub['sessions'].size);
}

async function drained(running: RunningHub, timeoutMs = 5000): Promise<number> {
  const until = performance.now() + timeoutMs;
  while (openConnections(running) && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
  return openConnections(running);
}

/** gc(), exposed at run time, so heap figures are of what is still referenced. */
function collector(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function seconds(variable: string, fallback: number): number {
  const value = Number(process.env[variable] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a number of seconds, not "${process.env[variable]}"`);
  return value;
}

/** Nearest rank: the smallest sample with at least p % of the samples at or below it. */

const MB = 1024 * 1024;
const informational = '— (no target)';

export async function run(): Promise<BenchRow[]> {
  const loadSeconds = seconds('PLUMBLINE_BENCH_HUB_SECONDS', 30);
  const soakSeconds = seconds('PLUMBLINE_BENCH_HUB_SOAK_SECONDS', 10);
  // Quiet, but what the hub warns about is kept and shown: in a clean run there is none.
  const problems: string[] = [];
  const keep = (level: string) => (message: string | Error) => void problems.push(`${level} ${message instanceof Error ? message.message : message}`);
  const log: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: keep('warn'), error: keep('error') };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plumbline-bench-hub-'));
  let running: RunningHub | undefined;
  let agents: ReturnType<typeof startAgents> | undefined;
  try {
    const root = path.join(dir, 'ws');
    await mkdir(path.join(root, 'plans'), { recursive: true });
    await writeFile(path.join(root, 'plans/tasks.md'), plan);
    const guard = new Guard();
    running = await startHub(
      {
        workspace: new Workspace(root),
        plans: filePlanAccess(root),
        engine: new AgentEngine(),
        guard: (file, before, after) => guard.checkEdit(before, after, languageOfFile(file.relative)),
        beginRun: () => ({ emit() {}, ask: async () => 'yes' }),
        workspaceFolders: [root],
        log,
      },
      { lockDir: path.join(dir, 'locks') },
    );
    agents = startAgents();
    await agents.next('ready', 10_000);
    const address = { port: running.port, token: running.server.token, header: tokenHeader };

    // The load.
    agents.child.send({ kind: 'load', ...address, agents: AGENTS, perAgentPerSecond: PER_AGENT_PER_SECOND, seconds: loadSeconds, nextEvery: NEXT_EVERY } satisfies LoadOrder);
    await agents.next('load-started', 30_000);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    const load = await agents.next('load-done', loadSeconds * 1000 + 60_000);
    const cpu = process.cpuUsage(cpuBefore);
    const cpuShare = ((cpu.user + cpu.system) / 1000 / (performance.now() - wallBefore)) * 100;
    const leftAfterLoad = await drained(running);
    if (leftAfterLoad) problems.push(`${leftAfterLoad} connections still open 5 s after the load's agents closed`);

    // The soak: the hub's heap and RSS before and after, each after a full collection.
    const gc = collector();
    gc();
    const before = process.memoryUsage();
    agents.child.send({ kind: 'soak', ...address, agents: SOAK_AGENTS, seconds: soakSeconds, dropEvery: DROP_EVERY } satisfies SoakOrder);
    const soak = await agents.next('soak-done', soakSeconds * 1000 + 60_000);
    const left = await drained(running);
    gc();
    const after = process.memoryUsage();

    for (const sample of [...load.samples, ...soak.samples]) problems.push(`agents: ${sample}`);
    const all = [...load.heartbeat, ...load.next];
    const p95 = percentile(all, 95);
    const lost = load.sent - load.answered;
    const wrong = load.errors + load.unexpected;
    const rate = (AGENTS * PER_AGENT_PER_SECOND).toLocaleString('en');
    const during = `${AGENTS} agents at ${rate} msg/s (${loadSeconds} s)`;
    return [
      { name: `hub: p95 round trip, ${during}`, value: p95, unit: 'ms', target: '≤ 10 ms', ok: p95 <= 10 },
      { name: '  p50 round trip', value: median(all), unit: 'ms', target: informational, ok: true },
      { name: '  p99 round trip', value: percentile(all, 99), unit: 'ms', target: informational, ok: true },
      { name: `  p95 of heartbeat alone (${load.heartbeat.length.toLocaleString('en')} answers)`, value: percentile(load.heartbeat, 95), unit: 'ms', target: informational, ok: true },
      { name: `  p95 of tasks/next alone (1 in ${NEXT_EVERY}, reads the plans; ${load.next.length.toLocaleString('en')} answers)`, value: percentile(load.next, 95), unit: 'ms', target: informational, ok: true },
      { name: `  messages sent per second (scheduled: ${rate})`, value: load.sendingMs > 0 ? (load.sent / load.sendingMs) * 1000 : 0, unit: 'msg/s', target: informational, ok: true },
      { name: '  hub process CPU during the load (one core = 100 %)', value: cpuShare, unit: '%', target: informational, ok: true },
      { name: `hub: messages lost of ${load.sent.toLocaleString('en')} sent (${load.closed} connections closed by the hub)`, value: lost, unit: 'messages', target: '0', ok: lost === 0 && load.closed === 0 },
      { name: `hub: error answers (${load.errors}) and answers to no pending id (${load.unexpected})`, value: wrong, unit: 'answers', target: '0', ok: wrong === 0 },
      {
        name: `hub reconnect soak: ${soak.connections.toLocaleString('en')} connections in ${soakSeconds} s (${SOAK_AGENTS} agents, 1 in ${DROP_EVERY} dropped without a close frame), failed`,
        value: soak.failures,
        unit: 'connections',
        target: '0',
        ok: soak.failures === 0 && soak.connections > 0,
      },
      { name: 'hub: connections left open after the soak', value: left, unit: 'connections', target: '0', ok: left === 0 },
      { name: '  hub heap growth across the soak (after GC)', value: (after.heapUsed - before.heapUsed) / MB, unit: 'MB', target: informational, ok: true },
      { name: '  hub process RSS growth across the soak', value: (after.rss - before.rss) / MB, unit: 'MB', target: informational, ok: true },
    ];
  } finally {
    if (problems.length) process.stderr.write(`hub bench: ${problems.length} problem(s):\n${problems.slice(0, 20).map((p) => `  ${p}\n`).join('')}`);
    if (agents && agents.child.exitCode === null && agents.child.signalCode === null) {
      const exited = new Promise((resolve) => agents!.child.once('exit', resolve));
      if (agents.child.connected) agents.child.send({ kind: 'exit' });
      const timer = setTimeout(() => agents!.child.kill(), 2000);
      await exited;
      clearTimeout(timer);
    }
    await running?.close();
    await rm(dir, { recursive: true, force: true });
  }
}
