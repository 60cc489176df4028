import type { Command } from './command';
import { version } from '../version';
import { checkCommand, checkEditCommand } from './guard';
import { hookCommand } from './hook';
import { hubCommand } from './hub';
import { mcpCommand } from './mcp';
import { plansCommand } from './plans';
import { runCommand } from './run';
import { traceCodesCommand } from './traceCodes';

/**
 * Every `plumbline` command, in the order `--help` lists them. Later capabilities (plans, guard,
 * trace codes, agent runs, hub) each add their commands here.
 */
export const commands: readonly Command[] = [
  plansCommand,
  checkEditCommand,
  checkCommand,
  hookCommand,
  traceCodesCommand,
  runCommand,
  hubCommand,
  mcpCommand,
  {
    name: 'version',
    summary: 'print the version of Plumbline',
    usage: 'version [--json]',
    options: { json: { type: 'boolean' } },
    async run({ values, stdout }) {
      stdout.write(values.json ? `${JSON.stringify({ version })}\n` : `plumbline ${version}\n`);
      return 0;
    },
  },
];
