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
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}
