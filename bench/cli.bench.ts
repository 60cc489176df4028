import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BenchRow } from './main';
import { versusBareNode } from './stats';

/**
 * Issue 16: what every CLI call pays before it does anything (`plumbline --version`), and a
 * `check-edit` of a 2,000-line file, each as a whole process next to bare `node -e 0` in the same
 * run. Each command loads only its own code (engine/cli/commands.ts).
 */
export async function run(): Promise<BenchRow[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-bench-cli-'));
  try {
    const cli = path.resolve('dist/cli.js');
    const lines = ['export class Handlers {'];
    for (let i = 0; lines.length < 2000; i++) lines.push(`  handle${i}(input: number): number {`, `    return input * ${i} + ${i % 7};`, '  }', '');
    lines.push('}', '');
    const before = path.join(dir, 'before.ts');
    const after = path.join(dir, 'after.ts');
    writeFileSync(before, lines.join('\n'));
    writeFileSync(after, lines.join('\n').replace('    return input * 500 + 3;', '    return input * 500 + 4;'));
    const version = versusBareNode([cli, '--version']);
    const checkEdit = versusBareNode([cli, 'check-edit', '--before', before, '--after', after]);
    const row = (name: string, m: { command: number; node: number; ratio: number }, limit: number): BenchRow => ({
      name: `${name}: ${m.command.toFixed(0)} ms vs node -e 0 ${m.node.toFixed(0)} ms (median of 10)`,
      value: m.ratio,
      unit: '× node',
      target: `≤ ${limit} × node`,
      ok: m.ratio <= limit,
    });
    return [row('plumbline --version', version, 1.5), row('check-edit of a 2,000-line file (a clean edit)', checkEdit, 2.5)];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
