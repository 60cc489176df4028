import { randomBytes } from 'node:crypto';
import { open, readdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/** Temp files are `<db>.tmp-<random>` in the database's folder: never the database's own name. */
export function tempPathFor(file: string): string {
  return `${file}.tmp-${randomBytes(6).toString('hex')}`;
}

/**
 * Replaces `file` with `bytes` so that a crash at any moment leaves either the old file or the
 * new one, never a torn mix: write a temp file in the same folder (rename is only atomic within
 * one file system), fsync it so its bytes are on disk before the name points at them, rename it
 * over the old file, then fsync the folder so the rename itself survives a power cut.
 */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const temp = tempPathFor(file);
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw err;
  }
  await syncFolder(path.dirname(file));
}

async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Windows cannot open or fsync a folder (EISDIR, EPERM); NTFS journals the rename itself.
  }
}

/**
 * Removes temp files left by a writer that died mid-save. Only the lock holder calls this, so no
 * other process can be writing one of them right now.
 */
export async function removeStaleTempFiles(file: string): Promise<void> {
  const prefix = `${path.basename(file)}.tmp-`;
  const names = await readdir(path.dirname(file)).catch(() => []);
  await Promise.all(names.filter((name) => name.startsWith(prefix)).map((name) => rm(path.join(path.dirname(file), name), { force: true }).catch(() => undefined)));
}
