import path from 'node:path';
import { envOr } from './config';
import { jsonHookConfig, matcherGroups } from './jsonHooks';

/**
 * Claude Code: `.claude/settings.json` in the project, `~/.claude/settings.json` for the user
 * (`CLAUDE_CONFIG_DIR` moves that folder). Strict JSON: Claude Code refuses the whole file over a
 * comment. Each event holds matcher groups, `{matcher, hooks: [{type: "command", command}]}`;
 * the command runs through a shell, so `$HOME` in it is expanded. PreToolUse matches the edit
 * tools (the matcher is a regex); Stop takes no matcher.
 */
export const claudeCodeConfig = jsonHookConfig(
  {
    harness: 'claude-code',
    title: 'Claude Code',
    comments: false,
    skeleton: () => ({}),
    slots: (command) => matcherGroups(command, [{ event: 'PreToolUse', matcher: 'Write|Edit|MultiEdit' }, { event: 'Stop' }]),
  },
  {
    file: (scope, { cwd, home, env }) => path.join(scope === 'project' ? path.join(cwd, '.claude') : envOr(env, 'CLAUDE_CONFIG_DIR', path.join(home, '.claude')), 'settings.json'),
  },
);
