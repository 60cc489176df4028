/** Where a harness's hooks are configured: for the workspace (the default) or for every workspace. */
export type Scope = 'project' | 'user';

/** What a config's place depends on: the workspace, the home folder, and variables that move a harness's folder. */
export interface Places {
  cwd: string;
  home: string;
  env: NodeJS.ProcessEnv;
}

/** What one install writes: the command the hook runs, into this file. */
export interface Target {
  command: string;
  file: string;
}

export interface InstallOptions {
  /** Kiro: the agent whose config gets the hook. */
  agent?: string;
}

/**
 * One harness's hook configuration: which file it reads, and that file's text with Plumbline's
 * hook added or taken out. Both directions are pure text functions, so the command layer does the
 * reading, writing and diffing the same way for every harness (`./index.ts` lists them).
 */
export interface HookConfig {
  readonly harness: string;
  /** The harness's own name, for messages. */
  readonly title: string;
  file(scope: Scope, places: Places, options: InstallOptions): string;
  /** The text with the hook in it (once, with this command), from the text now (null: no file yet). */
  install(text: string | null, target: Target): string;
  /** The text without the hook; null when nothing of the person's is left, so the file goes. */
  uninstall(text: string, target: Target): string | null;
  /** Permissions of a file install creates (a hook script must be executable). */
  readonly mode?: number;
  /** What the person still has to do in the harness for the hook to run, if anything. */
  note?(target: Target): string | undefined;
}

/** A config that cannot be changed as it is (not JSON, a shape the harness would not read, someone else's script). */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(message);
  }
}

/** `env[name]` when it is set to something, else the fallback: an empty variable moves nothing. */
export function envOr(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  return env[name] || fallback;
}
