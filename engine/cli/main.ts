import { parseArgs } from 'node:util';
import { UsageError, type Command, type CommandContext } from './command';
import { commands } from './commands';
import { version } from '../version';

/**
 * `plumbline` — the engine without VS Code. Exit codes: 0 success, 1 failure (or, for checking
 * commands, findings), 2 the command line itself was wrong. Errors are one line on stderr,
 * never a stack trace.
 */
export async function main(
  argv: string[],
  given: Partial<Pick<CommandContext, 'stdout' | 'stderr' | 'stdin' | 'cwd'>> = {},
): Promise<number> {
  const io = { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, cwd: process.cwd(), ...given };
  try {
    return await runCli(argv, io);
  } catch (err) {
    // By name, not instanceof: a command built as a bundle of its own (hook) has its own copy of the classes.
    const [name, message] = err instanceof Error ? [err.name, err.message] : ['', String(err)];
    if (name === 'UsageError') {
      io.stderr.write(`plumbline: ${message} (see plumbline --help)\n`);
      return 2;
    }
    if (name === 'CliError') {
      io.stderr.write(`plumbline: ${message}\n`);
      return 1;
    }
    io.stderr.write(`plumbline: internal error: ${message.split('\n')[0]}\n`);
    return 1;
  }
}

async function runCli(argv: string[], io: Pick<CommandContext, 'stdout' | 'stderr' | 'stdin' | 'cwd'>): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    io.stdout.write(topic ? commandHelp(findCommand(topic)) : generalHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`plumbline ${version}\n`);
    return 0;
  }
  if (first.startsWith('-')) throw new UsageError(`unknown option "${first}"`);

  const command = findCommand(first);
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  const { values, positionals } = parseCommandArgs(command, rest);
  return command.run({ values, positionals, ...io });
}

function findCommand(name: string): Command {
  const command = commands.find((c) => c.name === name);
  if (!command) throw new UsageError(`unknown command "${name}"`);
  return command;
}

function parseCommandArgs(command: Command, args: string[]): Pick<CommandContext, 'values' | 'positionals'> {
  try {
    return parseArgs({ args, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    // node:util's messages are long and mention internals ("To specify a positional argument...");
    // the first sentence is the useful part.
    const message = err instanceof Error ? err.message.split('. ')[0].replace(/'/g, '"') : String(err);
    throw new UsageError(`${command.name}: ${message}`);
  }
}

function generalHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    `plumbline ${version} — keep markdown plans true, check agents' edits, run agents against the plan`,
    '',
    'Usage: plumbline <command> [options]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Options:',
    '  -h, --help     show help (also: plumbline help <command>)',
    '  -V, --version  print the version',
    '',
    'Exit codes: 0 success, 1 failure or findings, 2 wrong usage.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `Usage: plumbline ${command.usage}\n\n${command.summary}\n`;
}
