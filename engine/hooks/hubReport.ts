import { realpath } from 'node:fs/promises';
import { portVariable, ReportEdit } from '../protocol/hub';
import { findLock, NoHubError } from '../hub/lockFile';

/** A hook must not hold the agent up for a hub that does not answer. */
const HUB_WAIT_MS = 3000;

export interface ReportedEdit {
  /** Absolute path of the file. */
  file: string;
  before: string | null;
  after: string;
}

/**
 * Tells the Plumbline hub serving the workspace (a VS Code window, or `plumbline hub serve`)
 * about an agent's edits, so they show in the editor with Restore and the agent's session is a
 * run in Mission Control. Nothing happens when no hub serves the folder. Returns a warning for
 * stderr when a hub is there but the report failed; the hook's answer never depends on it.
 */
export async function reportToHub(agent: string, cwd: string, edits: readonly ReportedEdit[]): Promise<string | undefined> {
  if (!edits.length) return undefined;
  const envPort = Number(process.env[portVariable]);
  // The hub knows its folders by their real paths.
  cwd = await realpath(cwd).catch(() => cwd);
  try {
    await findLock({ cwd, port: Number.isInteger(envPort) && envPort > 0 ? envPort : undefined });
  } catch (err) {
    if (err instanceof NoHubError) return undefined;
    throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HUB_WAIT_MS / 1000} s`)), HUB_WAIT_MS);
  });
  try {
    // Loaded only here: most hook calls have no hub to talk to and should not pay for ws.
    const { HubClient } = await import('../hub/client.js');
    const work = (async () => {
      const client = await HubClient.connect({ name: agentName(agent), cwd, timeoutMs: HUB_WAIT_MS });
      try {
        for (const edit of edits) await client.request(ReportEdit, { path: edit.file, before: edit.before, after: edit.after });
      } finally {
        await client.close();
      }
    })();
    await Promise.race([work, timeout]);
    return undefined;
  } catch (err) {
    return `the edit was not reported to the Plumbline hub: ${(err as Error).message}`;
  } finally {
    clearTimeout(timer);
  }
}

/** The hub's agent names allow letters, digits, spaces and `._@:/+-`. */
function agentName(name: string): string {
  return name.replace(/[^\p{L}\p{N} ._@:/+-]/gu, '-').slice(0, 100);
}
