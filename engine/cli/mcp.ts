import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import { format } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createMcpServer } from '../mcp/server';
import { CliError, UsageError, type Command } from './command';

/** `plumbline mcp [--workspace DIR]`: the plan tools and the edit check as an MCP server over stdio. */
export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'serve the plans and the edit check to an MCP client over stdio (list_plans, get_task, next_task, set_task_status, toggle_deliverable, check_edit)',
  usage: [
    'mcp [--workspace DIR]',
    '',
    '  DIR defaults to the current directory. stdout carries the MCP protocol; messages go to stderr.',
    '  The server runs until the client closes its stdin.',
  ].join('\n'),
  options: { workspace: { type: 'string' } },
  async run(ctx) {
    if (ctx.positionals.length) throw new UsageError(`unexpected argument "${ctx.positionals[0]}"`);
    const root = path.resolve(ctx.cwd, (ctx.values.workspace as string | undefined) ?? '.');
    const info = await stat(root).catch(() => undefined);
    if (!info?.isDirectory()) throw new CliError(`--workspace ${root} is not a directory`);

    // stdout is the protocol channel: anything a library logs goes to stderr instead.
    const toStderr = (...args: unknown[]) => void ctx.stderr.write(`${format(...args)}\n`);
    console.log = console.info = console.debug = toStderr;

    const server = createMcpServer(root);
    const transport = new StdioServerTransport(process.stdin, ctx.stdout as Writable);
    const closed = new Promise<void>((resolve) => {
      server.server.onclose = resolve;
    });
    server.server.onerror = (err) => ctx.stderr.write(`plumbline mcp: ${err.message.split('\n')[0]}\n`);
    await server.connect(transport);
    // The transport does not notice the client going away; the end of stdin is that signal. A
    // client that pipes its requests and closes stdin still gets every answer: close once none is
    // outstanding.
    const unanswered = new Set<string | number>();
    let ended = false;
    const closeWhenAnswered = () => {
      if (ended && unanswered.size === 0) void server.close();
    };
    const receive = transport.onmessage;
    transport.onmessage = (message) => {
      if ('method' in message && 'id' in message) unanswered.add(message.id);
      receive?.(message);
    };
    const send = transport.send.bind(transport);
    transport.send = async (message) => {
      await send(message);
      if (!('method' in message) && 'id' in message && message.id !== undefined) {
        unanswered.delete(message.id);
        closeWhenAnswered();
      }
    };
    const end = () => {
      ended = true;
      closeWhenAnswered();
    };
    process.stdin.once('end', end).once('close', end);
    ctx.stderr.write(`plumbline mcp: serving ${root} over stdio\n`);
    await closed;
    return 0;
  },
};
