import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import { isProcessRunning } from '../processes';
import { z } from 'zod';

/**
 * The single-writer lock (SPEC §8): `<db>.lock` next to the database, created exclusively, with
 * who holds it. VS Code windows are separate processes that may share one workspace's storage;
 * only the holder writes the database, the others open it read-only.
 */
const ownerSchema = z.object({ pid: z.number().int(), startedAt: z.number(), host: z.string(), nonce: z.string() });
export type LockOwner = z.infer<typeof ownerSchema>;

export type LockAttempt = { ok: true; lock: Lock } | { ok: false; reason: string };

/** A lock file that could not be parsed is someone mid-write for this long, then abandoned. */
const HALF_WRITTEN_GRACE_MS = 5000;

export class Lock {
  private released = false;
  private readonly onExit = () => this.releaseSync();

  constructor(
    readonly path: string,
    readonly owner: LockOwner,
  ) {
    // A window that exits without closing the store should not leave a lock behind for its pid.
    process.once('exit', this.onExit);
  }

  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    process.removeListener('exit', this.onExit);
    const current = await readFile(this.path, 'utf8').catch(() => undefined);
    if (current !== undefined && parseOwner(current)?.nonce === this.owner.nonce) await rm(this.path, { force: true });
  }

  private releaseSync(): void {
    if (this.released) return;
    this.released = true;
    try {
      if (parseOwner(readFileSync(this.path, 'utf8'))?.nonce === this.owner.nonce) unlinkSync(this.path);
    } catch {
      // Exiting anyway: a lock left behind is stale (dead pid) and the next window takes it over.
    }
  }
}

export async function acquireLock(databasePath: string): Promise<LockAttempt> {
  const lockPath = `${databasePath}.lock`;
  const owner: LockOwner = { pid: process.pid, startedAt: Date.now(), host: os.hostname(), nonce: randomBytes(8).toString('hex') };
  // A few rounds: a lock can be released or taken over by someone else between our steps.
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      try {
        await handle.writeFile(JSON.stringify(owner));
        await handle.sync();
      } finally {
        await handle.close();
      }
      return { ok: true, lock: new Lock(lockPath, owner) };
    } catch (err) {
      if (code(err) !== 'EEXIST') return { ok: false, reason: `it cannot create the lock file ${lockPath} (${code(err) ?? String(err)})` };
    }
    const text = await readFile(lockPath, 'utf8').catch(() => undefined);
    if (text === undefined) continue;
    const holder = parseOwner(text);
    const live = holder ? isLive(holder) : !(await abandoned(lockPath));
    if (live) {
      const who = holder ? `process ${holder.pid}${holder.host === owner.host ? '' : ` on ${holder.host}`}, since ${new Date(holder.startedAt).toISOString()}` : 'a process that is creating it now';
      return { ok: false, reason: `another Plumbline window holds its lock (${who})` };
    }
    await takeOver(lockPath, text);
  }
  return { ok: false, reason: `its lock file ${lockPath} kept changing while Plumbline tried to take it` };
}

/**
 * Removes a stale lock without ever removing a live one: rename it aside (only one of two racing
 * windows can), then check that what was moved is the stale lock that was read. If another window
 * took it over in between, what was moved is that window's fresh lock: put it back.
 */
async function takeOver(lockPath: string, staleText: string): Promise<void> {
  const aside = `${lockPath}.stale-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return;
  }
  const moved = await readFile(aside, 'utf8').catch(() => undefined);
  if (moved !== staleText) await link(aside, lockPath).catch(() => undefined);
  await rm(aside, { force: true });
}

function isLive(holder: LockOwner): boolean {
  // A pid on another machine (a shared network folder) cannot be checked: assume it is alive.
  if (holder.host !== os.hostname()) return true;
  return holder.pid === process.pid || isProcessRunning(holder.pid);
}

async function abandoned(lockPath: string): Promise<boolean> {
  const info = await stat(lockPath).catch(() => undefined);
  return !info || Date.now() - info.mtimeMs > HALF_WRITTEN_GRACE_MS;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const parsed = ownerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function code(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}
