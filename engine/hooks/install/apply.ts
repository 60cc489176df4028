import { mkdir, realpath, rm, chmod } from 'node:fs/promises';
import path from 'node:path';
import { decodeText, readRegularFile, writeFileAtomic } from '../../fs';
import { ConfigError, type HookConfig, type Target } from './config';

export interface HookChange {
  file: string;
  changed: boolean;
  /** The file's text before and after (null: no file). */
  before: string | null;
  after: string | null;
}

/**
 * Installs or uninstalls one harness's hook in its config file: read, changed as text, written
 * atomically (folders created as needed, inside `root` when the file is), or deleted when
 * nothing else is left in it. A file that cannot be read as the harness's config throws
 * ConfigError and stays as it was.
 */
export async function changeHookConfig(config: HookConfig, action: 'install' | 'uninstall', target: Target, root: string): Promise<HookChange> {
  const { file } = target;
  const before = await readHookConfig(file);
  const after = action === 'install' ? config.install(before, target) : before === null ? null : config.uninstall(before, target);
  if (after === before) return { file, changed: false, before, after };
  if (after === null) await rm(file, { force: true });
  else await write(file, after, root, config.mode);
  return { file, changed: true, before, after };
}

/** A config's text now, or null when there is none; text that is not UTF-8 is not a config to touch. */
export async function readHookConfig(file: string): Promise<string | null> {
  const bytes = await readRegularFile(file, { missing: 'null', maxBytes: 4 * 1024 * 1024 });
  if (bytes === null) return null;
  const { text, exact } = decodeText(bytes);
  if (!exact) throw new ConfigError('not UTF-8 text');
  return text;
}

async function write(file: string, text: string, root: string, mode: number | undefined): Promise<void> {
  const relative = path.relative(root, file);
  if (relative.startsWith('..') || path.isAbsolute(relative)) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, text, { mode });
  } else {
    // Folders made in the workspace (or home) are checked to stay in it, links and all.
    const realRoot = await realpath(root);
    await writeFileAtomic(path.join(realRoot, relative), text, { mode, createFoldersWithin: realRoot });
  }
  // A hook script whose execute bit someone took away would silently never run.
  if (mode !== undefined) await chmod(file, mode);
}
