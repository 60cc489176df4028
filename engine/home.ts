import os from 'node:os';
import path from 'node:path';

/**
 * Where Plumbline keeps its own files outside any workspace: `~/.plumbline` (the hub's lock
 * files, the hooks' session records). `os.homedir()` honours HOME, which is how tests move it.
 */
export function plumblineHome(): string {
  return path.join(os.homedir(), '.plumbline');
}

/** The hubs' lock files (SPEC §6): one per running hub, `<port>.lock`. */
export function hubLockDir(): string {
  return path.join(plumblineHome(), 'hub');
}
