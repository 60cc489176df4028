import path from 'node:path';
import { envOr } from './config';
import { jsonHookConfig, matcherGroups } from './jsonHooks';

/**
 * Gemini CLI: `.gemini/settings.json` in the project, `~/.gemini/settings.json` for the user
 * (`GEMINI_CLI_HOME` stands in for the home folder). Gemini strips comments before it parses, so
 * comments are allowed and kept. Same groups as Claude Code's, events BeforeTool (matcher: a
 * regex over tool names) and AfterAgent; the command runs through the shell (bash -c), with HOME
 * kept in the environment it sanitizes. `name` identifies the hook in `/hooks`. Project settings
 * count only in a folder Gemini trusts, and a changed project hook is asked about again.
 */
export const geminiConfig = jsonHookConfig(
  {
    harness: 'gemini',
    title: 'Gemini CLI',
    comments: true,
    skeleton: () => ({}),
    slots: (command) => matcherGroups(command, [{ event: 'BeforeTool', matcher: 'write_file|replace' }, { event: 'AfterAgent' }], { name: 'plumbline' }),
  },
  {
    file: (scope, { cwd, home, env }) => path.join(scope === 'project' ? cwd : envOr(env, 'GEMINI_CLI_HOME', home), '.gemini', 'settings.json'),
    note: () => 'Gemini CLI runs a project\'s hooks only in a folder it trusts, and asks again when one changes.',
  },
);
