import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import path from 'node:path';
import { cacheRoot, ensureCodeServer, freePort, quietSettings, startCodeServer, workbenchUrl } from './codeServer';

/**
 * `npm start`: VS Code in the browser with Plumbline and the demo workspace. The extension is
 * loaded from this folder as an extension under development, so `npm run watch` plus a window
 * reload picks up changes. The demo is copied to .demo-workspace/demo once and kept between starts
 * (edits made while trying things survive); `npm start -- --fresh` copies it anew.
 * PLUMBLINE_PORT picks the port (default: a free one).
 */
const root = path.resolve(__dirname, '..');

async function main(): Promise<void> {
  const workspace = path.join(root, '.demo-workspace', 'demo');
  if (process.argv.includes('--fresh')) await rm(workspace, { recursive: true, force: true });
  if (!existsSync(workspace)) {
    await cp(path.join(root, 'demo'), workspace, { recursive: true });
    initGit(workspace);
  }

  const serverMain = await ensureCodeServer((line) => console.log(line));
  const port = process.env.PLUMBLINE_PORT ? Number(process.env.PLUMBLINE_PORT) : await freePort();
  const state = path.join(cacheRoot(), 'start');
  const server = await startCodeServer({
    serverMain,
    port,
    userDataDir: path.join(state, 'user'),
    extensionsDir: path.join(state, 'extensions'),
    settings: quietSettings,
    output: (chunk) => {
      if (process.env.PLUMBLINE_VERBOSE) process.stdout.write(chunk);
    },
  });
  const url = workbenchUrl(port, workspace, { extensionPath: root });
  console.log(`\nPlumbline is running in VS Code at:\n\n  ${url}\n\nOpen it in a browser on this machine. Ctrl-C stops it.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping…');
    await server.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  server.process.once('exit', (code) => {
    if (stopping) return;
    console.error(`The VS Code server exited (code ${code}).`);
    process.exit(1);
  });
}

/**
 * The demo is its own git repository, as a real project would be: VS Code's Source Control shows
 * what changes in it, and Plumbline's guard has a HEAD to compare agent edits against.
 */
function initGit(dir: string): void {
  const git = (...args: string[]) =>
    spawnSync('git', ['-c', 'user.name=Plumbline demo', '-c', 'user.email=demo@plumbline.invalid', ...args], { cwd: dir });
  if (git('init', '-q').status !== 0) return; // no git: the demo works without it
  git('add', '-A');
  git('commit', '-q', '-m', 'Demo workspace');
}

main().catch((err: unknown) => {
  console.error(`npm start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
