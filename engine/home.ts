import os from 'node:os';
import path from 'node:path';

/**
 * Where Plumbline keeps its own files outside any workspace: `~/.plumbline` (the hub's lock
 * files, the hooks' session records). `os.homedir()` honours HOME, which is how tests move it.
 */
export function plumblineHome(): string {
  return path.join(os.homedir(), '.plumbline');
}
