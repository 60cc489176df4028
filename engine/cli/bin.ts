#!/usr/bin/env node
import { main } from './main';

// The bundle's entry (dist/cli.js). Kept apart from main.ts so tests can call main() in-process.
// A reader that stops early (`plumbline plans | head`) is not an error of ours: exit quietly.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`plumbline: internal error: ${String(err)}\n`);
    process.exitCode = 1;
  },
);
