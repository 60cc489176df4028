import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { isWithin } from './confine';

export interface WalkEntry {
  /** The path as walked: a link keeps its own name. */
  path: string;
  /** Relative to the walk's start, with forward slashes. */
  relative: string;
  /**
   * file: a regular file, or a link to one inside the root (safe to read at `path`);
   * folder: a folder (entered unless `enter` said no);
   * link: a link that is not followed: it leads outside the root, to a folder, or nowhere;
   * special: a FIFO, socket or device, never read.
   */
  kind: 'file' | 'folder' | 'link' | 'special';
}

export interface WalkOptions {
  /** Whether to go into a folder (relative to the start); the default enters every one. */
  enter?(relative: string, name: string): boolean;
  signal?: AbortSignal;
}

/**
 * The one walk over a folder that someone else controls (an agent, a cloned repository): every
 * entry is confined, not only the starting point. A symbolic link is read only when its real path
 * is a regular file inside `root` (a real path); links to folders are never entered (their
 * targets inside the root are walked where they are, and entering them could loop), and FIFOs,
 * sockets and devices are reported, never opened. Entries come sorted by name.
 */
export async function* walkConfined(root: string, start: string, options: WalkOptions = {}): AsyncGenerator<WalkEntry> {
  yield* walkFolder(root, start, start, options);
}

async function* walkFolder(root: string, start: string, folder: string, options: WalkOptions): AsyncGenerator<WalkEntry> {
  if (options.signal?.aborted) return;
  let entries;
  try {
    entries = await readdir(folder, { withFileTypes: true });
  } catch {
    return; // unreadable folder: skipped, as an editor's file search does
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(folder, entry.name);
    const relative = path.relative(start, full).split(path.sep).join('/');
    if (entry.isDirectory()) {
      yield { path: full, relative, kind: 'folder' };
      if (!options.enter || options.enter(relative, entry.name)) yield* walkFolder(root, start, full, options);
    } else if (entry.isFile()) yield { path: full, relative, kind: 'file' };
    else if (entry.isSymbolicLink()) yield { path: full, relative, kind: (await isFileInside(root, full)) ? 'file' : 'link' };
    else yield { path: full, relative, kind: 'special' };
  }
}

/** True when a link resolves to a regular file whose real path is inside `root`. */
async function isFileInside(root: string, link: string): Promise<boolean> {
  try {
    const real = await realpath(link);
    if (!isWithin(root, real)) return false;
    return (await stat(real)).isFile();
  } catch {
    return false;
  }
}
