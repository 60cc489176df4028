import type { ParseArgsConfig } from 'node:util';

/** Thrown for a mistake in how the CLI was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Thrown for a failure the user can act on (missing file, bad input): one line, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

export type CliOptions = NonNullable<ParseArgsConfig['options']>;

/** What a command gets: its parsed options and positionals, and where to write. */
export interface CommandContext {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Where a command reads its input (`hook` reads the harness's payload). */
  stdin: NodeJS.ReadableStream;
  cwd: string;
}

/** One `plumbline <name>` command. Each capability adds its commands to commands.ts. */
export interface Command {
  name: string;
  /** One line for the command list in `plumbline --help`. */
  summary: string;
  /** The synopsis, e.g. `plans [paths...] [--json]`. */
  usage: string;
  options: CliOptions;
  /** Resolves to the process exit code. */
  run(ctx: CommandContext): Promise<number>;
}
