import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dailyStats, Store } from '../../engine/store';

/** Mission Control's charts: runs per local day, from a real store. */
describe('daily run stats', () => {
  let dir: string;
  let store: Store;
  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-stats-'));
    store = await Store.open(path.join(dir, 'state.db'));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts runs, finished and done runs, runs with violations and tokens per local day, oldest first', () => {
    const day = (d: number, hour: number) => new Date(2026, 10, d, hour).getTime();
    const add = (d: number, hour: number, state: 'done' | 'failed' | 'running', tokens: number) => {
      const run = store.createRun({ prompt: 'p', provider: 'openai', model: 'm', state, startedAt: day(d, hour) });
      store.updateRun(run.id, { inputTokens: tokens, outputTokens: 1 });
      return run.id;
    };
    add(21, 9, 'done', 99);
    const flagged = add(21, 23, 'failed', 9);
    add(20, 0, 'done', 4);
    add(21, 12, 'running', 0);
    add(22, 1, 'done', 19);
    store.addViolation({ runId: flagged, agentId: null, file: 'a.ts', kind: 'placeholder-dropped', severity: 'critical', line: 1, message: 'dropped' });
    const flaggedRuns = new Set(store.violationsOf().map((v) => v.runId!));
    assert.deepEqual(dailyStats(store.listRuns(100), flaggedRuns), [
      { day: '2026-11-20', runs: 1, done: 1, finished: 1, withViolations: 0, tokens: 5 },
      { day: '2026-11-21', runs: 3, done: 1, finished: 2, withViolations: 1, tokens: 111 },
      { day: '2026-11-22', runs: 1, done: 1, finished: 1, withViolations: 0, tokens: 20 },
    ]);
    assert.deepEqual(dailyStats(store.listRuns(100), flaggedRuns, 2).map((d) => d.day), ['2026-11-21', '2026-11-22'], 'the newest days');
  });
});
