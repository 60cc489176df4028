import { z } from 'zod';
import { SettableStatus } from '../../protocol/plans';
import { defineTool, type ToolContext, type ToolResult } from './tool';
import { refuseUnapprovedWrite } from './writeApproval';

/** A plan edit obeys the rules of any other write; a plan folder such as .cursor/plans is writable as plans. */
async function refusePlanEdit(ctx: ToolContext, file: string): Promise<ToolResult | undefined> {
  return refuseUnapprovedWrite(ctx, await ctx.workspace.resolve(file), 'plan');
}

const json = (value: unknown) => JSON.stringify(value, null, 1);

export const listPlansTool = defineTool({
  name: 'list_plans',
  description: 'List the plan files of the workspace with their tasks (id, title, status, priority, dependencies).',
  schema: z.object({}).strict(),
  async run(_args, ctx) {
    const plans = await ctx.plans.list();
    return { content: plans.length ? json(plans.map((p) => ({ file: p.file, tasks: p.tasks.map(({ deliverables, ...t }) => ({ ...t, deliverables: deliverables.length })) }))) : 'No plan files.' };
  },
});

export const getTaskTool = defineTool({
  name: 'get_task',
  description: 'One task of a plan file, with its deliverables (checkbox lines).',
  schema: z.object({ file: z.string().min(1), id: z.string().min(1) }).strict(),
  async run({ file, id }, ctx) {
    await ctx.workspace.resolve(file);
    const task = await ctx.plans.get(file, id);
    return task ? { content: json(task) } : { isError: true, content: `No task "${id}" in ${file}.` };
  },
});

export const setTaskStatusTool = defineTool({
  name: 'set_task_status',
  description: `Set a task's status in its plan file (${SettableStatus.options.join(', ')}).`,
  schema: z.object({ file: z.string().min(1), id: z.string().min(1), status: SettableStatus }).strict(),
  async run({ file, id, status }, ctx) {
    const refused = await refusePlanEdit(ctx, file);
    if (refused) return refused;
    await ctx.plans.setStatus(file, id, status);
    return { content: `Task ${id} in ${file} is now ${status}.` };
  },
});

export const toggleDeliverableTool = defineTool({
  name: 'toggle_deliverable',
  description: 'Tick or untick the checkbox on a line (1-based) of a plan file.',
  schema: z.object({ file: z.string().min(1), line: z.number().int().min(1) }).strict(),
  async run({ file, line }, ctx) {
    const refused = await refusePlanEdit(ctx, file);
    if (refused) return refused;
    await ctx.plans.toggle(file, line);
    return { content: `Toggled the checkbox on line ${line} of ${file}.` };
  },
});

export const nextTaskTool = defineTool({
  name: 'next_task',
  description: 'The task to work on next: the highest-priority open task whose dependencies are done.',
  schema: z.object({}).strict(),
  async run(_args, ctx) {
    const task = await ctx.plans.next();
    return { content: task ? json(task) : 'No task is ready.' };
  },
});
