import { readdir, realpath } from 'node:fs/promises';
import { hubLockDir } from '../home';
import type { ReportedEdit } from '../hub/reportEdits';

export type { ReportedEdit } from '../hub/reportEdits';

/**
 * Tells the Plumbline hub serving the workspace (a VS Code window, or `plumbline hub serve`)
 * about an agent's edits, so they show in the editor with Restore and the agent's session is a
 * run in Mission Control. Nothing happens when no hub serves the folder. Returns a warning for
 * stderr when a hub is there but the report failed; the hook's answer never depends on it.
 */
export async function reportToHub(agent: string, cwd: string, edits: readonly ReportedEdit[]): Promise<string | undefined> {
  if (!edits.length) return undefined;
  // Most hook calls have no hub to talk to. A running hub always has a lock file: without one,
  // the hub's code (ws, and zod's full API for its protocol) is never loaded.
  if (!(await readdir(hubLockDir()).catch(() => [] as string[])).some((name) => name.endsWith('.lock'))) return undefined;
  try {
    // Its own bundle in the built CLI (esbuild.mjs): the hook's stays small.
    const { reportEdits } = await import('../hub/reportEdits.js');
    // The hub knows its folders by their real paths.
    await reportEdits(agentName(agent), await realpath(cwd).catch(() => cwd), edits);
    return undefined;
  } catch (err) {
    return `the edit was not reported to the Plumbline hub: ${(err as Error).message}`;
  }
}

/** The hub's agent names allow letters, digits, spaces and `._@:/+-`. */
function agentName(name: string): string {
  return name.replace(/[^\p{L}\p{N} ._@:/+-]/gu, '-').slice(0, 100);
}
