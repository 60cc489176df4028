import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError, envOr, type Places } from './config';
import { jsonHookConfig } from './jsonHooks';

/**
 * Kiro CLI: hooks live in an agent's config, `.kiro/agents/<name>.json` (project) or
 * `~/.kiro/agents/<name>.json` (user; `KIRO_HOME` moves `~/.kiro`), under
 * `hooks.preToolUse: [{matcher, command}]` (no groups; the matcher is a tool name or alias,
 * `fs_write` for file writes; the command runs through the shell). Kiro runs only the hooks of the
 * agent in use.
 *
 * Which agent: `--agent NAME`, else the one Kiro starts with (`chat.defaultAgent` in
 * `~/.kiro/settings/cli.json`), else `plumbline`. Kiro's own default agent (`kiro_default`) is
 * built in and has no file to add a hook to, so when no agent is set up Plumbline creates one that
 * has every tool, like the built-in one, and says how to use it. A new agent file is never
 * written where an agent of that name exists in the other scope: a project agent would hide the
 * person's global one. Kiro CLI 3 also reads standalone hook files in `.kiro/hooks/`; agent hooks
 * still work there, and they are what 2.x reads.
 */
export const kiroConfig = jsonHookConfig(
  {
    harness: 'kiro',
    title: 'Kiro CLI',
    comments: false,
    skeleton: (target) => ({
      name: path.basename(target.file, '.json'),
      description: "Kiro's tools, with Plumbline's check of every file write",
      tools: ['*'],
      resources: ['file://AGENTS.md', 'file://README.md', 'skill://.kiro/skills/*/SKILL.md'],
    }),
    slots: (command) => [{ path: ['hooks', 'preToolUse'], entry: { matcher: 'fs_write', command } }],
  },
  {
    file(scope, places, options) {
      const name = options.agent ?? defaultAgent(places) ?? 'plumbline';
      if (!/^[\w.-]+$/.test(name)) throw new ConfigError(`"${name}" is not an agent name (letters, digits, ".", "_" and "-")`);
      const file = path.join(agentsDir(scope, places), `${name}.json`);
      const other = path.join(agentsDir(scope === 'project' ? 'user' : 'project', places), `${name}.json`);
      if (!existsSync(file) && existsSync(other)) throw new ConfigError(`the agent "${name}" is in ${other}; install with --${scope === 'project' ? 'user' : 'project'} (a new ${file} would hide it)`);
      return file;
    },
    note: (target) => `Kiro runs the hooks of the agent in use: \`kiro-cli chat --agent ${path.basename(target.file, '.json')}\`, or make it the default with \`kiro-cli settings chat.defaultAgent ${path.basename(target.file, '.json')}\`.`,
  },
);

function kiroHome({ home, env }: Places): string {
  return envOr(env, 'KIRO_HOME', path.join(home, '.kiro'));
}

function agentsDir(scope: 'project' | 'user', places: Places): string {
  return scope === 'project' ? path.join(places.cwd, '.kiro', 'agents') : path.join(kiroHome(places), 'agents');
}

const BUILT_IN_AGENTS = new Set(['kiro_default', 'kiro_planner']);
const Settings = z.object({ 'chat.defaultAgent': z.string().min(1).optional() });

/** The agent Kiro starts with when it is not its built-in one; unreadable settings count as none. */
function defaultAgent(places: Places): string | undefined {
  try {
    const agent = Settings.safeParse(JSON.parse(readFileSync(path.join(kiroHome(places), 'settings', 'cli.json'), 'utf8'))).data?.['chat.defaultAgent'];
    return agent && !BUILT_IN_AGENTS.has(agent) ? agent : undefined;
  } catch {
    return undefined;
  }
}
