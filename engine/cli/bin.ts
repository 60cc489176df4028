#!/usr/bin/env node
import { main } from './main';

// The bundle's entry (dist/cli.js). Kept apart from main.ts so tests can call main() in-process.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`plumbline: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
