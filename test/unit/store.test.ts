import * as assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store, type StoreOptions } from '../../engine/store';
import { migrations, migrate, schemaVersion } from '../../engine/store/schema';
import { loadSqlJs } from '../../engine/store/sqlJs';

/** The store's typed API on real files (SPEC §8): round trips, cascades, order, validation, retention, merged saves. */
describe('store: API', () => {
  let dir: string;
  let file: string;
  const open: Store[] = [];
  const openStore = async (options: StoreOptions = {}) => {
    const store = await Store.open(file, options);
    open.push(store);
    return store;
  };

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'plumbline-store-'));
    file = path.join(dir, 'plumbline.sqlite');
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  /** Rewrites a column of the saved file behind the store's back, as a hand edit or a bug would. */
  async function tamper(sql: string): Promise<void> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database(await readFile(file));
    db.run(sql);
    await writeFile(file, db.export());
    db.close();
  }

  it('round-trips conversations and messages, newest conversation first, and survives a reopen', async () => {
    let t = 1000;
    const store = await openStore({ now: () => t++ });
    const a = store.createConversation('first');
    const b = store.createConversation('second');
    store.addMessage(a.id, 'user', { text: 'hello', attachments: [1, null, true] });
    store.addMessage(a.id, 'assistant', 'plain string content');
    assert.equal(store.renameConversation(b.id, 'renamed'), true);
    assert.equal(store.renameConversation('nope', 'x'), false);
    assert.deepEqual(store.listConversations().map((c) => c.title), ['renamed', 'first']);
    assert.throws(() => store.addMessage('nope', 'user', 'x'), /no conversation nope/);
    await store.close();

    const again = await openStore();
    assert.deepEqual(again.getConversation(a.id)?.title, 'first');
    const messages = again.messagesOf(a.id);
    assert.deepEqual(messages.map((m) => [m.role, m.content]), [['user', { text: 'hello', attachments: [1, null, true] }], ['assistant', 'plain string content']]);
    // Adding a message makes its conversation the most recent one.
    assert.equal(again.getConversation(a.id)?.updatedAt, messages[1].createdAt);
  });

  it('orders conversations by last activity', async () => {
    let t = 1000;
    const store = await openStore({ now: () => (t += 10) });
    const a = store.createConversation('a');
    store.createConversation('b');
    store.addMessage(a.id, 'user', 'bump');
    assert.deepEqual(store.listConversations().map((c) => c.title), ['a', 'b']);
  });

  it('deleting a conversation deletes its messages and unlinks its runs, also after a save', async () => {
    const store = await openStore();
    const c = store.createConversation('c');
    store.addMessage(c.id, 'user', 'one');
    const run = store.createRun({ conversationId: c.id, prompt: 'p', provider: 'openai', model: 'm' });
    // export() used to reset PRAGMAs in sql.js: foreign keys must still be on after a save.
    await store.save();
    assert.equal(store.deleteConversation(c.id), true);
    assert.deepEqual(store.messagesOf(c.id), []);
    assert.equal(store.getRun(run.id)?.conversationId, null);
    assert.equal(store.deleteConversation(c.id), false);
    await store.flush();
    const c2 = store.createConversation('again');
    store.addMessage(c2.id, 'user', 'two');
    await store.flush();
    store.deleteConversation(c2.id);
    assert.deepEqual(store.messagesOf(c2.id), []);
  });

  it('round-trips runs, their updates and their events in seq order per run', async () => {
    let t = 5000;
    const store = await openStore({ now: () => t++ });
    const run = store.createRun({ id: 'run-1', taskFile: 'PLAN.md', taskId: 'T1', prompt: 'do it', provider: 'anthropic', model: 'claude', state: 'running' });
    assert.deepEqual(
      { ...run, startedAt: 0 },
      { id: 'run-1', conversationId: null, taskFile: 'PLAN.md', taskId: 'T1', prompt: 'do it', provider: 'anthropic', model: 'claude', state: 'running', startedAt: 0, endedAt: null, steps: 0, inputTokens: 0, outputTokens: 0, cost: 0, error: null },
    );
    const other = store.createRun({ prompt: 'other', provider: 'openai', model: 'gpt' });
    assert.equal(other.state, 'queued');
    for (let i = 0; i < 5; i++) {
      assert.equal(store.appendEvent(run.id, 'step', { i }).seq, i + 1);
      assert.equal(store.appendEvent(other.id, 'tool-call', { name: 'read', i }).seq, i + 1);
    }
    const updated = store.updateRun(run.id, { state: 'failed', endedAt: 9999, steps: 5, inputTokens: 120, outputTokens: 30, cost: 0.25, error: 'boom' });
    assert.deepEqual([updated.state, updated.endedAt, updated.steps, updated.inputTokens, updated.outputTokens, updated.cost, updated.error], ['failed', 9999, 5, 120, 30, 0.25, 'boom']);
    assert.equal(store.updateRun(run.id, {}).state, 'failed');
    assert.throws(() => store.updateRun('missing', { state: 'done' }), /no run missing/);
    assert.throws(() => store.appendEvent('missing', 'x', null), /no run missing/);
    await store.close();

    const again = await openStore();
    assert.deepEqual(again.getRun(run.id), updated);
    assert.equal(again.getRun('missing'), undefined);
    assert.deepEqual(again.listRuns().map((r) => r.id), [other.id, run.id]);
    assert.deepEqual(again.listRuns(1).map((r) => r.id), [other.id]);
    const events = again.eventsOf(run.id);
    assert.deepEqual(events.map((e) => [e.seq, e.type, e.data]), [0, 1, 2, 3, 4].map((i) => [i + 1, 'step', { i }]));
    assert.ok(events.every((e, i) => i === 0 || e.at > events[i - 1].at));
    // A new event after the reopen carries on from the last seq.
    assert.equal(again.appendEvent(run.id, 'step', 'more').seq, 6);
  });

  it('round-trips violations, agents (quarantine and release) and settings', async () => {
    let t = 100;
    const store = await openStore({ now: () => t++ });
    const run = store.createRun({ prompt: 'p', provider: 'openai', model: 'm' });
    store.upsertAgent({ id: 'hub-1', name: 'claude-code', kind: 'hub' });
    store.addViolation({ runId: run.id, agentId: 'own', file: 'a.ts', kind: 'placeholder-dropped', severity: 'critical', line: 10, message: 'dropped 12 lines' });
    store.addViolation({ agentId: 'hub-1', file: 'b.py', kind: 'incomplete-code', severity: 'high', line: 2, message: 'stub', at: 42 });
    assert.deepEqual(store.violationsOf({ runId: run.id }).map((v) => [v.file, v.kind, v.severity, v.line, v.agentId]), [['a.ts', 'placeholder-dropped', 'critical', 10, 'own']]);
    assert.deepEqual(store.violationsOf({ agentId: 'hub-1' }).map((v) => [v.file, v.runId, v.at]), [['b.py', null, 42]]);
    assert.deepEqual(store.violationsOf().map((v) => v.file), ['b.py', 'a.ts']);
    assert.deepEqual(store.violationsOf({ limit: 1 }).map((v) => v.file), ['b.py']);

    const quarantined = store.setAgentState('hub-1', 'quarantined', 'dropped code in b.py');
    assert.equal(quarantined.state, 'quarantined');
    assert.equal(quarantined.reason, 'dropped code in b.py');
    assert.ok(quarantined.quarantinedAt! > 0);
    // Re-announcing an agent (a reconnect) renames it but keeps it quarantined.
    assert.equal(store.upsertAgent({ id: 'hub-1', name: 'claude', kind: 'hub' }).state, 'quarantined');
    store.upsertAgent({ id: 'own', name: 'Plumbline', kind: 'own' });
    assert.throws(() => store.setAgentState('ghost', 'active'), /no agent ghost/);

    store.setSetting('model', { provider: 'openai', model: 'gpt', maxSteps: 40 });
    store.setSetting('gone', 1);
    store.setSetting('gone', undefined);
    await store.close();

    const again = await openStore();
    assert.deepEqual(again.listAgents().map((a) => [a.id, a.name, a.state]), [['hub-1', 'claude', 'quarantined'], ['own', 'Plumbline', 'active']]);
    const released = again.setAgentState('hub-1', 'active');
    assert.deepEqual([released.state, released.quarantinedAt, released.reason], ['active', null, null]);
    assert.deepEqual(again.getSetting('model'), { provider: 'openai', model: 'gpt', maxSteps: 40 });
    assert.equal(again.getSetting('gone'), undefined);
    assert.equal(again.getAgent('own')?.kind, 'own');
  });

  it('checks what it reads back: bad JSON or an unknown state is a clear error, not bad data', async () => {
    const store = await openStore();
    const run = store.createRun({ prompt: 'p', provider: 'openai', model: 'm' });
    store.appendEvent(run.id, 'step', { ok: true });
    await store.close();
    await tamper(`UPDATE events SET data = '{"truncated": ' WHERE run_id = '${run.id}'`);
    await tamper(`UPDATE runs SET state = 'exploded'`);
    const again = await openStore();
    assert.throws(() => again.eventsOf(run.id), /unexpected row.*not valid JSON/s);
    assert.throws(() => again.getRun(run.id), /unexpected row.*state/s);
  });

  it('a write that fails, even on checking the row it wrote, leaves nothing behind', async () => {
    const store = await openStore();
    const run = store.createRun({ prompt: 'p', provider: 'x', model: 'm' });
    assert.throws(() => store.updateRun(run.id, { steps: -1, state: 'done' }), /unexpected row/);
    assert.deepEqual(store.getRun(run.id), run);
    await store.close();
    assert.deepEqual((await openStore()).getRun(run.id), run);
  });

  it('retention keeps the newest N runs, deleting the older ones with their events and violations', async () => {
    const store = await openStore({ keepRuns: 3 });
    const ids = [1, 2, 3, 4, 5].map((i) => store.createRun({ id: `r${i}`, prompt: 'p', provider: 'x', model: 'm', startedAt: i * 1000 }).id);
    for (const id of ids) {
      store.appendEvent(id, 'step', { id });
      store.addViolation({ runId: id, file: 'f', kind: 'incomplete-code', severity: 'high', line: 1, message: 'm' });
    }
    assert.equal(store.prune(), 2);
    assert.deepEqual(store.listRuns().map((r) => r.id), ['r5', 'r4', 'r3']);
    assert.deepEqual(store.eventsOf('r1'), []);
    assert.deepEqual(store.violationsOf({ runId: 'r2' }), []);
    assert.equal(store.eventsOf('r3').length, 1);
    assert.equal(store.prune(), 0);
    await store.close();
    // On open too, with the limit given then.
    const again = await openStore({ keepRuns: 1 });
    assert.deepEqual(again.listRuns().map((r) => r.id), ['r5']);
  });

  it('retention keeps the file bounded: pruning many large runs shrinks it', async () => {
    const store = await openStore({ keepRuns: 5 });
    const payload = 'x'.repeat(1000);
    for (let r = 0; r < 60; r++) {
      const run = store.createRun({ prompt: 'p', provider: 'x', model: 'm', startedAt: r });
      for (let e = 0; e < 50; e++) store.appendEvent(run.id, 'step', { payload });
    }
    await store.flush();
    const before = (await stat(file)).size;
    assert.equal(store.prune(), 55);
    await store.flush();
    const after = (await stat(file)).size;
    assert.ok(after < before / 5, `file went from ${before} to ${after} bytes`);
  });

  it('merges saves: a burst of writes over more than a second makes at most a few file writes; flush() writes at once', async () => {
    let saves = 0;
    const store = await openStore({ onSave: () => saves++ });
    await store.flush();
    saves = 0;
    const run = store.createRun({ prompt: 'p', provider: 'x', model: 'm' });
    const started = Date.now();
    while (Date.now() - started < 1300) {
      store.appendEvent(run.id, 'step', { at: Date.now() });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.ok(saves >= 1 && saves <= 3, `${saves} saves for ${store.eventsOf(run.id).length} writes`);

    await store.flush();
    const counted = saves;
    const mtime = (await stat(file)).mtimeMs;
    store.appendEvent(run.id, 'last', 'one');
    await store.flush();
    assert.equal(saves, counted + 1);
    assert.ok((await stat(file)).mtimeMs >= mtime);
    // What flush() wrote is on disk: another reader sees the last event.
    const SQL = await loadSqlJs();
    const db = new SQL.Database(await readFile(file));
    assert.equal(db.exec(`SELECT type FROM events ORDER BY id DESC LIMIT 1`)[0].values[0][0], 'last');
    db.close();
    // Nothing changed, nothing written.
    await store.flush();
    assert.equal(saves, counted + 1);
  });

  it('a store that is closed refuses reads and writes clearly', async () => {
    const store = await openStore();
    await store.close();
    assert.throws(() => store.listRuns(), /is closed/);
    assert.throws(() => store.createConversation('x'), /is closed/);
    await store.close();
  });
});

describe('store: schema migrations', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'plumbline-store-'))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('upgrades a file written by an older version, keeping its data', async () => {
    const file = path.join(dir, 'db.sqlite');
    const older = await Store.open(file, { migrations });
    const run = older.createRun({ id: 'old-run', prompt: 'p', provider: 'x', model: 'm' });
    older.appendEvent(run.id, 'step', { kept: true });
    await older.close();

    const next = [...migrations, "ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT 'unknown'; UPDATE runs SET origin = 'migrated'"];
    const newer = await Store.open(file, { migrations: next });
    assert.equal(newer.readOnly, undefined);
    assert.equal(newer.corrupt, undefined);
    assert.deepEqual(newer.eventsOf('old-run').map((e) => e.data), [{ kept: true }]);
    await newer.close();

    const SQL = await loadSqlJs();
    const db = new SQL.Database(await readFile(file));
    assert.equal(schemaVersion(db), next.length);
    assert.deepEqual(db.exec("SELECT origin FROM runs WHERE id = 'old-run'")[0].values, [['migrated']]);
    db.close();
  });

  it('a failing migration rolls back to the last version that completed', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    migrate(db, migrations);
    db.run("INSERT INTO settings (key, value) VALUES ('k', '1')");
    assert.throws(() => migrate(db, [...migrations, "UPDATE settings SET value = '2'; SELECT * FROM no_such_table"]), /no_such_table/);
    assert.equal(schemaVersion(db), migrations.length);
    assert.deepEqual(db.exec('SELECT value FROM settings')[0].values, [['1']]);
    db.close();
  });
});
