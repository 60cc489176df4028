import { decodeText, editFile } from '../fs';
import type { EditResult } from './edit';
import type { PlanDocument } from './model';
import { parsePlan } from './parse';
import { applyEdits } from './text';

/** A plan edit that was refused: the message says why, and the file is as it was. */
export class PlanEditError extends Error {
  override name = 'PlanEditError';
}

/**
 * Edits a plan file on disk (the CLI, the agent's plan tools, MCP, the hub): under the file's
 * lock, the plan is read and parsed again and the change computed on what is on disk now, so
 * twenty concurrent status changes of one plan all land. A file that is not valid UTF-8 is never
 * written (its text is lossy), and a link is edited through: the target changes, the link stays.
 * Resolves with the document the change was computed on, and whether the file changed.
 */
export async function editPlanOnDisk(file: string, change: (doc: PlanDocument) => EditResult): Promise<{ doc: PlanDocument; changed: boolean }> {
  let doc: PlanDocument | undefined;
  const changed = await editFile(file, (bytes) => {
    if (bytes === null) throw new PlanEditError(`${file}: no such file`);
    const { text, exact } = decodeText(bytes);
    if (!exact) throw new PlanEditError(`${file} is not valid UTF-8; Plumbline reads it but will not edit it (an edit would change the bytes it cannot read)`);
    doc = parsePlan(file, text);
    const result = change(doc);
    if (!result.ok) throw new PlanEditError(result.error);
    return result.edits.length ? applyEdits(text, result.edits) : undefined;
  });
  return { doc: doc!, changed };
}
