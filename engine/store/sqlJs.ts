import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import initSqlJs, { type SqlJsStatic } from 'sql.js';

let loaded: Promise<SqlJsStatic> | undefined;

/**
 * sql.js, loaded once per process. We hand it the wasm bytes ourselves rather than letting it
 * locate the file: its own lookup goes through `__dirname` of sql-wasm.js, which in a bundle is
 * dist/, and falls back to fetch() when it guesses wrong.
 */
export function loadSqlJs(): Promise<SqlJsStatic> {
  loaded ??= readFile(wasmPath()).then((wasm) => initSqlJs({ wasmBinary: toArrayBuffer(wasm) }));
  // A failed load (a missing wasm file) must not be cached: the next open tries again.
  loaded.catch(() => (loaded = undefined));
  return loaded;
}

function wasmPath(): string {
  // esbuild.mjs copies the wasm next to the bundles; unbundled (tests, tsx) it is in node_modules.
  const bundled = path.join(__dirname, 'sql-wasm.wasm');
  if (existsSync(bundled)) return bundled;
  try {
    // createRequire, not require.resolve: esbuild would try (and fail) to bundle the wasm.
    return createRequire(__filename).resolve('sql.js/dist/sql-wasm.wasm');
  } catch {
    throw new Error(`Plumbline store: SQLite (sql-wasm.wasm) is missing: looked in ${__dirname} and in node_modules/sql.js`);
  }
}

function toArrayBuffer(bytes: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return copy;
}
