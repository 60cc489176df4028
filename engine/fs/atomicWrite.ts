import { randomBytes } from 'node:crypto';
import { closeSync, fsync, openSync, renameSync, writeSync } from 'node:fs';
import { lstat, mkdir, readdir, realpath, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from './confine';
import { describeFsError } from './errors';

export interface WriteOptions {
  /** Permissions of a file that does not exist yet (an existing file keeps its own). */
  mode?: number;
  /**
   * Create missing parent folders, one at a time, each checked to be inside this folder (a real
   * path) after it is made: a folder someone swaps for a link meanwhile cannot carry the write out.
   */
  createFoldersWithin?: string;
}

/** A write that could not be done; the message names the file the caller asked for, never a temp file. */
export class WriteError extends Error {
  override name = 'WriteError';
}

/** Temp files are `.<name>.<random>.plumbline-tmp` beside the file: never the file's own name, never guessable. */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.plumbline-tmp`);
}

function isTempFileOf(file: string, name: string): boolean {
  return name.startsWith(`.${path.basename(file)}.`) && name.endsWith('.plumbline-tmp');
}

/**
 * The one way Plumbline replaces a file's content (plans, agent edits, undo, the store, lock
 * files): a crash at any moment leaves the old file or the new one, never a torn mix. The bytes go
 * to a temp file created exclusively in the same folder (rename is atomic only within one file
 * system), are fsynced, then renamed over the target: after a power cut the file holds the old
 * bytes or the new ones, whole. The folder is not fsynced: that would only make the new bytes,
 * rather than the old, certain to survive a power cut in the next seconds, and it costs as much
 * as the write itself (an agent's edit step waits on it, as does every save of the store). A
 * link is written through: the file it points at changes, the link stays.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<void> {
  await (await stageFileWrite(file, data, options)).commit();
}

/** New bytes synced to a temp file beside their target, not yet in its place. */
export interface StagedWrite {
  /** Renames the temp file over the target: the write of writeFileAtomic, done. */
  commit(): Promise<void>;
  /** Removes the temp file: the target stays as it was. */
  discard(): Promise<void>;
}

/**
 * The first half of writeFileAtomic, for a caller with work to do while the disk syncs (an agent's
 * edit runs the guard meanwhile): the bytes are written and fsynced to a temp file beside the
 * target; commit puts them in place, discard drops them. One or the other must follow.
 */
export async function stageFileWrite(file: string, data: Uint8Array | string, options: WriteOptions = {}): Promise<StagedWrite> {
  const target = await writeTarget(file, options);
  const existing = await stat(target).catch(() => undefined);
  return stageWriteAt(file, target, data, existing ? existing.mode & 0o7777 : (options.mode ?? 0o666));
}

/**
 * stageFileWrite for a caller that knows the target (a real path) and the mode it must keep:
 * editFile, which has just read the file through its real path.
 */
export async function stageWriteAt(file: string, target: string, data: Uint8Array | string, mode: number): Promise<StagedWrite> {
  const temp = tempPathFor(target);
  const fail = async (err: unknown): Promise<never> => {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new WriteError(`cannot write ${file}: ${describeFsError(err)}`);
  };
  // Creating, writing, closing and renaming a file of ours are system calls of microseconds, made
  // here; only the fsync, which can take long, waits on the disk's threads. Each asynchronous call
  // costs a round trip through them and a turn of the event loop, and an agent's edit step waits
  // on every one: with the guard holding the thread meanwhile, the steps after the open waited
  // for it, and a step took twice as long (3.9 ms against 2.3, median of 200).
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', mode);
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
    const synced = fd;
    await new Promise<void>((resolve, reject) => fsync(synced, (err) => (err ? reject(err) : resolve())));
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    return fail(err);
  }
  closeSync(fd);
  return {
    commit: async () => {
      try {
        renameSync(temp, target);
      } catch (err) {
        await fail(err);
      }
    },
    discard: () => rm(temp, { force: true }).catch(() => undefined),
  };
}

/** The path to rename onto: the real file behind any link, its folder created when asked. */
async function writeTarget(file: string, options: WriteOptions): Promise<string> {
  try {
    return await realpath(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new WriteError(`cannot write ${file}: ${describeFsError(err)}`);
  }
  // A link whose target is missing: following it could create a file anywhere, so refuse.
  if ((await lstat(file).catch(() => undefined))?.isSymbolicLink()) throw new WriteError(`cannot write ${file}: it is a symbolic link to a file that does not exist`);
  const folder = options.createFoldersWithin ? await makeFoldersWithin(options.createFoldersWithin, path.dirname(file)) : await realpath(path.dirname(file)).catch((err: unknown) => {
    throw new WriteError(`cannot write ${file}: ${describeFsError(err)}`);
  });
  return path.join(folder, path.basename(file));
}

/** mkdir -p, one component at a time, each one's real path checked against `root` (itself real). */
export async function makeFoldersWithin(root: string, folder: string): Promise<string> {
  const relative = path.relative(root, folder);
  if (relative.startsWith('..') || path.isAbsolute(relative)) throw new WriteError(`cannot create ${folder}: it is outside ${root}`);
  let current = root;
  for (const part of relative.split(path.sep).filter(Boolean)) {
    const next = path.join(current, part);
    try {
      await mkdir(next);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new WriteError(`cannot create the folder ${next}: ${describeFsError(err)}`);
    }
    const real = await realpath(next);
    if (!isWithin(root, real)) throw new WriteError(`cannot create the folder ${next}: it leads outside the workspace (through a symbolic link)`);
    if (!(await stat(real)).isDirectory()) throw new WriteError(`cannot create the folder ${next}: a file of that name is in the way`);
    current = real;
  }
  return current;
}

/**
 * Removes temp files left by a writer that died mid-write. Only a caller that holds the file's
 * lock may do this: no other process can be writing one of them right now.
 */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const names = await readdir(path.dirname(file)).catch(() => []);
  await Promise.all(names.filter((name) => isTempFileOf(file, name)).map((name) => rm(path.join(path.dirname(file), name), { force: true }).catch(() => undefined)));
}
