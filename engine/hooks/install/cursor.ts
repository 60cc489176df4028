import path from 'node:path';
import { jsonHookConfig } from './jsonHooks';

/**
 * Cursor: `.cursor/hooks.json` in the project, `~/.cursor/hooks.json` for the user (no variable
 * moves it). `{"version": 1, "hooks": {<event>: [{command}]}}`: no matcher groups, no type; the
 * command runs through the shell. afterFileEdit runs after each agent edit, stop when the agent
 * ends its turn. Comments are refused: nothing says Cursor reads them.
 */
export const cursorConfig = jsonHookConfig(
  {
    harness: 'cursor',
    title: 'Cursor',
    comments: false,
    skeleton: () => ({ version: 1 }),
    slots: (command) => [
      { path: ['hooks', 'afterFileEdit'], entry: { command } },
      { path: ['hooks', 'stop'], entry: { command } },
    ],
  },
  {
    file: (scope, { cwd, home }) => path.join(scope === 'project' ? cwd : home, '.cursor', 'hooks.json'),
  },
);
