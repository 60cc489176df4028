import { existsSync, realpathSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../../fs';
import { plumblineHome } from '../../home';
import { version } from '../../version';

/**
 * The program the harnesses' hook configs run: `~/.plumbline/bin/plumbline`, a shell script that
 * starts the Plumbline CLI that wrote it with the Node that ran it. One fixed path, so a config
 * never names an install folder (an npm prefix, a VS Code extension folder with its version in
 * it), and the configs stay right when Plumbline moves: installing again (or the extension, each
 * time it starts) rewrites the launcher, not the configs. Inside VS Code the Node is the editor's
 * Electron binary, which runs as Node with ELECTRON_RUN_AS_NODE=1. When the CLI it points at is
 * gone, the launcher passes with one line on stderr: a hook must never block an agent by accident.
 */
export interface LauncherTarget {
  /** The CLI bundle (dist/cli.js). */
  cli: string;
  /** The executable that runs it. */
  node: string;
  /** Whether `node` is Electron, which needs ELECTRON_RUN_AS_NODE=1 to act as Node. */
  electron: boolean;
}

/** This process as a launcher target: its executable, running the CLI file given (the running bundle, for the CLI). */
export function currentTarget(cli: string): LauncherTarget {
  return { cli: realpathSync(cli), node: process.execPath, electron: Boolean(process.versions.electron) };
}

export function launcherPath(): string {
  return path.join(plumblineHome(), 'bin', 'plumbline');
}

/**
 * The command a hook config runs for a harness. Every harness runs hook commands through a
 * shell, so it says `$HOME` rather than the home folder's path when the launcher is where HOME
 * says, and a project's config works for everyone who checks it out. Where the launcher is
 * missing (a teammate without Plumbline) it does nothing: a command that fails is a warning in
 * most harnesses, but Copilot CLI denies the tool call.
 */
export function launcherCommand(harness: string, env: NodeJS.ProcessEnv = process.env): string {
  const file = launcherPath();
  const launcher = env.HOME && file === path.join(env.HOME, '.plumbline', 'bin', 'plumbline') ? '"$HOME/.plumbline/bin/plumbline"' : shellQuote(file);
  return `if [ -x ${launcher} ]; then ${launcher} hook ${harness}; fi`;
}

export function launcherScript(target: LauncherTarget): string {
  return [
    '#!/bin/sh',
    `# Plumbline's launcher (Plumbline ${version}): agent harnesses' hooks run it. \`plumbline hooks install\` writes it again.`,
    `node=${shellQuote(target.node)}`,
    `cli=${shellQuote(target.cli)}`,
    'if [ ! -f "$cli" ] || [ ! -x "$node" ]; then',
    // The harness is writing its payload to us: read it, so it does not fail on a closed pipe.
    '  [ -t 0 ] || cat > /dev/null',
    '  echo "plumbline: $cli is gone (Plumbline was moved or uninstalled), so nothing was checked; run \\`plumbline hooks install <harness>\\` again" >&2',
    '  exit 0',
    'fi',
    ...(target.electron ? ['ELECTRON_RUN_AS_NODE=1', 'export ELECTRON_RUN_AS_NODE'] : []),
    'exec "$node" "$cli" "$@"',
    '',
  ].join('\n');
}

/**
 * Writes the launcher for a target (its folder 0700, the script 0755, atomically), unless it is
 * already exactly that. The VS Code extension calls this when it starts, with its own dist/cli.js.
 */
export async function writeLauncher(target: LauncherTarget): Promise<{ file: string; changed: boolean }> {
  const file = launcherPath();
  const script = launcherScript(target);
  const now = await readFile(file, 'utf8').catch(() => null);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await chmod(path.dirname(file), 0o700);
  if (now !== script) await writeFileAtomic(file, script, { mode: 0o755 });
  await chmod(file, 0o755);
  return { file, changed: now !== script };
}

/**
 * Points the launcher at `target` when it exists but the CLI it runs (or the Node that runs it)
 * is gone (Plumbline moved: an extension update, an npm reinstall elsewhere). A launcher that
 * works, or none at all, is left alone: the extension never writes into the home folder unasked.
 * True when rewritten.
 */
export async function refreshLauncher(target: LauncherTarget): Promise<boolean> {
  const script = await readFile(launcherPath(), 'utf8').catch(() => null);
  if (script === null) return false;
  const [node, cli] = ['node', 'cli'].map((name) => new RegExp(`^${name}=(.*)$`, 'm').exec(script)?.[1]);
  if (node !== undefined && cli !== undefined && existsSync(shellUnquote(node)) && existsSync(shellUnquote(cli))) return false;
  await writeLauncher(target);
  return true;
}

export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The word `shellQuote` wrote. */
function shellUnquote(word: string): string {
  return word.startsWith("'") ? word.slice(1, -1).replace(/'\\''/g, "'") : word;
}
