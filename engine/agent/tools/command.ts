import { z } from 'zod';
import { commandNeedsApproval } from '../approvals';
import { defineTool } from './tool';

export const runCommandTool = defineTool({
  name: 'run_command',
  description: 'Run a shell command in the workspace (or a folder of it) and get its exit code and output. Commands need the user\'s approval unless allow-listed; allow-listed commands run without asking only at the workspace root.',
  schema: z.object({ command: z.string().min(1).max(10_000), cwd: z.string().default('.'), timeoutSeconds: z.number().int().min(1).max(3600).default(120) }).strict(),
  async run({ command, cwd, timeoutSeconds }, ctx) {
    const folder = await ctx.workspace.resolve(cwd);
    const reason = commandNeedsApproval(command, ctx.allowedCommands, folder.relative);
    if (reason && !(await ctx.approve({ kind: 'command', command, reason }))) {
      return { isError: true, content: `The command was not approved (${reason}). Do not run it again; ask the user or find another way.` };
    }
    const { exitCode, output, timedOut } = await ctx.exec(command, folder.absolute, timeoutSeconds * 1000);
    const status = timedOut ? `timed out after ${timeoutSeconds} s` : `exit code ${exitCode}`;
    return { content: `${status}\n${output}`, isError: timedOut || exitCode !== 0 };
  },
});
