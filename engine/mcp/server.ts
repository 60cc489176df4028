import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { filePlanAccess, type PlanAccess } from '../agent/plans';
import { checkEditMaxLanguageChars, checkEditMaxPathChars, checkEditMaxTextChars, checkEditTool, executeTool, readOnlyTools, servedToolContext, servedTools } from '../agent/tools';
import { setTaskStatusTool } from '../agent/tools/plan';
import { Workspace } from '../agent/workspace';
import { Guard, knownLanguage, languageOfFile } from '../guard';
import { ViolationJson } from '../protocol/violations';
import { version } from '../version';

export { checkEditMaxLanguageChars, checkEditMaxPathChars, checkEditMaxTextChars } from '../agent/tools';

export interface McpServerOptions {
  /** Where the plan tools read and write plans (default: the files under the root, as the CLI does). */
  plans?: PlanAccess;
}

/**
 * The largest message `plumbline mcp` reads: one line of newline-delimited JSON-RPC, without its
 * newline. A longer line is answered with an error and discarded as it arrives, so a client
 * cannot make the server hold more than this in memory for one message.
 */
export const maxMessageBytes = 64 * 1024 * 1024;

/** JSON's longest form of one UTF-16 code unit (zod counts those) is an escape such as `\u0001`. */
const maxJsonBytesPerChar = 6;
/** Room for everything in a check_edit call besides the four arguments: the JSON-RPC envelope, the id, `_meta`. */
const envelopeBytes = 1024 * 1024;

/** The bytes a check_edit call with every argument at its maximum can take, fully escaped. */
const checkEditMaxMessageBytes =
  maxJsonBytesPerChar * (2 * checkEditMaxTextChars + checkEditMaxPathChars + checkEditMaxLanguageChars) + envelopeBytes;
// Raising a field maximum (or lowering the message limit) must not advertise calls the server
// then refuses as oversize: fail at load, where every test and every start notices.
if (checkEditMaxMessageBytes > maxMessageBytes) {
  throw new Error(`check_edit's argument limits need ${checkEditMaxMessageBytes} bytes, over the message limit of ${maxMessageBytes}`);
}

const CheckEditResult = z.object({ violations: z.array(ViolationJson) });

/**
 * `plumbline mcp`: the workspace's plans and the edit guard for any MCP client (SPEC §6's
 * agents outside VS Code, without the hub). Plan tools are the agent's tools run through
 * `executeTool`, so an MCP client gets the answers and the one-line errors a Plumbline agent
 * gets; a bad call is an `isError` result and the server goes on serving.
 */
export function createMcpServer(root: string, options: McpServerOptions = {}): McpServer {
  const absoluteRoot = path.resolve(root);
  const workspace = new Workspace(absoluteRoot);
  const plans = options.plans ?? filePlanAccess(workspace);
  const guard = new Guard(); // one per server: it caches parsers
  const server = new McpServer(
    { name: 'plumbline', version },
    {
      instructions:
        'Plumbline keeps the markdown plans of this workspace true and checks edits for dropped code. ' +
        'Use next_task to pick work, set_task_status and toggle_deliverable to record progress, ' +
        'and check_edit on a file\'s new content before writing it.',
    },
  );

  const context = (signal: AbortSignal) =>
    servedToolContext({
      workspace,
      plans,
      guard: async (file, before, after, language) => guard.checkEdit(before, after, language === undefined ? languageOfFile(file) : knownLanguage(language)),
      signal,
      where: 'over MCP',
    });
  for (const tool of servedTools) {
    const annotations: ToolAnnotations = readOnlyTools.has(tool.name)
      ? { readOnlyHint: true }
      : { readOnlyHint: false, destructiveHint: false, idempotentHint: tool.name === setTaskStatusTool.name };
    const outputSchema = tool === checkEditTool ? CheckEditResult : undefined;
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.schema, outputSchema, annotations }, async (args, extra) => {
      const call = { id: String(extra.requestId), name: tool.name, arguments: JSON.stringify(args ?? {}) };
      const result = await executeTool(servedTools, call, context(extra.signal));
      return {
        content: [{ type: 'text', text: result.content }],
        ...(result.isError ? { isError: true } : {}),
        ...(result.structured && !result.isError ? { structuredContent: result.structured } : {}),
      };
    });
  }

  return server;
}
