import path from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { filePlanAccess, type PlanAccess } from '../agent/plans';
import { getTaskTool, listPlansTool, nextTaskTool, setTaskStatusTool, toggleDeliverableTool } from '../agent/tools/plan';
import { executeTool, type Tool, type ToolContext } from '../agent/tools/tool';
import { Workspace } from '../agent/workspace';
import { readRegularFile } from '../fs';
import { Guard, knownLanguage, languageOfFile, violationJson } from '../guard';
import { ViolationJson } from '../protocol/violations';
import { version } from '../version';

export interface McpServerOptions {
  /** Where the plan tools read and write plans (default: the files under the root, as the CLI does). */
  plans?: PlanAccess;
}

/** The agent's own plan tools, served as they are: same names, descriptions and argument schemas. */
const planTools: readonly Tool[] = [listPlansTool, getTaskTool, nextTaskTool, setTaskStatusTool, toggleDeliverableTool];
const readOnlyTools = new Set<string>([listPlansTool.name, getTaskTool.name, nextTaskTool.name]);

/**
 * The largest message `plumbline mcp` reads: one line of newline-delimited JSON-RPC, without its
 * newline. A longer line is answered with an error and discarded as it arrives, so a client
 * cannot make the server hold more than this in memory for one message.
 */
export const maxMessageBytes = 64 * 1024 * 1024;

/**
 * The most characters `check_edit` takes in `after`, and in `before`. Both at this length must
 * still fit in one message, even when every character is escaped (see the check below).
 */
export const checkEditMaxTextChars = 5_000_000;
/** Longer than any path a file system takes (Linux's PATH_MAX is 4096). */
export const checkEditMaxPathChars = 4096;
/** VS Code language ids are short words; the bound only keeps the message budget finite. */
export const checkEditMaxLanguageChars = 100;

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

const characters = (count: number) => `${count.toLocaleString('en-US')} characters`;
/** zod's own message ("Too big: expected string to have <=5000000 characters") reads as a schema bug to an agent. */
const tooLong = (max: number) => ({ error: `longer than the limit of ${characters(max)}` });

const CheckEditArgs = z
  .object({
    path: z
      .string()
      .min(1)
      .max(checkEditMaxPathChars, tooLong(checkEditMaxPathChars))
      .describe('The file the edit is for, relative to the workspace. Picks the language; its content on disk is the default "before".'),
    after: z
      .string()
      .max(checkEditMaxTextChars, tooLong(checkEditMaxTextChars))
      .describe(`The whole content of the file after the edit, at most ${characters(checkEditMaxTextChars)}.`),
    before: z
      .string()
      .max(checkEditMaxTextChars, tooLong(checkEditMaxTextChars))
      .optional()
      .describe(`The whole content before the edit, at most ${characters(checkEditMaxTextChars)}. Default: the file on disk (empty when it does not exist yet).`),
    language: z
      .string()
      .min(1)
      .max(checkEditMaxLanguageChars, tooLong(checkEditMaxLanguageChars))
      .optional()
      .describe('A VS Code language id (typescript, python, go, ...) to use instead of the one the file name gives.'),
  })
  .strict();

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

  for (const tool of planTools) {
    const annotations: ToolAnnotations = readOnlyTools.has(tool.name)
      ? { readOnlyHint: true }
      : { readOnlyHint: false, destructiveHint: false, idempotentHint: tool.name === setTaskStatusTool.name };
    server.registerTool(tool.name, { description: tool.description, inputSchema: tool.schema, annotations }, async (args, extra) => {
      const call = { id: String(extra.requestId), name: tool.name, arguments: JSON.stringify(args ?? {}) };
      const result = await executeTool([tool], call, toolContext(workspace, plans, extra.signal));
      return { content: [{ type: 'text', text: result.content }], ...(result.isError ? { isError: true } : {}) };
    });
  }

  server.registerTool(
    'check_edit',
    {
      description:
        'Check an edit of a workspace file before it is written: placeholder comments standing for dropped code, ' +
        'new stubs, broken syntax. Writes nothing. Answers the findings with 1-based lines in the new text.',
      inputSchema: CheckEditArgs,
      outputSchema: CheckEditResult,
      annotations: { readOnlyHint: true },
    },
    async ({ path: requested, after, before, language }): Promise<CallToolResult> => {
      try {
        const target = await workspace.resolve(requested);
        const old = before ?? (await currentContent(target.absolute, target.relative));
        const found = await guard.checkEdit(old, after, language === undefined ? languageOfFile(target.relative) : knownLanguage(language));
        const violations = found.map(violationJson);
        const text = violations.length
          ? violations.map((v) => `${target.relative}:${v.line}: ${v.severity}: ${v.message} (${v.kind})`).join('\n')
          : 'no violations';
        return { content: [{ type: 'text', text }], structuredContent: { violations } };
      } catch (err) {
        return { isError: true, content: [{ type: 'text', text: `check_edit failed: ${(err as Error).message}` }] };
      }
    },
  );

  return server;
}

/**
 * What the plan tools get from the server. Plan tools use only the workspace (confinement,
 * symlinks resolved) and the plans; the rest belongs to agent runs and is not served over MCP.
 */
function toolContext(workspace: Workspace, plans: PlanAccess, signal: AbortSignal): ToolContext {
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available over MCP`);
  };
  return {
    workspace,
    plans,
    guard: unavailable('guarding an agent write'),
    checkpoint: unavailable('checkpointing'),
    // Nobody can approve over MCP: a plan edit that needs approval (a protected path) is refused.
    approve: async () => false,
    ask: unavailable('asking the user'),
    exec: unavailable('running commands'),
    hasUnsavedChanges: unavailable('checking unsaved changes'),
    // Plan edits are what an MCP client is for; they follow the workspace's protected paths.
    autoApproveEdits: true,
    allowedCommands: [],
    signal,
  };
}

/** The file's content on disk: the "before" of an edit; a file that does not exist yet is empty. */
async function currentContent(absolute: string, relative: string): Promise<string> {
  try {
    return (await readRegularFile(absolute)).toString('utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    if (code === 'EISDIR') throw new Error(`${relative} is a folder, not a file`);
    throw new Error(`cannot read ${relative}: ${(err as Error).message}`);
  }
}
