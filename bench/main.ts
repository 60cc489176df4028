import * as activation from './activation.bench';
import * as agent from './agent.bench';
import * as cli from './cli.bench';
import * as guard from './guard.bench';
import * as hooks from './hooks.bench';
import * as hub from './hub.bench';
import * as plans from './plans.bench';
import * as store from './store.bench';
import * as traceCodes from './traceCodes.bench';

/**
 * Runs every benchmark module in turn and prints one table (SPEC §9): `npm run bench`, which
 * bundles this file with esbuild like the product (dist/bench.js) so the figures are for
 * shipped code, not for code compiled on the fly.
 * A module exports `run(): Promise<BenchRow[]>`; add new ones to `benches`. Targets are
 * printed next to the figures, never enforced here: machines differ, the table is for people.
 */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** As SPEC §9 writes it, e.g. "≤ 5 ms". */
  target: string;
  ok: boolean;
}

const benches: { name: string; run: () => Promise<BenchRow[]> }[] = [
  { name: 'plans', run: plans.run },
  { name: 'guard', run: guard.run },
  { name: 'agent hooks', run: hooks.run },
  { name: 'CLI start-up', run: cli.run },
  { name: 'trace codes and the language server', run: traceCodes.run },
  { name: 'agent engine', run: agent.run },
  { name: 'store', run: store.run },
  { name: 'agent hub', run: hub.run },
  { name: 'extension activation', run: activation.run },
];

async function main(): Promise<void> {
  const rows: string[][] = [['benchmark', 'measured', 'target', 'ok']];
  // PLUMBLINE_BENCH=plans runs only the modules whose name starts with it.
  const only = process.env.PLUMBLINE_BENCH;
  for (const bench of benches.filter((b) => !only || b.name.startsWith(only))) {
    process.stderr.write(`running ${bench.name}…\n`);
    for (const row of await bench.run()) {
      rows.push([row.name, `${row.value.toFixed(2)} ${row.unit}`, row.target, row.ok ? 'ok' : 'MISSED']);
    }
  }
  const widths = rows[0].map((_, col) => Math.max(...rows.map((r) => r[col].length)));
  const line = (r: string[]) => r.map((cell, col) => cell.padEnd(widths[col])).join('  ').trimEnd();
  console.log([line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
