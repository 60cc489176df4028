import { realpath } from 'node:fs/promises';
import path from 'node:path';

/** True when `real` (a real path) is `root` (a real path) or inside it. */
export function isWithin(root: string, real: string): boolean {
  return real === root || real.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * True when `file`, links resolved, is inside one of `roots` (links resolved too). For reads a
 * watcher or an editor asks for by name: a link in the workspace that leads out is not read.
 */
export async function resolvesWithin(file: string, roots: readonly string[]): Promise<boolean> {
  const real = await realpath(file).catch(() => undefined);
  if (!real) return false;
  for (const root of roots) {
    const realRoot = await realpath(root).catch(() => undefined);
    if (realRoot && isWithin(realRoot, real)) return true;
  }
  return false;
}
