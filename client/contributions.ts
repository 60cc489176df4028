import { servedTools, toolSpec, type Tool } from '../engine/agent/tools';
import { SettableStatus } from '../engine/protocol/plans';

/**
 * What package.json contributes that the code also names, kept in one place without `vscode`
 * so a unit test can hold the static JSON to it. The `languageModelTools` contribution is made
 * from the served tools themselves (name, description, JSON schema from the zod schema): VS Code
 * reads it before the extension runs, so it must be static; `npx tsx scripts/syncManifest.ts`
 * writes it.
 */
export interface ToolContribution {
  name: string;
  displayName: string;
  toolReferenceName: string;
  canBeReferencedInPrompt: boolean;
  modelDescription: string;
  userDescription: string;
  tags: string[];
  inputSchema: Record<string, unknown>;
}

/** What a person reads in the tools picker, per served tool (the model reads the engine's description). */
const shown: Record<string, { displayName: string; userDescription: string }> = {
  list_plans: { displayName: 'List Plans', userDescription: "The workspace's plan files and their tasks" },
  get_task: { displayName: 'Get Task', userDescription: 'One task of a plan, with its deliverables' },
  next_task: { displayName: 'Next Task', userDescription: 'The highest-priority task that is ready' },
  set_task_status: { displayName: 'Set Task Status', userDescription: `Set a task to ${SettableStatus.options.join(', ')} in its plan file` },
  toggle_deliverable: { displayName: 'Toggle Deliverable', userDescription: 'Tick or untick a checkbox of a plan' },
  check_edit: { displayName: 'Check Edit', userDescription: 'Check a file edit for dropped code, stubs and broken syntax before it is written' },
};

/** The id package.json contributes under `mcpServerDefinitionProviders`. */
export const mcpProviderId = 'plumbline.mcp';

/** VS Code's name of a served tool: unique across extensions. */
export function lmToolName(tool: Tool): string {
  return `plumbline_${tool.name}`;
}

export function lmToolContributions(): ToolContribution[] {
  return servedTools.map((tool) => {
    const labels = shown[tool.name];
    if (!labels) throw new Error(`the served tool ${tool.name} has no display name in client/contributions.ts`);
    return {
      name: lmToolName(tool),
      displayName: labels.displayName,
      toolReferenceName: `plumbline-${tool.name.replace(/_/g, '-')}`,
      canBeReferencedInPrompt: true,
      modelDescription: tool.description,
      userDescription: labels.userDescription,
      tags: ['plumbline', 'plans'],
      inputSchema: toolSpec(tool).parameters,
    };
  });
}

/**
 * What VS Code asks the person before a served tool changes a plan (the tool's prepared
 * invocation), from the tool's input; undefined for the tools that change nothing.
 */
export function confirmationOf(tool: string, input: Record<string, unknown>): { title: string; message: string } | undefined {
  if (tool === 'set_task_status') return { title: 'Set the task status?', message: `Set **${String(input.id)}** in \`${String(input.file)}\` to **${String(input.status)}**.` };
  if (tool === 'toggle_deliverable') return { title: 'Toggle the checkbox?', message: `Tick or untick the checkbox on line ${String(input.line)} of \`${String(input.file)}\`.` };
  return undefined;
}
