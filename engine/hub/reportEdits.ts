import { portVariable, ReportEdit } from '../protocol/hub';
import { HubClient } from './client';
import { findLock, NoHubError } from './lockFile';

/** A hook must not hold the agent up for a hub that does not answer. */
const HUB_WAIT_MS = 3000;

export interface ReportedEdit {
  /** Absolute path of the file. */
  file: string;
  before: string | null;
  after: string;
}

/**
 * Reports edits an agent made outside Plumbline to the hub serving `cwd` (real path), as the
 * agent `name`, in one connection. False when no hub serves the folder; throws when one does
 * but the report failed or took longer than a hook may wait.
 */
export async function reportEdits(name: string, cwd: string, edits: readonly ReportedEdit[]): Promise<boolean> {
  const envPort = Number(process.env[portVariable]);
  try {
    await findLock({ cwd, port: Number.isInteger(envPort) && envPort > 0 ? envPort : undefined });
  } catch (err) {
    if (err instanceof NoHubError) return false;
    throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HUB_WAIT_MS / 1000} s`)), HUB_WAIT_MS);
  });
  const work = (async () => {
    const client = await HubClient.connect({ name, cwd, timeoutMs: HUB_WAIT_MS });
    try {
      for (const edit of edits) await client.request(ReportEdit, { path: edit.file, before: edit.before, after: edit.after });
    } finally {
      await client.close();
    }
  })();
  try {
    await Promise.race([work, timeout]);
    return true;
  } finally {
    clearTimeout(timer);
  }
}
