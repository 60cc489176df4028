import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentEngine } from '../../engine/agent/engine';
import { execCommand } from '../../engine/agent/exec';
import { filePlanAccess } from '../../engine/agent/plans';
import { createProvider } from '../../engine/agent/providers';
import { recordRun } from '../../engine/agent/recorder';
import type { RunEvent, RunOptions, RunResult } from '../../engine/agent/run';
import { agentTools } from '../../engine/agent/tools';
import { Workspace } from '../../engine/agent/workspace';
import { Guard, languageOfFile } from '../../engine/guard';
import { Store } from '../../engine/store';
import { reply, startProviderServer, type ProviderServer } from '../fixtures/providerServer';
import { storeClass } from '../fixtures/storeClass';

const store = storeClass;
const plan = '# Tasks: Store\n\n## Phase 1\n- [ ] T001 Add a count method to Store\n- [ ] T002 Document the Store\n';

const call = (name: string, args: unknown, split = true) => {
  const text = typeof args === 'string' ? args : JSON.stringify(args);
  const middle = split ? Math.floor(text.length / 2) : text.length;
  return { name, fragments: [text.slice(0, middle), text.slice(middle)].filter(Boolean) };
};

/** The agent engine against a real local server speaking each provider's streaming protocol (SPEC §4, §10). */
for (const protocol of ['openai', 'anthropic'] as const) {
  describe(`agent runs (${protocol} protocol)`, () => {
    let server: ProviderServer;
    let dir: string;
    let workspace: string;
    let db: Store;
    let engine: AgentEngine;

    before(async () => {
      server = await startProviderServer();
    });
    after(() => server.close());
    beforeEach(async () => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-agent-'));
      workspace = path.join(dir, 'ws');
      mkdirSync(path.join(workspace, 'src'), { recursive: true });
      mkdirSync(path.join(workspace, 'plans'));
      writeFileSync(path.join(workspace, 'src/store.ts'), store);
      writeFileSync(path.join(workspace, 'plans/tasks.md'), plan);
      db = await Store.open(path.join(dir, 'state.db'));
      engine = new AgentEngine();
    });
    afterEach(async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
      assert.equal(server.remaining, 0, 'every scripted answer was used');
    });

    const file = (relative: string) => path.join(workspace, relative);
    const provider = () =>
      createProvider({ kind: protocol, baseUrl: protocol === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl, model: 'test-model', apiKey: 'test-key', timeoutMs: 3000 });

    type StartOptions = { task?: { file: string; id: string }; agentId?: string; approve?: boolean; unsaved?: string[] } & Pick<RunOptions, 'limits' | 'pricing'>;
    function start(prompt: string, options: StartOptions = {}) {
      const events: RunEvent[] = [];
      const id = randomUUID();
      const p = provider();
      const record = recordRun(db, { id, agentId: options.agentId ?? 'agent-1', agentName: 'test agent', prompt, provider: p.id, model: 'test-model', task: options.task });
      const guard = new Guard();
      const { run, result } = engine.start(
        options.agentId ?? 'agent-1',
        { id, prompt, task: options.task, provider: p, model: 'test-model', tools: agentTools, random: () => 0, limits: options.limits, pricing: options.pricing },
        {
          workspace: new Workspace(workspace),
          plans: filePlanAccess(workspace),
          guard: (f, before, after) => guard.checkEdit(before, after, languageOfFile(f)),
          approve: async () => options.approve ?? false,
          ask: async () => 'yes',
          exec: (command, cwd, timeoutMs, signal) => execCommand(command, cwd, timeoutMs, signal),
          emit: (event) => {
            events.push(event);
            record(event);
          },
          autoApproveEdits: true,
          allowedCommands: [],
          hasUnsavedChanges: (f) => (options.unsaved ?? []).some((u) => file(u) === f),
        },
      );
      return { run, result, events };
    }
    const types = (events: RunEvent[]) => events.map((e) => e.type);
    const toolResults = (events: RunEvent[]) => events.filter((e) => e.type === 'tool-result').map((e) => ({ name: e.name, isError: e.isError, content: String(e.content) }));

    it('runs a multi-step plan task: reads, edits, marks the task done, and records everything', async () => {
      const base = server.requests.length;
      const count = '  count() {\n    return this.items.size;\n  }\n\n  delete(key: string) {';
      server.script(
        reply.toolCalls([call('get_task', { file: 'plans/tasks.md', id: 'T001' })]),
        reply.toolCalls([call('read_file', { path: 'src/store.ts' })], { text: ['Reading the store first.'] }),
        reply.toolCalls([call('edit_file', { path: 'src/store.ts', oldText: '  delete(key: string) {', newText: count })]),
        // finish ends the run: no further model call.
        reply.toolCalls([call('finish', { success: true, summary: 'Added Store.count()' })]),
      );
      const { result, events } = start('Add a count method', { task: { file: 'plans/tasks.md', id: 'T001' } });
      const outcome = await result;
      assert.equal(outcome.state, 'done', outcome.error);
      assert.equal(outcome.steps, 4);
      assert.deepEqual(outcome.tokens, { input: 40, output: 20 });
      assert.equal(readFileSync(file('src/store.ts'), 'utf8'), store.replace('  delete(key: string) {', count));
      assert.match(readFileSync(file('plans/tasks.md'), 'utf8'), /- \[x\] T001 Add a count method/);
      assert.deepEqual(
        types(events).filter((t) => ['state', 'tool-call', 'edit', 'checkpoint', 'result'].includes(t)),
        ['state', 'tool-call', 'tool-call', 'tool-call', 'checkpoint', 'edit', 'tool-call', 'state', 'result'],
      );
      assert.deepEqual(events.filter((e) => e.type === 'state').map((e) => e.state), ['running', 'done']);
      // What the model was sent back: the file's content as the read_file result.
      const third = JSON.stringify(server.requests[base + 2].body);
      assert.ok(third.includes('this.items.set(key, value);'), 'the read_file result went back to the model');
      const row = db.getRun(outcome.runId)!;
      assert.deepEqual([row.state, row.steps, row.inputTokens, row.outputTokens, row.taskId], ['done', 4, 40, 20, 'T001']);
      assert.equal(db.eventsOf(outcome.runId).length, events.length);
    });

    it('answers a tool call with invalid JSON arguments with a clear error, and the run goes on', async () => {
      const base = server.requests.length;
      server.script(
        reply.toolCalls([call('read_file', '{"path": "src/store.ts"', false)]),
        reply.toolCalls([call('read_file', { path: 'src/store.ts', startLine: 'one' })]),
        reply.text(['I will stop here.']),
      );
      const { result, events } = start('Read the store');
      const outcome = await result;
      assert.equal(outcome.state, 'done');
      const [bad, wrongType] = toolResults(events);
      assert.equal(bad.isError, true);
      assert.match(bad.content, /^The arguments of read_file are not valid JSON/);
      assert.match(wrongType.content, /^Invalid arguments for read_file: startLine: /);
      assert.ok(JSON.stringify(server.requests[base + 1].body).includes('are not valid JSON'), 'the error went back to the model');
      assert.equal(readFileSync(file('src/store.ts'), 'utf8'), store);
    });

    it('refuses writes outside the workspace, through a symlink, and to protected paths', async () => {
      const outside = path.join(dir, 'outside.txt');
      symlinkSync(dir, file('link'));
      server.script(
        reply.toolCalls([call('write_file', { path: '../outside.txt', content: 'x' })]),
        reply.toolCalls([call('write_file', { path: 'link/outside.txt', content: 'x' })]),
        reply.toolCalls([call('write_file', { path: '.vscode/settings.json', content: '{"x":1}' })]),
        reply.toolCalls([call('edit_file', { path: '.env', oldText: 'a', newText: 'b' })]),
        reply.text(['Giving up.']),
      );
      const { result, events } = start('Write outside');
      assert.equal((await result).state, 'done');
      const results = toolResults(events);
      assert.match(results[0].content, /"\.\.\/outside\.txt" is outside the workspace/);
      assert.match(results[1].content, /is outside the workspace \(through a symbolic link\)/);
      assert.match(results[2].content, /The edit of \.vscode\/settings\.json was not approved \(\.vscode\/settings\.json is a protected path\)/);
      assert.ok(results.every((r) => r.isError));
      assert.equal(existsSync(outside), false);
      assert.equal(existsSync(file('.vscode/settings.json')), false);
      assert.ok(events.some((e) => e.type === 'approval' && e.approved === false && e.path === '.vscode/settings.json'));
    });

    it('never writes over a file with unsaved changes in an editor, and says why', async () => {
      server.script(
        reply.toolCalls([call('write_file', { path: 'src/store.ts', content: 'export {};\n' })]),
        reply.toolCalls([call('edit_file', { path: 'plans/tasks.md', oldText: 'T002 Document', newText: 'T002 Describe' })]),
        reply.text(['Stopping here.']),
      );
      const { result, events } = start('Rewrite', { unsaved: ['src/store.ts'] });
      assert.equal((await result).state, 'done');
      assert.equal(readFileSync(file('src/store.ts'), 'utf8'), store, 'untouched');
      assert.match(readFileSync(file('plans/tasks.md'), 'utf8'), /T002 Describe/, 'other files are written');
      const [refused, written] = toolResults(events);
      assert.deepEqual([refused.isError, written.isError], [true, false]);
      assert.match(refused.content, /^src\/store\.ts has unsaved changes in the user's editor, so it was not written/);
      assert.equal(events.filter((e) => e.type === 'checkpoint').length, 1, 'no checkpoint for the refused write');
    });

    it('quarantines an agent that drops code behind a placeholder: the file keeps its content, the violation is recorded, the agent may not run again', async () => {
      const dropped = '  load(key: string) {\n    return this.items.get(key);\n  }\n\n  delete(key: string) {\n    this.items.delete(key);\n  }\n';
      server.script(reply.toolCalls([call('edit_file', { path: 'src/store.ts', oldText: dropped, newText: '  // ... (other methods unchanged)\n' })]));
      const { result, events, run } = start('Tidy the store', { agentId: 'dropper' });
      const outcome = await result;
      assert.equal(outcome.state, 'quarantined');
      assert.match(outcome.error ?? '', /replaced 7 lines/);
      assert.match(readFileSync(file('src/store.ts'), 'utf8'), /\/\/ \.\.\. \(other methods unchanged\)/);
      assert.ok(events.some((e) => e.type === 'quarantined'));
      const [violation] = db.violationsOf({ runId: outcome.runId });
      assert.deepEqual([violation.kind, violation.severity, violation.file, violation.line], ['placeholder-dropped', 'critical', 'src/store.ts', 8]);
      assert.equal(db.getAgent('dropper')?.state, 'quarantined');
      assert.throws(() => start('Try again', { agentId: 'dropper' }), /the agent dropper is quarantined/);
      // The checkpoint undoes it.
      await run.undo();
      assert.equal(readFileSync(file('src/store.ts'), 'utf8'), store);
      assert.equal(engine.release('dropper'), true);
      server.script(reply.text(['ok']));
      assert.equal((await start('Again', { agentId: 'dropper' }).result).state, 'done');
    });

    it('retries a 429 after its Retry-After, then succeeds', async () => {
      server.script(reply.error(429, { retryAfter: '0' }), reply.text(['Hello']));
      const { result, events } = start('Hi');
      const outcome = await result;
      assert.equal(outcome.state, 'done');
      const retry = events.find((e) => e.type === 'retry')!;
      assert.deepEqual([retry.reason, retry.status, retry.delayMs], ['rate-limited', 429, 0]);
      assert.equal(server.requests.length >= 2, true);
    });

    it('gives up on repeated 500s, and the open breaker fails the next run without calling the provider', async () => {
      server.script(...Array.from({ length: 5 }, () => reply.error(500)));
      const first = await start('Hi').result;
      assert.equal(first.state, 'failed');
      assert.match(first.error ?? '', /500/);
      const before = server.requests.length;
      const second = await start('Hi again').result;
      assert.equal(second.state, 'failed');
      assert.match(second.error ?? '', /circuit breaker open/);
      assert.equal(server.requests.length, before, 'no request while the breaker is open');
      assert.equal(db.getRun(second.runId)?.state, 'failed');
    });

    it('retries a stream cut in the middle of a message', async () => {
      server.script(reply.cut(2), reply.text(['Whole ', 'answer']));
      const { result, events } = start('Hi');
      assert.equal((await result).state, 'done');
      assert.equal(events.find((e) => e.type === 'retry')?.reason, 'stream-cut');
      assert.equal(events.filter((e) => e.type === 'model-response').at(-1)?.text, 'Whole answer');
    });

    it('ends a run at its step, token and cost limits with the reason, and leaves its task in progress', async () => {
      const task = { file: 'plans/tasks.md', id: 'T001' };
      const read = () => reply.toolCalls([call('read_file', { path: 'src/store.ts' })]);
      server.script(read(), read());
      const steps = await start('Read forever', { task, limits: { maxSteps: 2 } }).result;
      assert.deepEqual([steps.state, steps.steps, steps.error], ['failed', 2, 'the run reached its limit of 2 steps']);
      assert.doesNotMatch(readFileSync(file('plans/tasks.md'), 'utf8'), /- \[x\] T001/, 'not done');

      server.script(reply.toolCalls([call('read_file', { path: 'src/store.ts' })], { usage: { input: 90, output: 20 } }));
      const tokens = await start('Read a lot', { limits: { maxTokens: 100 } }).result;
      assert.deepEqual([tokens.state, tokens.error], ['failed', 'the run used 110 tokens, over its limit of 100']);

      // $3 and $15 per million tokens: 2,000 in and 300 out cost $0.0105, over a one-cent limit.
      server.script(reply.toolCalls([call('read_file', { path: 'src/store.ts' })], { usage: { input: 2000, output: 300 } }));
      const { result, events } = start('Spend', { limits: { maxCost: 0.01 }, pricing: { input: 3, output: 15 } });
      const cost = await result;
      assert.equal(cost.state, 'failed');
      assert.equal(cost.error, 'the run cost $0.0105, over its limit of $0.0100');
      assert.ok(Math.abs(cost.cost - 0.0105) < 1e-9, String(cost.cost));
      assert.equal(events.find((e) => e.type === 'usage')?.cost, cost.cost);
      assert.ok(Math.abs((db.getRun(cost.runId)?.cost ?? 0) - 0.0105) < 1e-9, 'the cost is recorded');
      assert.equal(events.filter((e) => e.type === 'tool-call').length, 0, 'no tool runs once the limit is passed');
    });

    it('stops during a long stream: the run ends as stopped before the answer is complete', async () => {
      const chunks = Array.from({ length: 200 }, (_, i) => `word${i} `);
      server.script(reply.text(chunks, { delayMs: 50 }));
      const { run, result, events } = start('Talk a lot');
      while (!events.some((e) => e.type === 'text')) await new Promise((r) => setTimeout(r, 10));
      run.stop();
      const outcome: RunResult = await result;
      assert.equal(outcome.state, 'stopped');
      const received = events.filter((e) => e.type === 'text').length;
      assert.ok(received < chunks.length, `${received} of ${chunks.length} chunks`);
      assert.equal(db.getRun(outcome.runId)?.state, 'stopped');
    });
  });
}

describe('the agent engine', () => {
  let server: ProviderServer;
  let dir: string;
  before(async () => {
    server = await startProviderServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-engine-'));
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queues runs over the concurrency limit, and Stop All ends running and queued runs alike', async () => {
    const engine = new AgentEngine({ concurrency: 1 });
    const provider = createProvider({ kind: 'openai', baseUrl: server.openaiBaseUrl, model: 'm', apiKey: 'k', timeoutMs: 3000 });
    const host = quietHost(dir);
    server.script(reply.text(Array.from({ length: 100 }, (_, i) => `w${i} `), { delayMs: 50 }));
    const requestsBefore = server.requests.length;
    const first = engine.start('a', { prompt: 'one', provider, model: 'm', tools: agentTools }, host);
    const second = engine.start('b', { prompt: 'two', provider, model: 'm', tools: agentTools }, host);
    while (server.requests.length === requestsBefore) await new Promise((r) => setTimeout(r, 10));
    assert.equal(first.run.state, 'running');
    assert.equal(second.run.state, 'queued');
    assert.equal(engine.stopAll(), 2);
    const [a, b] = await Promise.all([first.result, second.result]);
    assert.deepEqual([a.state, b.state], ['stopped', 'stopped']);
    assert.equal(server.requests.length - requestsBefore, 1, 'the queued run never called the model');
  });

  it('keeps the newest finished runs for undo and forgets older ones', async () => {
    const engine = new AgentEngine({ keepFinished: 2 });
    const provider = createProvider({ kind: 'openai', baseUrl: server.openaiBaseUrl, model: 'm', apiKey: 'k', timeoutMs: 3000 });
    const host = quietHost(dir);
    const ids: string[] = [];
    for (const prompt of ['one', 'two', 'three']) {
      server.script(reply.text(['ok']));
      const { run, result } = engine.start('a', { prompt, provider, model: 'm', tools: agentTools }, host);
      ids.push(run.id);
      assert.equal((await result).state, 'done');
    }
    assert.deepEqual(engine.list().map((r) => r.id), ids.slice(1));
    assert.equal(engine.get(ids[0]), undefined);
  });
});

/** A host that approves nothing and records nothing. */
function quietHost(dir: string) {
  return {
    workspace: new Workspace(dir),
    plans: filePlanAccess(dir),
    guard: async () => [],
    approve: async () => false,
    ask: async () => '',
    exec: (command: string, cwd: string, timeoutMs: number, signal: AbortSignal) => execCommand(command, cwd, timeoutMs, signal),
    emit: () => undefined,
    autoApproveEdits: true,
    allowedCommands: [],
  };
}
