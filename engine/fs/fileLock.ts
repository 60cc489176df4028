import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { readFile, realpath, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { makeFoldersWithin, stageFileWrite, stageWriteAt, WriteError, type WriteOptions } from './atomicWrite';
import { isWithin } from './confine';
import { isProcessRunning } from '../processes';
import { describeFsError } from './errors';
import { readRegularFileAndMode } from './readFile';

/** How long an edit waits for another writer of the same file before it gives up with an error. */
const WAIT_MS = 60_000;

/** Edits of each file in this process, chained: the next starts when the previous has written. */
const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `work` while no other Plumbline edit of `file` runs, in this process (a queue per real
 * path) or in another one (the MCP server, `plumbline plans`, a second window: an exclusive lock
 * file `.<name>.plumbline-lock` beside the real file, for the moment of the edit). Beside the
 * file, because that is the one place every writer agrees on whatever its HOME or TMPDIR. A
 * read-modify-write done inside never loses a concurrent edit: each one reads what the previous
 * one wrote.
 */
export async function withFileLock<T>(file: string, work: (real: string) => Promise<T>, real?: string): Promise<T> {
  const key = real ?? (await realKey(file));
  const previous = queues.get(key) ?? Promise.resolve();
  const current = previous.catch(() => undefined).then(async () => {
    const release = await lockAcrossProcesses(key, file);
    try {
      return await work(key);
    } finally {
      await release();
    }
  });
  queues.set(key, current);
  try {
    return await current;
  } finally {
    if (queues.get(key) === current) queues.delete(key);
  }
}

/**
 * Read-modify-write of one file under its lock: `edit` gets the bytes on disk now (null when the
 * file does not exist) and returns the new content, or undefined to leave the file as it is.
 * `whileStaged`, when given, runs while the new content is written and synced beside the file
 * (the disk's wait overlaps it): the content goes in place once it resolves, and not at all if it
 * throws. Resolves true when the file was written.
 */
export async function editFile(
  file: string,
  edit: (current: Buffer | null) => Promise<Uint8Array | string | undefined> | Uint8Array | string | undefined,
  options: WriteOptions & { whileStaged?: (current: Buffer | null) => Promise<void> } = {},
): Promise<boolean> {
  // An existing file's real path is the lock's key and the write's target, found once: an agent's
  // edit step waits on each round trip to the disk's threads. A new file's folders are made first
  // (the lock file lives in them), each checked on the way.
  const real = await realpath(path.resolve(file)).catch(() => undefined);
  const within = options.createFoldersWithin;
  if (real === undefined && within) await makeFoldersWithin(within, path.dirname(file));
  if (real !== undefined && within && !isWithin(within, real)) throw new WriteError(`cannot write ${file}: it leads outside ${within}`);
  return withFileLock(
    file,
    async (key) => {
      const current = await readRegularFileAndMode(key, { missing: 'null' });
      const next = await edit(current?.bytes ?? null);
      if (next === undefined) return false;
      // A file read through its real path is rewritten there, keeping its mode; a new one takes the checks of every write.
      const stage = current && key === real ? stageWriteAt(file, key, next, current.mode) : stageFileWrite(file, next, { mode: options.mode });
      const [staged, meanwhile] = await Promise.allSettled([stage, options.whileStaged?.(current?.bytes ?? null)]);
      if (staged.status === 'rejected') throw staged.reason;
      if (meanwhile.status === 'rejected') {
        await staged.value.discard();
        throw meanwhile.reason;
      }
      await staged.value.commit();
      return true;
    },
    real,
  );
}

/** The real path, or for a file not made yet its real folder plus its name: two spellings of one file share a queue. */
async function realKey(file: string): Promise<string> {
  const absolute = path.resolve(file);
  try {
    return await realpath(absolute);
  } catch {
    const folder = await realpath(path.dirname(absolute)).catch(() => path.dirname(absolute));
    return path.join(folder, path.basename(absolute));
  }
}

interface Holder {
  pid: number;
  host: string;
}

/**
 * An exclusive lock file (O_EXCL) for one path. A lock left by a process of this host that is no
 * longer running (killed mid-edit) is removed; any other holder is waited for, up to a minute.
 */
async function lockAcrossProcesses(key: string, file: string): Promise<() => Promise<void>> {
  const lockPath = path.join(path.dirname(key), `.${path.basename(key)}.plumbline-lock`);
  const me: Holder = { pid: process.pid, host: os.hostname() };
  const deadline = Date.now() + WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    // Synchronous, as the write of the file itself (atomicWrite.ts): a lock file's few bytes cost
    // less than the round trips to the disk's threads, and no one reads it half written.
    try {
      const fd = openSync(lockPath, 'wx', 0o600);
      try {
        writeSync(fd, JSON.stringify({ ...me, file: key, at: new Date().toISOString() }));
      } catch (err) {
        closeSync(fd);
        unlinkSync(lockPath);
        throw err;
      }
      closeSync(fd);
      return async () => {
        try {
          unlinkSync(lockPath);
        } catch {
          // Gone already: someone judged it abandoned.
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot lock ${file} for editing: ${describeFsError(err)}`);
    }
    const holder = await readHolder(lockPath);
    if (holder ? holder.host === me.host && !isProcessRunning(holder.pid) : await isAbandoned(lockPath)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    if (Date.now() > deadline) throw new Error(`${file} is being edited by another program (pid ${holder?.pid ?? '?'}) for over ${WAIT_MS / 1000} s; nothing was changed, try again`);
    await new Promise((resolve) => setTimeout(resolve, Math.min(2 + attempt * 2, 50) * (0.5 + Math.random())));
  }
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  try {
    const value: unknown = JSON.parse(await readFile(lockPath, 'utf8'));
    if (typeof value === 'object' && value !== null && 'pid' in value && 'host' in value && typeof value.pid === 'number' && typeof value.host === 'string') return { pid: value.pid, host: value.host };
  } catch {
    // Being written right now, or gone: look again on the next round.
  }
  return undefined;
}

/** A lock file that never got its holder written (its process died between create and write). */
async function isAbandoned(lockPath: string): Promise<boolean> {
  const info = await stat(lockPath).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > 10_000;
}
