import { Worker } from 'node:worker_threads';

/** One line that matched. */
export interface SearchHit {
  file: string;
  line: number;
  text: string;
}

/** A search that did not finish: stopped, or over its time budget (a pattern that backtracks forever). */
export class SearchCut extends Error {
  override name = 'SearchCut';
}

/** Files are sent to the worker in batches of about this many characters. */
const BATCH_CHARS = 2_000_000;

/**
 * The matching runs in a worker thread, so a regular expression with catastrophic backtracking
 * (`^(a+)+$` over a long line) never blocks the event loop of the extension host or the CLI, and
 * Stop or the time budget end it by terminating the worker. Its code is a string so the bundles
 * and the tests (which run the TypeScript) need no worker file of their own.
 */
const workerSource = `
const { parentPort } = require('node:worker_threads');
let pattern;
parentPort.on('message', (message) => {
  if (message.pattern) {
    pattern = new RegExp(message.pattern.source, message.pattern.flags);
    return;
  }
  const hits = [];
  for (const file of message.files) {
    const lines = file.text.split('\\n');
    for (let i = 0; i < lines.length && hits.length < message.room; i++) {
      if (pattern.test(lines[i])) hits.push({ file: file.name, line: i + 1, text: lines[i].trim().slice(0, 200) });
    }
  }
  parentPort.postMessage(hits);
});
`;

/**
 * Searches texts line by line. `files` is read lazily, so reading overlaps matching. Resolves
 * with at most `maxResults` hits; rejects with SearchCut when `signal` aborts or `budgetMs` passes.
 */
export async function searchTexts(pattern: RegExp, files: AsyncIterable<{ name: string; text: string }>, maxResults: number, signal: AbortSignal, budgetMs: number): Promise<SearchHit[]> {
  const worker = new Worker(workerSource, { eval: true, resourceLimits: { maxOldGenerationSizeMb: 512 } });
  const hits: SearchHit[] = [];
  let reject: ((reason: SearchCut) => void) | undefined;
  let cutBy: SearchCut | undefined;
  const cutShort = new Promise<never>((_, r) => (reject = r));
  cutShort.catch(() => undefined);
  const cut = (reason: SearchCut) => {
    cutBy ??= reason;
    reject?.(reason);
  };
  const stop = () => cut(new SearchCut('the search was stopped'));
  const timer = setTimeout(() => cut(new SearchCut(`the search took longer than ${budgetMs / 1000} s and was cut short (a regular expression that backtracks, like (a+)+, can run for ever); narrow the pattern or the path`)), budgetMs);
  signal.addEventListener('abort', stop, { once: true });
  const failed = new Promise<never>((_, reject) => worker.once('error', reject));
  failed.catch(() => undefined);
  const match = (batch: { name: string; text: string }[]) =>
    Promise.race([
      new Promise<SearchHit[]>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage({ files: batch, room: maxResults - hits.length });
      }),
      cutShort,
      failed,
    ]);
  try {
    if (signal.aborted) stop();
    worker.postMessage({ pattern: { source: pattern.source, flags: pattern.flags.replace(/[gy]/g, '') } });
    let batch: { name: string; text: string }[] = [];
    let size = 0;
    for await (const file of files) {
      if (cutBy) throw cutBy;
      batch.push(file);
      size += file.text.length;
      if (size < BATCH_CHARS) continue;
      hits.push(...(await match(batch)));
      if (hits.length >= maxResults) return hits.slice(0, maxResults);
      batch = [];
      size = 0;
    }
    if (batch.length) hits.push(...(await match(batch)));
    return hits.slice(0, maxResults);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
    void worker.terminate();
  }
}
