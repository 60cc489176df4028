import type { Violation } from '../../guard';
import type { PlanAccess } from '../plans';
import type { Workspace } from '../workspace';
import { checkEditTool } from './checkEdit';
import { getTaskTool, listPlansTool, nextTaskTool, setTaskStatusTool, toggleDeliverableTool } from './plan';
import type { Tool, ToolContext } from './tool';

/**
 * The tools Plumbline serves to agents that are not its own: over MCP (`plumbline mcp`) and as
 * VS Code language model tools (Copilot's agent and any chat participant). The same objects the
 * engine's agent runs, with the same names, descriptions and zod schemas.
 */
export const servedTools: readonly Tool[] = [listPlansTool, getTaskTool, nextTaskTool, setTaskStatusTool, toggleDeliverableTool, checkEditTool];

/** The served tools that change nothing. */
export const readOnlyTools: ReadonlySet<string> = new Set([listPlansTool.name, getTaskTool.name, nextTaskTool.name, checkEditTool.name]);

export interface ServedContext {
  workspace: Workspace;
  plans: PlanAccess;
  guard(relativePath: string, before: string, after: string, language?: string): Promise<Violation[]>;
  signal: AbortSignal;
  /** Where the tools are served, for the errors of what is not (e.g. "over MCP"). */
  where: string;
}

/**
 * What a served tool gets: the workspace (confinement, links resolved), the plans and the guard;
 * nothing of an agent run. Nobody can approve through it, so a plan edit on a protected path is
 * refused; plan edits themselves are what these clients are for.
 */
export function servedToolContext({ workspace, plans, guard, signal, where }: ServedContext): ToolContext {
  const unavailable = (what: string) => () => {
    throw new Error(`${what} is not available ${where}`);
  };
  return {
    workspace,
    plans,
    guard,
    checkpoint: unavailable('checkpointing'),
    approve: async () => false,
    ask: unavailable('asking the user'),
    exec: unavailable('running commands'),
    hasUnsavedChanges: unavailable('checking unsaved changes'),
    autoApproveEdits: true,
    allowedCommands: [],
    signal,
  };
}
