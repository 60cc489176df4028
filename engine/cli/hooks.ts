import os from 'node:os';
import path from 'node:path';
import { changeHookConfig, ConfigError, currentTarget, hookConfigNamed, hookConfigs, launcherCommand, writeLauncher, type HookChange, type HookConfig, type Scope } from '../hooks/install';
import { CliError, UsageError, type CommandContext } from './command';

/**
 * `plumbline hooks install|uninstall <harness>`: writes the harness's hook config (merged into
 * what is there, once) or takes Plumbline's hook out of it, and on install (re)writes the
 * launcher the config runs (engine/hooks/install). Its code loads only when it runs.
 */
export async function hooks(ctx: CommandContext): Promise<number> {
  const names = hookConfigs.map((c) => c.harness).join(', ');
  /** A config Plumbline cannot change: one line naming the file (and line), exit 1. */
  const refuse = (err: unknown, file: string | undefined): never => {
    if (!(err instanceof ConfigError)) throw err;
    throw new CliError(file ? `${display(file, ctx.cwd)}${err.line ? `:${err.line}` : ''}: ${err.message}; the file was not changed` : err.message);
  };
  const [action, name, ...extra] = ctx.positionals;
  if (action !== 'install' && action !== 'uninstall') throw new UsageError('hooks needs "install" or "uninstall"');
  const config = name ? hookConfigNamed(name) : undefined;
  if (!config) throw new UsageError(`hooks ${action} needs a harness: ${names}`);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (ctx.values.project && ctx.values.user) throw new UsageError('hooks: --project or --user, not both');
  const agent = typeof ctx.values.agent === 'string' ? ctx.values.agent : undefined;
  if (agent !== undefined && config.harness !== 'kiro') throw new UsageError('hooks: --agent is for kiro');
  // The launcher is a shell script, and Cline's hook too.
  if (process.platform === 'win32') throw new CliError('hooks: Windows is not supported yet');
  const scope: Scope = ctx.values.user ? 'user' : 'project';
  const home = os.homedir();
  let file: string;
  try {
    file = config.file(scope, { cwd: ctx.cwd, home, env: process.env }, { agent });
  } catch (err) {
    return refuse(err, undefined);
  }
  const target = { command: launcherCommand(config.harness), file };
  const change = await changeHookConfig(config, action, target, scope === 'project' ? ctx.cwd : home).catch((err: unknown) => refuse(err, file));
  const cli = action === 'install' ? currentTarget(process.argv[1]) : undefined;
  const launcher = cli && (await writeLauncher(cli));
  if (ctx.values.json) ctx.stdout.write(`${JSON.stringify({ file: change.file, changed: change.changed, ...(launcher && { launcher }) })}\n`);
  else ctx.stdout.write(await report(config, action, change, ctx.cwd, launcher && cli && { ...launcher, command: target.command, cli: cli.cli }));
  return 0;
}

async function report(config: HookConfig, action: 'install' | 'uninstall', change: HookChange, cwd: string, launcher?: { file: string; changed: boolean; command: string; cli: string }): Promise<string> {
  const name = display(change.file, cwd);
  const lines: string[] = [];
  if (!change.changed) lines.push(action === 'install' ? `${name} already runs Plumbline's ${config.title} hook: no change.` : `${name} has no Plumbline hook: no change.`);
  else lines.push(`${change.after === null ? 'Deleted' : 'Wrote'} ${name}:`, await unifiedDiff(name, change.before, change.after));
  if (launcher) {
    lines.push(`${config.title}'s hook runs ${display(launcher.file, cwd)}${launcher.changed ? ' (written now)' : ''}, which starts ${launcher.cli}.`);
    const note = config.note?.({ command: launcher.command, file: change.file });
    if (note) lines.push(note);
  }
  return `${lines.join('\n')}\n`;
}

async function unifiedDiff(name: string, before: string | null, after: string | null): Promise<string> {
  const { structuredPatch } = await import('diff');
  const patch = structuredPatch(name, name, before ?? '', after ?? '', '', '', { context: 3 });
  return [
    `--- ${before === null ? '/dev/null' : name}`,
    `+++ ${after === null ? '/dev/null' : name}`,
    // An empty side starts at line 0, as diff(1) writes it.
    ...patch.hunks.flatMap((h) => [`@@ -${h.oldLines ? h.oldStart : 0},${h.oldLines} +${h.newLines ? h.newStart : 0},${h.newLines} @@`, ...h.lines.map((l) => l.replace(/\r$/, ''))]),
  ].join('\n');
}

/** A path as the person knows it: relative in the workspace, `~/…` in the home folder. */
function display(file: string, cwd: string): string {
  const inCwd = path.relative(cwd, file);
  if (!inCwd.startsWith('..') && !path.isAbsolute(inCwd)) return inCwd;
  const inHome = path.relative(os.homedir(), file);
  return !inHome.startsWith('..') && !path.isAbsolute(inHome) ? path.join('~', inHome) : file;
}
