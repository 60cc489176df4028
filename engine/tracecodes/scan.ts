import fs, { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { TraceCodeIndex } from './codeIndex';
import type { SiteKind, TraceCodeConfig } from './config';
import { sitesIn, type Site } from './sites';

/** Folders never scanned: dependencies, build output, VCS data. Add more with `plumbline.traceCodes.exclude`. */
export const skippedFolders = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'out', 'build', 'target', 'coverage', '.next', '.venv', 'venv', '__pycache__', '.vscode-test']);

/** Source files that may hold sites; everything else (logs, data, images) is never read. */
const sourceExtensions = new Set(
  'ts tsx mts cts js jsx mjs cjs py pyi go rs java kt kts scala cs fs vb rb php swift m mm c h cc cpp cxx hpp hh dart lua ex exs erl hs clj vue svelte astro groovy'.split(' '),
);

/** Files bigger than this are generated or data, not code someone writes throw sites in. */
const maxFileBytes = 4 * 1024 * 1024;

export function isSourceFile(file: string): boolean {
  const dot = file.lastIndexOf('.');
  return dot !== -1 && sourceExtensions.has(file.slice(dot + 1).toLowerCase());
}

export interface ScanResult {
  index: TraceCodeIndex;
  /** Source files looked at (read or skipped by the keyword check). */
  files: number;
  failures: { file: string; error: string }[];
}

/**
 * The source files under the roots, in walk order: regular files only (a symbolic link is never
 * followed, so nothing outside the roots is read), without skipped and excluded folders. A root
 * that is a file is listed as it is.
 */
function sourceFiles(roots: string[], config: TraceCodeConfig, failures: ScanResult['failures'], onFile?: (files: readonly string[]) => void): string[] {
  const excluded = config.isExcluded;
  const files: string[] = [];
  // Paths are built along the walk by concatenation: the roots are normalized once, and
  // path.join or path.relative per file costs more than the file's read.
  const child = (dir: string, name: string) => (dir.endsWith(path.sep) ? dir + name : dir + path.sep + name);
  const visit = (root: string, dir: string, relativeDir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === root) failures.push({ file: dir, error: (err as Error).message });
      return;
    }
    for (const entry of entries) {
      if (entry.isDirectory()) {
        const relative = relativeDir ? `${relativeDir}/${entry.name}` : entry.name;
        if (!skippedFolders.has(entry.name) && !excluded(relative) && !excluded(`${relative}/`)) visit(root, child(dir, entry.name), relative);
      } else if (entry.isFile() && isSourceFile(entry.name) && !excluded(relativeDir ? `${relativeDir}/${entry.name}` : entry.name)) {
        files.push(child(dir, entry.name));
        onFile?.(files);
      }
    }
  };
  for (const root of roots) {
    try {
      if (statSync(root).isFile()) {
        files.push(root);
        continue;
      }
    } catch (err) {
      failures.push({ file: root, error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message });
      continue;
    }
    const normal = path.normalize(root);
    visit(normal, normal, '');
  }
  return files;
}

/**
 * What one thread needs to read files and find their sites; plain data, so a worker gets it as
 * it is. `buffer` is the thread's one read buffer, grown as needed.
 */
interface Reader {
  regex: RegExp;
  kinds: ReadonlyMap<string, SiteKind>;
  keywords: Buffer[];
  maxBytes: number;
  buffer: Buffer;
}

/**
 * The sites of one file, or the message of the error that kept it unread. One read into the
 * reader's buffer (no stat, no allocation per file); the bytes are checked for a keyword before
 * any decoding, so most files of a sparse tree cost one read. It uses nothing outside itself
 * but its arguments: the worker threads run its source text.
 */
function readSites(file: string, reader: Reader, io: Pick<typeof fs, 'openSync' | 'readSync' | 'closeSync'>, find: typeof sitesIn): Site[] | string {
  let length = 0;
  try {
    const fd = io.openSync(file, 'r');
    try {
      for (;;) {
        if (length === reader.buffer.length) {
          if (length > reader.maxBytes) return [];
          const bigger = Buffer.allocUnsafe(Math.min(reader.buffer.length * 4, reader.maxBytes + 1));
          reader.buffer.copy(bigger, 0, 0, length);
          reader.buffer = bigger;
        }
        const wanted = reader.buffer.length - length;
        const read = io.readSync(fd, reader.buffer, length, wanted, null);
        length += read;
        // Only regular files come here, and a regular file reads short only at its end: no
        // second read to be told so (a dense tree's scan would pay a system call per file).
        if (read < wanted) break;
      }
    } finally {
      io.closeSync(fd);
    }
  } catch (err) {
    return (err as Error).message;
  }
  const bytes = reader.buffer.subarray(0, length);
  if (length > reader.maxBytes || !reader.keywords.some((k) => bytes.includes(k))) return [];
  return find(bytes.toString('utf8'), reader.regex, reader.kinds);
}

function readerOf(config: TraceCodeConfig): Reader {
  return { regex: config.siteRegex, kinds: config.kinds, keywords: config.keywords.map((k) => Buffer.from(k)), maxBytes: maxFileBytes, buffer: Buffer.allocUnsafe(256 * 1024) };
}

function record(index: TraceCodeIndex, failures: ScanResult['failures'], file: string, found: Site[] | string, isRoot: boolean) {
  if (typeof found === 'string') failures.push({ file, error: found });
  // A root given as a file is always in the index, with or without sites.
  else if (found.length || isRoot) index.load(file, found);
}

/**
 * Finds every site under the roots, on this thread. Synchronous reads on purpose: for many small
 * files they beat the thread pool. scanTreeParallel does the same on every core.
 */
export function scanTree(roots: string[], config: TraceCodeConfig, index = new TraceCodeIndex(config)): ScanResult {
  const failures: ScanResult['failures'] = [];
  const files = sourceFiles(roots, config, failures);
  const reader = readerOf(config);
  const rootSet = new Set(roots);
  for (const file of files) record(index, failures, file, readSites(file, reader, fs, sitesIn), rootSet.has(file));
  return { index, files: files.length, failures };
}

/** Files are claimed this many at a time by the threads of a parallel scan. */
const chunkFiles = 64;

/**
 * The worker of scanTreeParallel: it gets the file list in batches while this thread still walks
 * the tree, and reads from the first batch on. It claims chunks of the list through a shared
 * counter (so a slow disk or a dense corner of the tree never leaves one thread idle while
 * another has a backlog), waiting for the paths of a chunk it claimed ahead of the walk, and
 * posts back, once, the sites of the files that have any and the errors. The functions are the
 * ones this thread runs, as source text, so no worker bundle is needed.
 */
const workerSource = `
var __name = (f) => f;
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const readSites = ${readSites.toString()};
const sitesIn = ${sitesIn.toString()};
const { counter, chunk, regex, kinds, keywords, maxBytes } = workerData;
const claims = new Int32Array(counter);
const reader = { regex: new RegExp(regex.source, regex.flags), kinds: new Map(kinds), keywords: keywords.map((k) => Buffer.from(k)), maxBytes, buffer: Buffer.allocUnsafe(256 * 1024) };
const files = [];
let complete = false;
let more = () => {};
parentPort.on('message', (batch) => {
  for (const file of batch.files) files.push(file);
  complete = batch.last;
  more();
});
(async () => {
  const found = [];
  for (let from = Atomics.add(claims, 0, chunk); ; from = Atomics.add(claims, 0, chunk)) {
    while (!complete && files.length < from + chunk) await new Promise((resolve) => (more = resolve));
    if (from >= files.length) break;
    for (let i = from; i < Math.min(from + chunk, files.length); i++) {
      const sites = readSites(files[i], reader, fs, sitesIn);
      if (typeof sites === 'string' || sites.length) found.push(i, sites);
    }
  }
  parentPort.postMessage(found);
  parentPort.close();
})();
`;

/** Paths go to the workers in batches of this many while the walk goes on. */
const batchFiles = 512;

export interface ParallelOptions {
  /** Threads reading files, this one included; default one per core. */
  threads?: number;
  /** Fewer files than this are read on this thread alone: starting a worker costs about as much as reading a thousand. */
  minFiles?: number;
}

/**
 * scanTree on every core: this thread walks the tree while one worker thread per other core
 * reads the files found so far, then joins them; all claim chunks of the list through a shared
 * counter. The workers start during the walk, once it has found enough files to be worth them,
 * and send back only the files with sites (or errors); the index is filled in walk order, so
 * the result is scanTree's.
 */
export async function scanTreeParallel(roots: string[], config: TraceCodeConfig, options: ParallelOptions = {}, index = new TraceCodeIndex(config)): Promise<ScanResult> {
  const failures: ScanResult['failures'] = [];
  const threads = Math.max(1, Math.min(options.threads ?? os.availableParallelism(), 8));
  const minFiles = Math.max(1, options.minFiles ?? 2000);
  const counter = new SharedArrayBuffer(4);
  const claims = new Int32Array(counter);
  const workerData = { counter, chunk: chunkFiles, regex: { source: config.siteRegex.source, flags: config.siteRegex.flags }, kinds: [...config.kinds], keywords: config.keywords, maxBytes: maxFileBytes };
  const started: Worker[] = [];
  const workers: Promise<(number | Site[] | string)[]>[] = [];
  let posted = 0;
  const post = (files: readonly string[], last: boolean) => {
    for (const worker of started) worker.postMessage({ files: files.slice(posted), last });
    posted = files.length;
  };
  const startWorkers = (files: readonly string[]) => {
    if (started.length && files.length - posted >= batchFiles) post(files, false);
    if (files.length !== minFiles || threads === 1) return;
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(workerSource, { eval: true, workerData });
      started.push(worker);
      workers.push(
        new Promise((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`the trace code scan's worker stopped (exit code ${code})`)));
        }),
      );
    }
  };
  const files = sourceFiles(roots, config, failures, startWorkers);
  post(files, true);
  const rootSet = new Set(roots);
  const reader = readerOf(config);
  const results: (Site[] | string | undefined)[] = new Array(files.length);
  for (let from = Atomics.add(claims, 0, chunkFiles); from < files.length; from = Atomics.add(claims, 0, chunkFiles)) {
    for (let i = from; i < Math.min(from + chunkFiles, files.length); i++) results[i] = readSites(files[i], reader, fs, sitesIn);
  }
  let lost = false;
  for (const outcome of await Promise.allSettled(workers)) {
    if (outcome.status === 'rejected') lost = true;
    else for (let i = 0; i < outcome.value.length; i += 2) results[outcome.value[i] as number] = outcome.value[i + 1] as Site[] | string;
  }
  // A worker that failed took its chunks with it: read every file not known to have sites again here.
  if (lost) for (let i = 0; i < files.length; i++) results[i] ??= readSites(files[i], reader, fs, sitesIn);
  files.forEach((file, i) => {
    const found = results[i];
    if (found !== undefined) record(index, failures, file, found, rootSet.has(file));
  });
  return { index, files: files.length, failures };
}

/** The last root seen to be absolute and normalized: relativeTo is called for every site of a scan with the same root. */
let normalRoot: string | undefined;

export function relativeTo(root: string, file: string): string {
  // A normalized file under a normalized root: the rest of its path (path.relative costs more than a site's scan).
  if (path.sep === '/' && file.length > root.length + 1 && file.charCodeAt(root.length) === 47 && file.startsWith(root)) {
    if (root !== normalRoot && root === path.resolve(root)) normalRoot = root;
    const rest = file.slice(root.length + 1);
    if (root === normalRoot && !/(^|\/)\.{1,2}(\/|$)|\/\/|\/$/.test(rest)) return rest;
  }
  return path.relative(root, file).split(path.sep).join('/');
}
