import type { ResolvedPath } from './workspace';

/**
 * Why a write needs a person's approval, or undefined when it may go ahead (SPEC §4): a protected
 * path always does (plan tools may still edit the plans in a plan folder such as .cursor/plans),
 * and every write does when edits are not auto-approved. One rule for the file tools, the plan
 * tools, MCP and the hub.
 */
export function writeApprovalReason(target: ResolvedPath, autoApproveEdits: boolean, kind: 'file' | 'plan'): string | undefined {
  if (target.isProtected && !(kind === 'plan' && target.isPlanFolder)) return `${target.relative} is a protected path`;
  if (!autoApproveEdits) return 'edits need approval in this workspace';
  return undefined;
}

/**
 * Which shell commands run without asking (SPEC §4): only a command that is exactly, character
 * for character, on the allow list — and even then never one that redirects, substitutes, chains
 * or hands another program something to execute, since an exact prefix proves nothing about
 * what such a command does.
 */

/**
 * Why a command needs a person's approval, or undefined when it may run. `cwd` is the folder it
 * runs in, relative to the workspace root: an allow-listed command runs without asking only at
 * the root, since a folder the agent wrote can change what a listed command does (a planted bare
 * repository makes `git status` run its core.fsmonitor).
 */
export function commandNeedsApproval(command: string, allowList: readonly string[], cwd = '.'): string | undefined {
  const trimmed = command.trim();
  if (!allowList.includes(trimmed)) return 'it is not on the allow list (plumbline.agent.allowedCommands, exact match)';
  if (cwd !== '.') return `it runs in ${cwd}, not the workspace root (allow-listed commands run without asking only at the root)`;
  return dangerousConstruct(trimmed);
}

/** Shell features that make an allow-listed command mean something else. */
export function dangerousConstruct(command: string): string | undefined {
  if (/\$\(|`/.test(command)) return 'it contains command substitution ($(...) or backticks)';
  if (/(^|[^\\])[<>]|&>|>&/.test(command)) return 'it redirects input or output';
  if (/&&|\|\||;|\||(^|[^&])&($|[^&>])/.test(command)) return 'it chains or pipes several commands';
  if (/\r|\n/.test(command)) return 'it spans several lines';
  if (/\$\{?[A-Za-z_]/.test(command)) return 'it expands variables';
  const words = command.split(/\s+/);
  const program = words[0]?.replace(/^.*\//, '') ?? '';
  if (runsItsArguments.has(program)) return `\`${program}\` runs the command it is given`;
  const flag = execFlags[program];
  if (flag && words.slice(1).some((w) => flag.test(w))) return `\`${program}\` with these arguments can run other programs`;
  if (/^(npm|pnpm|yarn|bun)$/.test(program) && /^(exec|x|dlx)$/.test(words[1] ?? '')) return `\`${program} ${words[1]}\` runs arbitrary packages`;
  if (words.some((w) => /^--(exec|eval)(=|$)/.test(w))) return 'it passes an --exec/--eval option';
  return undefined;
}

/** Programs whose arguments are themselves a command. */
const runsItsArguments = new Set(['xargs', 'env', 'npx', 'bunx', 'eval', 'exec', 'sudo', 'doas', 'su', 'ssh', 'nohup', 'timeout', 'watch', 'time', 'nice', 'command', 'builtin', 'source', '.']);

/** Options that make a program execute code or other programs. */
const execFlags: Record<string, RegExp> = {
  find: /^-(exec|execdir|ok|okdir|delete|fprint.*)$/,
  sh: /^-\w*c/,
  bash: /^-\w*c/,
  zsh: /^-\w*c/,
  dash: /^-\w*c/,
  python: /^-c$/,
  python3: /^-c$/,
  node: /^(-e|--eval|-p|--print|-r|--require|--import)$/,
  perl: /^-\w*e/,
  ruby: /^-\w*e/,
  git: /^(-c|--exec-path.*|--upload-pack.*|--config-env.*)$/,
  tar: /^(--to-command.*|--checkpoint-action.*|--use-compress-program.*|-I)$/,
  rsync: /^(-e|--rsh.*)$/,
};
