import path from 'node:path';
import { ConfigError, type HookConfig } from './config';

/** The line that makes a hook script Plumbline's: install rewrites and uninstall deletes only such a script. */
export const CLINE_MARKER = '# plumbline-hook: cline';

/**
 * Cline: a hook is an executable file named after its event, `PreToolUse` (no extension on Linux
 * and macOS; Cline looks for `PreToolUse.ps1` on Windows), in `.clinerules/hooks/` (project) or
 * `~/Documents/Cline/Hooks/` (user). Both the VS Code extension and the Cline SDK (CLI) search
 * those two folders (the SDK also `.cline/hooks` and `~/.cline/hooks`). A script of that name that
 * is not Plumbline's is the person's own: never overwritten.
 */
export const clineConfig: HookConfig = {
  harness: 'cline',
  title: 'Cline',
  mode: 0o755,
  file: (scope, { cwd, home }) => (scope === 'project' ? path.join(cwd, '.clinerules', 'hooks', 'PreToolUse') : path.join(home, 'Documents', 'Cline', 'Hooks', 'PreToolUse')),
  install(text, target) {
    if (text !== null && !isOurs(text)) throw new ConfigError("it is a PreToolUse hook script that is not Plumbline's; Plumbline does not overwrite it (call `plumbline hook cline` from it yourself)");
    return ['#!/bin/sh', `${CLINE_MARKER} (written by \`plumbline hooks install cline\`; \`plumbline hooks uninstall cline\` deletes it)`, target.command, ''].join('\n');
  },
  uninstall: (text) => (isOurs(text) ? null : text),
  note: () => "Cline runs hook scripts once hooks are on in its settings (Enable Hooks).",
};

function isOurs(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.startsWith(CLINE_MARKER));
}
