import fs, { readdirSync, statSync, type Dirent } from 'node:fs';
import { isAscii } from 'node:buffer';
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

/** A folder's entries in the order their whole paths sort: `b.ts` before the folder `b`'s files, `b/x.ts` before `ba.ts`. */
function byPathOrder(a: Dirent, b: Dirent): number {
  const x = a.isDirectory() ? `${a.name}/` : a.name;
  const y = b.isDirectory() ? `${b.name}/` : b.name;
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The source files under the roots, in walk order: regular files only (a symbolic link is never
 * followed, so nothing outside the roots is read), without skipped and excluded folders. A root
 * that is a file is listed as it is. Under each root the walk order is the order of the files'
 * whole paths (by UTF-16 code units, as JavaScript sorts strings), so a report lists files in
 * order without sorting them.
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
      entries = readdirSync(dir, { withFileTypes: true }).sort(byPathOrder);
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
  isAscii: (bytes: Uint8Array) => boolean;
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
  // ASCII read as Latin-1 is the same text, made without UTF-8's decoding: most source files are ASCII.
  return find(bytes.toString(reader.isAscii(bytes) ? 'latin1' : 'utf8'), reader.regex, reader.kinds);
}

function readerOf(config: TraceCodeConfig): Reader {
  return { regex: config.siteRegex, kinds: config.kinds, keywords: config.keywords.map((k) => Buffer.from(k)), maxBytes: maxFileBytes, buffer: Buffer.allocUnsafe(256 * 1024), isAscii };
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
 * What one reading thread keeps of the files with sites, made on that thread: the sites
 * themselves (for an index), or something smaller made from them where the thread is (a
 * report's text: formatted on every core, and sent back as bytes rather than as objects).
 */
export interface SiteCollector<R> {
  /** A file with sites; files come in increasing index order on each thread. */
  add(index: number, file: string, sites: Site[]): void;
  /** What the thread sends back, and the buffers to move rather than copy. */
  finish(): { result: R; transfer: ArrayBuffer[] };
}

/**
 * Makes each reading thread's collector. `collector` runs as source text in the worker threads,
 * so it uses nothing but its argument, and `arg` is plain data.
 */
export interface SiteKeeper<R, A> {
  collector: (arg: A) => SiteCollector<R>;
  arg: A;
}

/**
 * The worker of readTreeParallel: it gets the file list in batches while this thread still walks
 * the tree, and reads from the first batch on. It claims chunks of the list through a shared
 * counter (so a slow disk or a dense corner of the tree never leaves one thread idle while
 * another has a backlog), noting each chunk it claims as its own, waiting for the paths of a
 * chunk it claimed ahead of the walk, and posts back, once, what its collector kept and the
 * errors. The functions are the ones this thread runs, as source text, so no worker bundle is
 * needed.
 */
const workerSource = (collector: string) => `
var __name = (f) => f;
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const readSites = ${readSites.toString()};
const sitesIn = ${sitesIn.toString()};
const { counter, owners, thread, chunk, regex, kinds, keywords, maxBytes, arg } = workerData;
const claims = new Int32Array(counter);
const owner = new Uint8Array(owners);
const collector = (${collector})(arg);
const reader = { regex: new RegExp(regex.source, regex.flags), kinds: new Map(kinds), keywords: keywords.map((k) => Buffer.from(k)), maxBytes, buffer: Buffer.allocUnsafe(256 * 1024), isAscii: require('node:buffer').isAscii };
const files = [];
let complete = false;
let more = () => {};
parentPort.on('message', (batch) => {
  for (const file of batch.files) files.push(file);
  complete = batch.last;
  more();
});
(async () => {
  const errors = [];
  for (let from = Atomics.add(claims, 0, chunk); ; from = Atomics.add(claims, 0, chunk)) {
    owner[from / chunk] = thread;
    while (!complete && files.length < from + chunk) await new Promise((resolve) => (more = resolve));
    if (from >= files.length) break;
    for (let i = from; i < Math.min(from + chunk, files.length); i++) {
      const sites = readSites(files[i], reader, fs, sitesIn);
      if (typeof sites === 'string') errors.push(i, sites);
      else if (sites.length) collector.add(i, files[i], sites);
    }
  }
  const { result, transfer } = collector.finish();
  parentPort.postMessage({ errors, result }, transfer);
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

/** What readTreeParallel read: the source files in walk order, and what each thread's collector kept. */
export interface TreeRead<R> {
  files: string[];
  /** One per thread that read files, this thread's first. */
  results: R[];
  /** Roots, then files, that could not be read, in walk order. */
  failures: ScanResult['failures'];
}

interface WorkerAnswer<R> {
  errors: (number | string)[];
  result: R;
}

/**
 * Reads the source files under the roots on every core: this thread walks the tree while one
 * worker thread per other core reads the files found so far, then joins them; all claim chunks
 * of the list through a shared counter. The workers start during the walk, once it has found
 * enough files to be worth them. A worker that fails takes what it kept with it: this thread
 * reads its chunks again.
 */
export async function readTreeParallel<R, A>(roots: string[], config: TraceCodeConfig, keeper: SiteKeeper<R, A>, options: ParallelOptions = {}): Promise<TreeRead<R>> {
  const failures: ScanResult['failures'] = [];
  const threads = Math.max(1, Math.min(options.threads ?? os.availableParallelism(), 8));
  const minFiles = Math.max(1, options.minFiles ?? 2000);
  const counter = new SharedArrayBuffer(4);
  const claims = new Int32Array(counter);
  // Chunks claimed, by thread (0 for this one). The list grows during the walk, so there is room
  // for the largest tree: 64 million files.
  const owners = new SharedArrayBuffer(1 << 20);
  const owner = new Uint8Array(owners);
  const shared = { counter, owners, chunk: chunkFiles, regex: { source: config.siteRegex.source, flags: config.siteRegex.flags }, kinds: [...config.kinds], keywords: config.keywords, maxBytes: maxFileBytes, arg: keeper.arg };
  const started: Worker[] = [];
  const workers: Promise<WorkerAnswer<R>>[] = [];
  let posted = 0;
  const post = (files: readonly string[], last: boolean) => {
    for (const worker of started) worker.postMessage({ files: files.slice(posted), last });
    posted = files.length;
  };
  const startWorkers = (files: readonly string[]) => {
    if (started.length && files.length - posted >= batchFiles) post(files, false);
    if (files.length !== minFiles || threads === 1) return;
    const source = workerSource(keeper.collector.toString());
    for (let t = 1; t < threads; t++) {
      const worker = new Worker(source, { eval: true, workerData: { ...shared, thread: t } });
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
  const reader = readerOf(config);
  const collector = keeper.collector(keeper.arg);
  const errors: (string | undefined)[] = [];
  const readChunk = (from: number, into: SiteCollector<R>) => {
    for (let i = from; i < Math.min(from + chunkFiles, files.length); i++) {
      const sites = readSites(files[i], reader, fs, sitesIn);
      if (typeof sites === 'string') errors[i] = sites;
      else if (sites.length) into.add(i, files[i], sites);
    }
  };
  for (let from = Atomics.add(claims, 0, chunkFiles); from < files.length; from = Atomics.add(claims, 0, chunkFiles)) readChunk(from, collector);
  const results: R[] = [];
  const lost = new Set<number>();
  (await Promise.allSettled(workers)).forEach((outcome, t) => {
    if (outcome.status === 'rejected') {
      lost.add(t + 1);
      return;
    }
    results.push(outcome.value.result);
    for (let i = 0; i < outcome.value.errors.length; i += 2) errors[outcome.value.errors[i] as number] = outcome.value.errors[i + 1] as string;
  });
  results.unshift(collector.finish().result);
  // A worker that failed took what it kept with it: its chunks are read again here, into a
  // collector of their own (a collector takes files in increasing order).
  if (lost.size) {
    const again = keeper.collector(keeper.arg);
    for (let from = 0; from < files.length; from += chunkFiles) if (lost.has(owner[from / chunkFiles])) readChunk(from, again);
    results.push(again.finish().result);
  }
  errors.forEach((error, i) => {
    if (error !== undefined) failures.push({ file: files[i], error });
  });
  return { files, results, failures };
}

/** Each file's sites as they are, by file index: what an index keeps. */
function sitesByFile(): SiteCollector<(number | Site[])[]> {
  const kept: (number | Site[])[] = [];
  return {
    add: (index, _file, sites) => kept.push(index, sites),
    finish: () => ({ result: kept, transfer: [] }),
  };
}

/** scanTree on every core (readTreeParallel); the index is filled in walk order, so the result is scanTree's. */
export async function scanTreeParallel(roots: string[], config: TraceCodeConfig, options: ParallelOptions = {}, index = new TraceCodeIndex(config)): Promise<ScanResult> {
  const { files, results, failures } = await readTreeParallel(roots, config, { collector: sitesByFile, arg: null }, options);
  const kept: (Site[] | undefined)[] = new Array(files.length);
  for (const result of results) for (let i = 0; i < result.length; i += 2) kept[result[i] as number] = result[i + 1] as Site[];
  const rootSet = new Set(roots);
  const unread = new Set(failures.map((f) => f.file));
  files.forEach((file, i) => {
    const sites = kept[i];
    // A root given as a file is always in the index, with or without sites.
    if (sites || (rootSet.has(file) && !unread.has(file))) index.load(file, sites ?? []);
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
