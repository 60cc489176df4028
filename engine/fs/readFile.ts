import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { describeFsError } from './errors';

/** A FIFO, socket or device where a file was expected: reading it could wait forever or never end. */
export class SpecialFileError extends Error {
  override name = 'SpecialFileError';
}

export interface ReadOptions {
  /** 'null': a missing file reads as null instead of throwing. */
  missing?: 'null' | 'throw';
  /** Refuse files larger than this (the error says the size). */
  maxBytes?: number;
}

/**
 * The one way Plumbline reads a file that someone else (an agent, a repository) controls: opened
 * without blocking (a FIFO would otherwise hold a thread until a writer comes), checked to be a
 * regular file before a byte is read, and refused above a size limit.
 */
export async function readRegularFile(file: string, options: ReadOptions & { missing: 'null' }): Promise<Buffer | null>;
export async function readRegularFile(file: string, options?: ReadOptions): Promise<Buffer>;
export async function readRegularFile(file: string, options: ReadOptions = {}): Promise<Buffer | null> {
  return (await readRegularFileAndMode(file, options))?.bytes ?? null;
}

/** readRegularFile, with the file's permission bits (a rewrite keeps them). */
export async function readRegularFileAndMode(file: string, options: ReadOptions = {}): Promise<{ bytes: Buffer; mode: number } | null> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if (options.missing === 'null' && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw Object.assign(new Error(`cannot read ${file}: ${describeFsError(err)}`), { code: (err as NodeJS.ErrnoException).code });
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) throw Object.assign(new Error(`cannot read ${file}: it is a folder`), { code: 'EISDIR' });
    if (!info.isFile()) throw new SpecialFileError(`${file} is not a regular file (a FIFO, socket or device); Plumbline never reads those`);
    if (options.maxBytes !== undefined && info.size > options.maxBytes) throw new Error(`${file} is ${info.size} bytes, over the limit of ${options.maxBytes}`);
    // One read of the size it has, and a byte more: a short read is the whole file (an agent's
    // edit step waits on every round trip to the disk's threads). A file that grew meanwhile is read
    // whole again.
    const buffer = Buffer.allocUnsafeSlow(info.size + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    // (A read at a position leaves the handle's own at 0, where readFile starts.)
    const bytes = bytesRead <= info.size ? buffer.subarray(0, bytesRead) : await handle.readFile();
    return { bytes, mode: info.mode & 0o7777 };
  } finally {
    await handle.close();
  }
}
