import path from 'node:path';
import { envOr } from './config';
import { jsonHookConfig, matcherGroups } from './jsonHooks';

/**
 * Codex: `hooks.json` beside each config layer, `.codex/hooks.json` in the project and
 * `~/.codex/hooks.json` for the user (`CODEX_HOME` moves that folder); `[hooks]` tables in
 * config.toml would do too, but Codex warns when one layer has both, and the JSON file keeps
 * Plumbline out of the person's config.toml. serde_json reads it: no comments. Groups as Claude
 * Code's (`{matcher, hooks: [{type: "command", command, timeout?}]}`); the matcher `apply_patch`
 * is an exact tool name, Stop ignores matchers. Codex runs the command with `$SHELL -lc`.
 */
export const codexConfig = jsonHookConfig(
  {
    harness: 'codex',
    title: 'Codex',
    comments: false,
    skeleton: () => ({}),
    slots: (command) => matcherGroups(command, [{ event: 'PreToolUse', matcher: 'apply_patch' }, { event: 'Stop' }]),
  },
  {
    file: (scope, { cwd, home, env }) => path.join(scope === 'project' ? path.join(cwd, '.codex') : envOr(env, 'CODEX_HOME', path.join(home, '.codex')), 'hooks.json'),
    note: () => 'Codex runs a new or changed hook once you trust it: open /hooks in Codex (0.124 or later; a project\'s hooks need the project trusted).',
  },
);
