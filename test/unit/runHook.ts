import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { storeClass } from '../fixtures/storeClass';

/** The built CLI: hooks run as their own process, the way each harness runs them. */
const cli = path.resolve(__dirname, '../../dist/cli.js');

/** storeClass with its `load` and `delete` methods replaced by a placeholder comment. */
export const dropped = storeClass.replace(/ {2}load[\s\S]*?this\.items\.delete\(key\);\n {2}}\n/, '  // ... existing code ...\n');
/** The text of those two methods, as an edit's old_string. */
export const loadAndDelete = storeClass.slice(storeClass.indexOf('  load('), storeClass.indexOf('}\n', storeClass.indexOf('this.items.delete')) + 2);

export interface HookRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * `plumbline hook <harness>` with the harness's JSON on stdin, in a HOME of the test's own (where
 * the hooks keep their session records and find a hub's lock file), never the person's.
 */
export function runHook(harness: string, payload: unknown, home: string, env: NodeJS.ProcessEnv = {}): HookRun {
  const input = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const result = spawnSync(process.execPath, [cli, 'hook', harness], { input, encoding: 'utf8', timeout: 30_000, env: { ...process.env, HOME: home, PLUMBLINE_HUB_PORT: '', ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
