import { spawn } from 'node:child_process';
import path from 'node:path';

const maxOutput = 64 * 1024;

export interface ExecOptions {
  /** The workspace root (a real path): PATH entries inside it are dropped, since the agent writes there. */
  workspaceRoot?: string;
  /** Values that must never reach a command (API keys): a variable holding one is dropped. */
  secrets?: readonly string[];
  /** The environment to start from (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs a shell command for an agent: in its own process group, so a stop or a timeout kills the
 * command and everything it started; output (stdout and stderr interleaved) kept to the last
 * 64 KB, which is what a model can use. The environment is agentEnvironment's.
 */
export function execCommand(command: string, cwd: string, timeoutMs: number, signal: AbortSignal, options: ExecOptions = {}): Promise<{ exitCode: number | null; output: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    let output = '';
    let timedOut = false;
    const child = spawn(command, { cwd, shell: true, detached: true, env: agentEnvironment(options), stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-maxOutput);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const kill = () => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        child.kill('SIGKILL'); // the group is already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, timeoutMs);
    signal.addEventListener('abort', kill, { once: true });
    const finish = (exitCode: number | null) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', kill);
      resolve({ exitCode, output, timedOut });
    };
    child.once('error', (err) => {
      output += `\n${err.message}`;
      finish(null);
    });
    child.once('close', (code) => finish(code));
  });
}

/** Variables of the editor itself, and any that look like a credential. */
const withheld = /^(VSCODE_|ELECTRON_)|API_?KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL/i;

/**
 * Git settings every agent command gets, above any repository's own config (GIT_CONFIG_COUNT is
 * git's command-line level): a repository the agent planted (a folder with HEAD, config,
 * objects/, refs/) is not used unless named explicitly, and no repository config can make a
 * read-only command run a program (fsmonitor, pager, hooks, ext:: transports).
 */
const gitHardening: [string, string][] = [
  ['safe.bareRepository', 'explicit'],
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['protocol.ext.allow', 'never'],
];

/**
 * The environment of an agent's command: this process's, minus the editor's own variables,
 * anything that looks like a credential and any variable holding one of `secrets` (Plumbline's
 * API keys); PATH without relative entries or folders inside the workspace (a `./git` the agent
 * wrote must not stand in for git); git hardened (gitHardening); pagers off.
 */
export function agentEnvironment(options: ExecOptions = {}): NodeJS.ProcessEnv {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(options.env ?? process.env)) {
    if (value === undefined || withheld.test(name) || secrets.some((s) => value.includes(s))) continue;
    env[name] = value;
  }
  const root = options.workspaceRoot;
  env.PATH = (env.PATH ?? '')
    .split(path.delimiter)
    .filter((entry) => entry !== '' && path.isAbsolute(entry) && !(root && (entry === root || entry.startsWith(root + path.sep))))
    .join(path.delimiter);
  const inherited = Number(env.GIT_CONFIG_COUNT ?? 0) || 0;
  gitHardening.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${inherited + i}`] = key;
    env[`GIT_CONFIG_VALUE_${inherited + i}`] = value;
  });
  env.GIT_CONFIG_COUNT = String(inherited + gitHardening.length);
  env.GIT_PAGER = 'cat';
  env.PAGER = 'cat';
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}
