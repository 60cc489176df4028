import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../engine/store';
import type { BenchRow } from './main';
import { median } from './stats';

/**
 * SPEC §9 "store: 10,000 events appended and saved": from the first append to the file on disk
 * (atomic save with fsync included), on a store that already holds a few hundred earlier runs,
 * as a workspace's store does after some use. Events look like a run's trace: model calls with
 * usage, tool calls with arguments, tool results of a few hundred bytes.
 */
export async function run(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'plumbline-bench-store-'));
  try {
    const samples: number[] = [];
    let size = 0;
    for (let i = 0; i < 5; i++) {
      const file = path.join(dir, `store-${i}.sqlite`);
      const store = await Store.open(file);
      seed(store);
      await store.flush();
      const runId = store.createRun({ prompt: 'Implement the task', provider: 'openai', model: 'gpt-4.1' }).id;
      const start = performance.now();
      for (let n = 0; n < 10_000; n++) store.appendEvent(runId, ...event(n));
      await store.flush();
      samples.push(performance.now() - start);
      size = (await stat(file)).size;
      await store.close();
    }
    const value = median(samples) / 1000;
    return [
      {
        name: `store: 10,000 events appended and saved (median of 5, ${(size / 1e6).toFixed(1)} MB file)`,
        value,
        unit: 's',
        target: '≤ 1 s',
        ok: value <= 1,
      },
    ];
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** 300 earlier runs of 20 events each: the save writes them too. */
function seed(store: Store): void {
  for (let r = 0; r < 300; r++) {
    const id = store.createRun({ prompt: `task ${r}`, provider: 'openai', model: 'gpt-4.1', startedAt: Date.now() - 1e6 + r }).id;
    for (let n = 0; n < 20; n++) store.appendEvent(id, ...event(n));
    store.updateRun(id, { state: 'done', endedAt: Date.now(), steps: 10, inputTokens: 12_000, outputTokens: 900, cost: 0.04 });
  }
}

function event(n: number): [string, { [key: string]: string | number | { [key: string]: string | number } }] {
  switch (n % 4) {
    case 0:
      return ['model-call', { step: n, model: 'gpt-4.1', inputTokens: 1200 + n, outputTokens: 85, durationMs: 950 }];
    case 1:
      return ['tool-call', { step: n, id: `call_${n}`, name: 'read_file', arguments: { path: `src/module${n % 50}/index.ts` } }];
    case 2:
      return ['tool-result', { step: n, id: `call_${n}`, ok: 1, content: `export function f${n}() {\n  return ${n};\n}\n`.repeat(6) }];
    default:
      return ['guard', { step: n, file: `src/module${n % 50}/index.ts`, verdict: 'ok', violations: 0 }];
  }
}
