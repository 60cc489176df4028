import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { TraceCodeIndex } from './codeIndex';
import type { TraceCodeConfig } from './config';
import { findSites } from './sites';

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
 * Finds every site under the roots. Synchronous reads on purpose: for many small files they
 * beat the thread pool, and the bytes are checked for a pattern's keyword before any decoding,
 * so most files cost one read.
 */
export function scanTree(roots: string[], config: TraceCodeConfig, index = new TraceCodeIndex(config)): ScanResult {
  const excluded = config.isExcluded;
  const keywords = config.keywords.map((k) => Buffer.from(k));
  const failures: ScanResult['failures'] = [];
  let files = 0;
  const visit = (root: string, dir: string) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (dir === root) failures.push({ file: dir, error: (err as Error).message });
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        const relative = relativeTo(root, full);
        if (!skippedFolders.has(entry.name) && !excluded(relative) && !excluded(`${relative}/`)) visit(root, full);
      } else if (entry.isFile() && isSourceFile(entry.name) && !excluded(relativeTo(root, full))) {
        files++;
        const sites = readSites(full, config, keywords, failures);
        if (sites.length) index.set(full, sites);
      }
    }
  };
  for (const root of roots) {
    try {
      if (statSync(root).isFile()) {
        files++;
        index.set(root, readSites(root, config, keywords, failures));
        continue;
      }
    } catch (err) {
      failures.push({ file: root, error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (err as Error).message });
      continue;
    }
    visit(root, root);
  }
  return { index, files, failures };
}

function readSites(file: string, config: TraceCodeConfig, keywords: Buffer[], failures: ScanResult['failures']) {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    failures.push({ file, error: (err as Error).message });
    return [];
  }
  if (bytes.length > maxFileBytes || !keywords.some((k) => bytes.includes(k))) return [];
  return findSites(bytes.toString('utf8'), config);
}

export function relativeTo(root: string, file: string): string {
  return path.relative(root, file).split(path.sep).join('/');
}
