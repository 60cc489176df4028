import { spawnSync } from 'node:child_process';

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Nearest-rank percentile (p from 0 to 100); NaN without samples. */
export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * A command as a whole process next to bare `node -e 0`, run in turn (A B A B …) so a machine
 * that slows down mid-way slows both: the medians in ms of `runs` each, after one warm-up.
 */
export function versusBareNode(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; runs?: number } = {}): { command: number; node: number; ratio: number } {
  const time = (argv: string[], input?: string) => {
    const start = performance.now();
    const result = spawnSync(process.execPath, argv, { input, encoding: 'utf8', env: options.env ?? process.env });
    if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${result.status}: ${result.stderr}`);
    return performance.now() - start;
  };
  time(args, options.input);
  const command: number[] = [];
  const node: number[] = [];
  for (let i = 0; i < (options.runs ?? 10); i++) {
    command.push(time(args, options.input));
    node.push(time(['-e', '0']));
  }
  return { command: median(command), node: median(node), ratio: median(command) / median(node) };
}
