import { claudeCodeConfig } from './claudeCode';
import { clineConfig } from './cline';
import { codexConfig } from './codex';
import { copilotConfig } from './copilot';
import { cursorConfig } from './cursor';
import { geminiConfig } from './gemini';
import { kiroConfig } from './kiro';
import type { HookConfig } from './config';

export { ConfigError, type HookConfig, type InstallOptions, type Places, type Scope, type Target } from './config';
export { changeHookConfig, readHookConfig, type HookChange } from './apply';
export { currentTarget, launcherCommand, launcherPath, refreshLauncher, writeLauncher, type LauncherTarget } from './launcher';

/** Every harness `plumbline hooks install` configures, one module each (the same names as `plumbline hook`). */
export const hookConfigs: readonly HookConfig[] = [claudeCodeConfig, clineConfig, codexConfig, copilotConfig, cursorConfig, geminiConfig, kiroConfig];

export function hookConfigNamed(name: string): HookConfig | undefined {
  return hookConfigs.find((c) => c.harness === name);
}
