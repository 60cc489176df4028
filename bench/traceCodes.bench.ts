import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DidChangeTextDocumentNotification, DidOpenTextDocumentNotification } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { TraceCodeLookupRequest } from '../engine/protocol/lsp';
import { scanTreeParallel, traceCodeConfig } from '../engine/tracecodes';
import type { BenchRow } from './main';
import { startServer } from './languageServer';
import { median, percentile } from './stats';

/**
 * SPEC §9 rows 3 and 5: the trace code scan of a generated 15,000-file source tree, as a ratio
 * to ripgrep running the same site patterns over the same files in the same run; then the built
 * language server on that tree: its memory once the workspace is read, and how long diagnostics
 * take to follow an edit in a 5,000-line file.
 */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-bench-trace-'));
  try {
    const { files, lines, sites } = generateTree(dir, 15_000);
    process.stderr.write(`  generated ${files.toLocaleString('en')} files, ${lines.toLocaleString('en')} lines, ${sites} sites\n`);
    const sparse = await scanVersusRipgrep(dir, files, sites, 'trace-code scan of', false);
    const server = await languageServer(dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const dense = generateDenseTree(dir, 15_000);
    process.stderr.write(`  generated a dense tree: ${dense.files.toLocaleString('en')} files, ${(dense.bytes / 1e6).toFixed(0)} MB, ${dense.sites.toLocaleString('en')} sites\n`);
    return [sparse, await scanVersusRipgrep(dir, dense.files, dense.sites, 'trace-code scan of a dense tree from the CLI, start-up subtracted,', true), ...server];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const languages = [
  { ext: 'ts', line: (i: number) => `  const value${i} = compute(input, ${i}); // step ${i}`, site: (c: string) => `    throw new CustomError("${c}", "Failure${c}");` },
  { ext: 'js', line: (i: number) => `  result.push(transform(items[${i}], options));`, site: (c: string) => `  return { ok: false, trace: "${c}" };` },
  { ext: 'py', line: (i: number) => `    total += weights[${i}] * values[${i}]  # accumulate`, site: (c: string) => `        raise ServiceError("Failure${c}", trace="${c}")` },
  { ext: 'go', line: (i: number) => `\tif err := step${i}(ctx); err != nil { return err }`, site: (c: string) => `\treturn &Result{trace: "${c}"}` },
];

/** A tree like a mid-size monorepo: 15,000 files of 20–200 lines, one file in ten with 1–3 sites. */
function generateTree(dir: string, count: number) {
  let lines = 0;
  let sites = 0;
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let f = 0; f < count; f++) {
    const language = languages[(f + Math.floor(f / 10)) % languages.length];
    const folder = path.join(dir, `packages/pkg${f % 150}/src/module${Math.floor(f / 150) % 10}`);
    if (f < 1500) mkdirSync(folder, { recursive: true });
    const length = 20 + Math.floor(random() * 180);
    const body: string[] = [`// generated module ${f}`];
    const siteCount = f % 10 === 0 ? 1 + (f % 3) : 0;
    for (let i = 0; i < length; i++) {
      body.push(language.line(i));
      if (i === Math.floor(length / 2) && siteCount) {
        for (let s = 0; s < siteCount; s++) body.push(language.site(String((f * 3 + s) % 9973).padStart(4, '0')));
        sites += siteCount;
      }
    }
    lines += body.length;
    writeFileSync(path.join(folder, `file${f}.${language.ext}`), `${body.join('\n')}\n`);
  }
  return { files: count, lines, sites };
}

/**
 * A tree where most files hold sites and every file names the error class (an import), so a
 * keyword check skips nothing: 15,000 files of about 4 kB (60 MB), 30,000 sites.
 */
function generateDenseTree(dir: string, count: number) {
  let sites = 0;
  let bytes = 0;
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const header: Record<string, string> = {
    ts: `import { CustomError } from '../errors';`,
    js: `const { CustomError } = require('../errors'); // trace codes: see trace-codes.json`,
    py: `from errors import ServiceError  # every raise carries a trace= code`,
    go: `// Result carries a trace code for the logs`,
  };
  for (let f = 0; f < count; f++) {
    const language = languages[f % languages.length];
    const folder = path.join(dir, `packages/pkg${f % 150}/src/module${Math.floor(f / 150) % 10}`);
    if (f < 1500) mkdirSync(folder, { recursive: true });
    const length = 20 + Math.floor(random() * 140);
    // Nine files in ten hold sites: 2–3 of them, 30,000 in all over 15,000 files.
    const siteCount = f % 10 === 9 ? 0 : f % 10 < 2 ? 3 : 2;
    const at = new Set(Array.from({ length: siteCount }, (_, s) => Math.floor(((s + 1) * length) / (siteCount + 1))));
    const body: string[] = [`// generated module ${f}`, header[language.ext]];
    for (let i = 0; i < length; i++) {
      body.push(language.line(i));
      if (at.has(i)) {
        body.push(language.site(String((f * 3 + sites) % 999_983).padStart(4, '0').slice(-4)));
        sites++;
      }
    }
    const text = `${body.join('\n')}\n`;
    bytes += text.length;
    writeFileSync(path.join(folder, `file${f}.${language.ext}`), text);
  }
  return { files: count, bytes, sites };
}

/**
 * Our scan against rg over the same files, medians of 7 alternating runs. In this process (the
 * scan the CLI runs), or through the built CLI (`trace-codes scan --json`, what a user waits
 * for, output included) less its start-up (`--version`, timed in the same loop).
 */
async function scanVersusRipgrep(dir: string, files: number, sites: number, what: string, cli: boolean): Promise<BenchRow> {
  const config = traceCodeConfig();
  // ripgrep's regex engine has no look-behind: this is the same pair of site patterns without it.
  const pattern = `new\\s+CustomError\\s*\\(\\s*["'\`]|["']?\\btrace["']?\\s*[:=]\\s*["'\`]`;
  const rg = () => {
    const result = spawnSync('rg', ['--count-matches', '--no-heading', '-e', pattern, dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.error) throw new Error(`rg is needed for this row (apt-get install ripgrep): ${result.error.message}`);
    return result.stdout.split('\n').filter(Boolean).reduce((n, l) => n + Number(l.slice(l.lastIndexOf(':') + 1)), 0);
  };
  // npm runs scripts from the package root; the CLI is the one `npm run bench` just built.
  const bin = path.resolve('dist/cli/main.mjs');
  const runCli = (...args: string[]) => {
    const result = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (result.status !== 0) throw new Error(`plumbline ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const ours = async () => {
    if (!cli) {
      const { index, files } = await scanTreeParallel([dir], config);
      return { sites: index.allSites().length, files };
    }
    const out = JSON.parse(runCli('trace-codes', 'scan', '--json', dir)) as { files: number; sites: unknown[] };
    return { sites: out.sites.length, files: out.files };
  };
  // Warm both (page cache, JIT), then alternate so neither gets a warmer machine.
  const rgFound = rg();
  const oursFound = await ours();
  if (rgFound !== sites || oursFound.sites !== sites || oursFound.files !== files) {
    throw new Error(`the scans disagree: generated ${sites} sites, rg found ${rgFound}, Plumbline ${oursFound.sites} in ${oursFound.files} files`);
  }
  const rgTimes: number[] = [];
  const ourTimes: number[] = [];
  const startTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    let start = performance.now();
    rg();
    rgTimes.push(performance.now() - start);
    start = performance.now();
    await ours();
    ourTimes.push(performance.now() - start);
    if (cli) {
      start = performance.now();
      runCli('--version');
      startTimes.push(performance.now() - start);
    }
  }
  const startUp = cli ? median(startTimes) : 0;
  const ratio = (median(ourTimes) - startUp) / median(rgTimes);
  const ourFigure = cli ? `${median(ourTimes).toFixed(0)} − ${startUp.toFixed(0)} ms` : `${median(ourTimes).toFixed(0)} ms`;
  return {
    name: `${what} ${files.toLocaleString('en')} files: ${ourFigure} vs rg ${median(rgTimes).toFixed(0)} ms (median of 7)`,
    value: ratio,
    unit: '× rg',
    target: '≤ 2 × rg',
    ok: ratio <= 2,
  };
}

/** A 5,000-line TypeScript file with a site every 50 lines; its codes (B000–B099) are used nowhere else. */
function bigFile(): string {
  const lines: string[] = [];
  for (let i = 0; i < 5000; i++) {
    lines.push(i % 50 === 25 ? `    throw new CustomError("B${String(Math.floor(i / 50)).padStart(3, '0')}", "Big${i}");` : `  const value${i} = compute(input, ${i});`);
  }
  return `${lines.join('\n')}\n`;
}

async function languageServer(dir: string): Promise<BenchRow[]> {
  const file = path.join(dir, 'packages/big.ts');
  writeFileSync(file, bigFile());
  const uri = URI.file(file).toString();
  const server = await startServer(dir);
  const { connection } = server;
  try {
    // The lookup waits for the first scan: after it, the whole tree is in the server.
    await connection.sendRequest(TraceCodeLookupRequest.method, { query: '0000' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;

    await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'typescript', version: 1, text: bigFile() } });
    // Each change makes the line-2525 site a duplicate of the line-25 one, or undoes that; the
    // time is until the diagnostics that say so arrive.
    const line = 2525;
    const column = '    throw new CustomError("'.length;
    const latencies: number[] = [];
    for (let version = 2; version < 62; version++) {
      const duplicate = version % 2 === 0;
      const arrived = server.diagnostics(uri, (d) => d.some((x) => x.code === 'duplicate-trace-code') === duplicate, `change ${version}`);
      const start = performance.now();
      await connection.sendNotification(DidChangeTextDocumentNotification.type, {
        textDocument: { uri, version },
        contentChanges: [{ range: { start: { line, character: column }, end: { line, character: column + 4 } }, text: duplicate ? 'B000' : 'B050' }],
      });
      await arrived;
      latencies.push(performance.now() - start);
    }
    const p95 = percentile(latencies, 95);
    return [
      { name: 'diagnostics after a change in a 5,000-line file (p95 of 60)', value: p95, unit: 'ms', target: '≤ 50 ms', ok: p95 <= 50 },
      { name: 'language server memory (RSS) on the 15,000-file tree', value: rss, unit: 'MB', target: '≤ 200 MB', ok: rss <= 200 },
    ];
  } finally {
    await server.stop();
  }
}
