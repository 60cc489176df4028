import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store, StoreReadOnlyError } from '../../engine/store';
import { loadSqlJs } from '../../engine/store/sqlJs';
import { tempPathFor } from '../../engine/fs';

/** The store and its file (SPEC §8): one writer, read-only windows, corrupt and unreadable files. */
describe('store: the file', () => {
  let dir: string;
  let file: string;
  const open: Store[] = [];
  const openStore = async (options: { saveIntervalMs?: number } = {}) => {
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
    await chmod(file, 0o600).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  });

  /** A database with one run in it, saved and closed. */
  async function savedDatabase(): Promise<Buffer> {
    const store = await Store.open(file);
    store.createRun({ id: 'kept', prompt: 'p', provider: 'x', model: 'm' });
    await store.close();
    return readFile(file);
  }

  /** A pid that certainly belonged to a process and now belongs to none. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    return Number(child.stdout.toString());
  }

  it('holds a lock file while open, with its pid, and removes it on close', async () => {
    const store = await openStore();
    const lock = JSON.parse(await readFile(`${file}.lock`, 'utf8')) as { pid: number; startedAt: number };
    assert.equal(lock.pid, process.pid);
    assert.ok(Math.abs(lock.startedAt - Date.now()) < 60_000);
    await store.close();
    await assert.rejects(stat(`${file}.lock`), { code: 'ENOENT' });
  });

  it('a second store on a locked file is read-only, says why, refuses writes, and never touches the file', async () => {
    const first = await openStore();
    first.createConversation('by the first window');
    await first.flush();
    const bytes = await readFile(file);

    const second = await openStore({ saveIntervalMs: 10 });
    assert.match(second.readOnly?.reason ?? '', /read-only: another Plumbline window holds its lock \(process \d+, since .*\)\. Nothing will be saved/);
    assert.equal(second.corrupt, undefined);
    // It reads what the first one saved.
    assert.deepEqual(second.listConversations().map((c) => c.title), ['by the first window']);
    assert.throws(() => second.createConversation('x'), (err: unknown) => err instanceof StoreReadOnlyError && /another Plumbline window/.test(err.message));
    assert.throws(() => second.appendEvent('r', 't', null), StoreReadOnlyError);
    assert.throws(() => second.setSetting('k', 1), StoreReadOnlyError);
    await assert.rejects(second.save(), StoreReadOnlyError);
    assert.equal(second.prune(), 0);
    second.markDirty();
    await second.flush();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await second.close();
    assert.deepEqual(await readFile(file), bytes);
    // Closing the read-only store left the first one's lock alone.
    assert.equal(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid, process.pid);
    first.createConversation('still writable');
    await first.flush();
  });

  it('takes over a stale lock: one left by a process that is gone, or a half-written one long abandoned', async () => {
    await savedDatabase();
    await writeFile(`${file}.lock`, JSON.stringify({ pid: deadPid(), startedAt: Date.now() - 60_000, host: os.hostname(), nonce: 'old' }));
    const store = await openStore();
    assert.equal(store.readOnly, undefined);
    assert.equal(store.getRun('kept')?.id, 'kept');
    assert.equal(JSON.parse(await readFile(`${file}.lock`, 'utf8')).pid, process.pid);
    await store.close();

    await writeFile(`${file}.lock`, '');
    const past = new Date(Date.now() - 60_000);
    await utimes(`${file}.lock`, past, past);
    const again = await openStore();
    assert.equal(again.readOnly, undefined);
    await again.close();

    // A half-written lock that is fresh is someone opening right now: not ours to take.
    await writeFile(`${file}.lock`, '{"pid":');
    const meanwhile = await openStore();
    assert.match(meanwhile.readOnly?.reason ?? '', /a process that is creating it now/);
    await meanwhile.close();
    assert.equal(await readFile(`${file}.lock`, 'utf8'), '{"pid":');
  });

  for (const [name, corrupt] of [
    ['random bytes', async () => randomBytes(20_000)],
    ['a truncated database', async () => {
      const store = await Store.open(file);
      for (let r = 0; r < 50; r++) store.appendEvent(store.createRun({ prompt: 'p', provider: 'x', model: 'm' }).id, 'step', { text: 'y'.repeat(500) });
      await store.close();
      const whole = await readFile(file);
      return whole.subarray(0, Math.floor(whole.length / 2));
    }],
    ['a SQLite file that is not ours', async () => {
      const SQL = await loadSqlJs();
      const db = new SQL.Database();
      db.run('CREATE TABLE runs (id TEXT); PRAGMA user_version = 1');
      const bytes = Buffer.from(db.export());
      db.close();
      return bytes;
    }],
  ] as const) {
    it(`moves a corrupt file aside and reports it, then starts afresh: ${name}`, async () => {
      const bytes = await corrupt();
      await writeFile(file, bytes);
      const store = await openStore();
      assert.equal(store.readOnly, undefined);
      assert.ok(store.corrupt, 'reported');
      assert.match(path.basename(store.corrupt.movedTo), /^plumbline\.sqlite\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z$/);
      assert.match(store.corrupt.reason, /not a database|malformed|integrity|unusable schema/);
      assert.deepEqual(await readFile(store.corrupt.movedTo), bytes);
      store.createConversation('fresh');
      await store.close();
      const again = await openStore();
      assert.equal(again.corrupt, undefined);
      assert.deepEqual(again.listConversations().map((c) => c.title), ['fresh']);
    });
  }

  it('a file from a newer schema is opened read-only, not moved and not rewritten', async () => {
    await savedDatabase();
    const SQL = await loadSqlJs();
    const db = new SQL.Database(await readFile(file));
    db.run('PRAGMA user_version = 99');
    const bytes = Buffer.from(db.export());
    db.close();
    await writeFile(file, bytes);
    const store = await openStore();
    assert.match(store.readOnly?.reason ?? '', /schema version 99, newer than this Plumbline knows/);
    assert.equal(store.corrupt, undefined);
    assert.equal(store.getRun('kept')?.id, 'kept');
    await store.close();
    assert.deepEqual(await readFile(file), bytes);
    await assert.rejects(stat(`${file}.lock`), { code: 'ENOENT' });
  });

  it('a path it cannot read (a folder there) opens read-only and is never replaced', async () => {
    await mkdir(file);
    await writeFile(path.join(file, 'inside'), 'untouched');
    const store = await openStore();
    assert.match(store.readOnly?.reason ?? '', /cannot read the file \(EISDIR\)/);
    assert.deepEqual(store.listRuns(), []);
    assert.throws(() => store.createRun({ prompt: 'p', provider: 'x', model: 'm' }), StoreReadOnlyError);
    await store.close();
    assert.ok((await stat(file)).isDirectory());
    assert.deepEqual(await readdir(file), ['inside']);
    assert.deepEqual((await readdir(dir)).sort(), ['plumbline.sqlite']);
  });

  it('a file without read permission opens read-only and is never overwritten', async function () {
    // Root reads any file whatever its mode; the folder case above covers that machine.
    if (process.getuid?.() === 0 || process.platform === 'win32') this.skip();
    const bytes = await savedDatabase();
    await chmod(file, 0o000);
    const store = await openStore();
    assert.match(store.readOnly?.reason ?? '', /cannot read the file \(EACCES\)/);
    await store.close();
    await chmod(file, 0o600);
    assert.deepEqual(await readFile(file), bytes);
  });

  it('leaves no temp files behind, and clears those a killed writer left', async () => {
    await savedDatabase();
    await writeFile(tempPathFor(file), randomBytes(100));
    const store = await openStore();
    store.createConversation('c');
    await store.flush();
    assert.deepEqual((await readdir(dir)).sort(), ['plumbline.sqlite', 'plumbline.sqlite.lock']);
  });
});
