import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../engine/store';
import { loadSqlJs } from '../../engine/store/sqlJs';
import { EVENTS_PER_GENERATION } from '../fixtures/storeWriter';

/**
 * Atomic saves (SPEC §8): a writer killed with SIGKILL at random moments, most of them in the
 * middle of a save, leaves a file that is either the last save or the one under way, never a
 * torn mix; the next store opens it cleanly, takes over the dead writer's lock and clears its
 * temp files.
 */
describe('store: a writer killed during saves', () => {
  const writer = path.join(__dirname, '..', 'fixtures', 'storeWriter.ts');
  let dir: string;
  before(async () => (dir = await mkdtemp(path.join(os.tmpdir(), 'plumbline-store-kill-'))));
  after(() => rm(dir, { recursive: true, force: true }));

  it('leaves the old or the new database on disk, 20 kills in a row', async function () {
    this.timeout(180_000);
    const file = path.join(dir, 'plumbline.sqlite');
    const SQL = await loadSqlJs();
    let midSave = 0;
    for (let kill = 0; kill < 20; kill++) {
      const { saved, saving } = await runAndKill(file, 30 + Math.random() * 400);
      if (saving > saved) midSave++;

      const db = new SQL.Database(await readFile(file));
      try {
        assert.deepEqual(db.exec('PRAGMA integrity_check')[0].values, [['ok']]);
        const generation = JSON.parse(String(db.exec("SELECT value FROM settings WHERE key = 'generation'")[0].values[0][0])) as number;
        const events = Number(db.exec('SELECT COUNT(*) FROM events')[0].values[0][0]);
        // Old or new: the last save reported done, or the one under way when the kill came.
        assert.ok(generation === saved || generation === saving, `kill ${kill}: generation ${generation} on disk, last saved ${saved}, saving ${saving}`);
        assert.equal(events, generation * EVENTS_PER_GENERATION, `kill ${kill}: a consistent snapshot`);
      } finally {
        db.close();
      }
    }
    assert.ok(midSave >= 5, `only ${midSave} of 20 kills landed during a save`);

    const store = await Store.open(file);
    try {
      assert.equal(store.readOnly, undefined, 'the dead writer’s lock is taken over');
      assert.equal(store.corrupt, undefined);
      assert.deepEqual((await readdir(dir)).sort(), ['plumbline.sqlite', 'plumbline.sqlite.lock']);
    } finally {
      await store.close();
    }
  });

  /** Starts the writer, lets it save at least once, kills it `delayMs` later; what it had said by then. */
  async function runAndKill(file: string, delayMs: number): Promise<{ saved: number; saving: number }> {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file], { cwd: path.join(__dirname, '..', '..'), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const deadline = Date.now() + 30_000;
    while (!/^saved /m.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`the writer did not save: ${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    child.kill('SIGKILL');
    await exited;
    const last = (word: string) => Math.max(0, ...[...stdout.matchAll(new RegExp(`^${word} (\\d+)$`, 'gm'))].map((m) => Number(m[1])));
    return { saved: last('saved'), saving: last('saving') };
  }
});
