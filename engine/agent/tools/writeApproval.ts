import { writeApprovalReason } from '../approvals';
import type { ResolvedPath } from '../workspace';
import type { ToolContext, ToolResult } from './tool';

/**
 * Asks for a write's approval when approvals.ts says it needs one (a protected path, or edits
 * that are not auto-approved). Resolves with the refusal to give the model, or undefined when
 * the write may go on.
 */
export async function refuseUnapprovedWrite(ctx: ToolContext, target: ResolvedPath, kind: 'file' | 'plan'): Promise<ToolResult | undefined> {
  const reason = writeApprovalReason(target, ctx.autoApproveEdits, kind);
  if (!reason || (await ctx.approve({ kind: 'edit', path: target.relative, reason }))) return undefined;
  return { isError: true, content: `The edit of ${target.relative} was not approved (${reason}). Do not retry it; ask the user or choose another way.` };
}

/** Whether writing `target` asks the person first (a protected path, or edits not auto-approved). */
export function asksBeforeWriting(ctx: ToolContext, target: ResolvedPath, kind: 'file' | 'plan'): boolean {
  return writeApprovalReason(target, ctx.autoApproveEdits, kind) !== undefined;
}
