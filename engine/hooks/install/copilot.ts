import path from 'node:path';
import { envOr } from './config';
import { jsonHookConfig } from './jsonHooks';

/**
 * GitHub Copilot: a hook file of Plumbline's own, `plumbline.json`, among the `*.json` files of
 * `.github/hooks/` (project) or `~/.copilot/hooks/` (user; Copilot CLI reads `$COPILOT_HOME/hooks`
 * when that is set, VS Code only `~/.copilot/hooks`). Both Copilot CLI and VS Code's agent hooks
 * read these folders; the Copilot CLI format (`version: 1`, camelCase `preToolUse`, the command
 * under `bash`, `timeoutSec`) is the one both accept, VS Code mapping `bash` to its Linux and
 * macOS command. The timeout is set because VS Code's default for this format is 10 seconds.
 */
export const copilotConfig = jsonHookConfig(
  {
    harness: 'copilot',
    title: 'GitHub Copilot',
    comments: false,
    skeleton: () => ({ version: 1 }),
    slots: (command) => [{ path: ['hooks', 'preToolUse'], entry: { type: 'command', bash: command, timeoutSec: 30 } }],
  },
  {
    file: (scope, { cwd, home, env }) => path.join(scope === 'project' ? path.join(cwd, '.github') : envOr(env, 'COPILOT_HOME', path.join(home, '.copilot')), 'hooks', 'plumbline.json'),
  },
);
