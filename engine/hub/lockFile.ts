import { chmod, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import path from 'node:path';
import { isProcessRunning } from '../processes';
import { LockFile } from '../protocol/hub';
import { writeFileAtomic } from '../fs';
import { hubLockDir } from '../home';

/**
 * The hub's lock files (SPEC §6): `~/.plumbline/hub/<port>.lock`, JSON `{pid, port, token,
 * workspaceFolders}`, in a folder only its owner may enter (0700), each file readable by its
 * owner only (0600), written atomically, removed when the hub closes; files of dead processes
 * are removed by the next hub that starts. A client finds its hub here, with the token.
 */
export function defaultLockDir(): string {
  return hubLockDir();
}

export function lockPath(dir: string, port: number): string {
  return path.join(dir, `${port}.lock`);
}

export async function writeLock(dir: string, lock: LockFile): Promise<string> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode applies only to folders it creates: an older, wider folder is narrowed too.
  await chmod(dir, 0o700);
  await removeStaleLocks(dir);
  const file = lockPath(dir, lock.port);
  await writeFileAtomic(file, `${JSON.stringify(LockFile.parse(lock))}\n`, { mode: 0o600 });
  return file;
}

/** Synchronous, so it also works from a process `exit` handler. Only this process's own lock goes. */
export function removeLockSync(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Already gone: nothing to do.
  }
}

async function readLock(file: string): Promise<LockFile | undefined> {
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    const parsed = LockFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every lock file in the folder that parses as one of ours. */
async function locks(dir: string): Promise<{ file: string; lock: LockFile }[]> {
  const found: { file: string; lock: LockFile }[] = [];
  for (const name of await readdir(dir).catch(() => [] as string[])) {
    if (!/^\d+\.lock$/.test(name)) continue;
    const lock = await readLock(path.join(dir, name));
    if (lock) found.push({ file: path.join(dir, name), lock });
  }
  return found;
}

/** Lock files whose process is gone. A file that is not a lock of ours is left alone. */
export async function removeStaleLocks(dir: string): Promise<number> {
  const stale = (await locks(dir)).filter(({ lock }) => !isProcessRunning(lock.pid));
  for (const { file } of stale) await rm(file, { force: true });
  return stale.length;
}

/** Hubs whose process is alive. */
export async function liveLocks(dir: string): Promise<LockFile[]> {
  return (await locks(dir)).filter(({ lock }) => isProcessRunning(lock.pid)).map(({ lock }) => lock);
}

/** Thrown when no hub can be found: the message says what to do. */
export class NoHubError extends Error {
  override name = 'NoHubError';
}

/**
 * The hub a client should talk to: the one on `port` (a terminal opened in VS Code has it in
 * PLUMBLINE_HUB_PORT), else the live hub whose workspace folder holds `cwd` (the innermost).
 */
export async function findLock(options: { dir?: string; port?: number; cwd: string }): Promise<LockFile> {
  const dir = options.dir ?? defaultLockDir();
  if (options.port !== undefined) {
    const lock = await readLock(lockPath(dir, options.port));
    if (!lock) throw new NoHubError(`no Plumbline hub lock file for port ${options.port} in ${dir}`);
    if (!isProcessRunning(lock.pid)) throw new NoHubError(`the Plumbline hub on port ${options.port} is not running any more (its process ${lock.pid} is gone)`);
    return lock;
  }
  const cwd = path.resolve(options.cwd);
  const holds = (folder: string) => cwd === folder || cwd.startsWith(folder.endsWith(path.sep) ? folder : folder + path.sep);
  const candidates = (await liveLocks(dir))
    .map((lock) => ({ lock, depth: Math.max(-1, ...lock.workspaceFolders.filter(holds).map((f) => f.length)) }))
    .filter((c) => c.depth >= 0)
    .sort((a, b) => b.depth - a.depth);
  if (!candidates[0]) throw new NoHubError(`no Plumbline hub is running for ${cwd}: open the folder in VS Code with Plumbline, or run \`plumbline hub serve\` there`);
  return candidates[0].lock;
}
