import { decodeText, editFile } from '../fs';
import type { EditResult } from './edit';
import type { PlanDocument } from './model';
import { parsePlan } from './parse';
import { applyEdits } from './text';

/** A plan edit that was refused: the message says why, and the file is as it was. */
export class PlanEditError extends Error {
  override name = 'PlanEditError';

  constructor(
    message: string,
    /** True when the message names the file itself (else the caller says which file). */
    readonly namesFile: boolean,
  ) {
    super(message);
  }
}

/**
 * Edits a plan file on disk (the CLI, the agent's plan tools, MCP, the hub): under the file's
 * lock, the plan is read and parsed again and the change computed on what is on disk now, so
 * twenty concurrent status changes of one plan all land. A file that is not valid UTF-8 is never
 * written (its text is lossy), and a link is edited through: the target changes, the link stays.
 * Resolves with the document the change was computed on, and whether the file changed. `name` is
 * the file as the caller's reader knows it (relative to the workspace, or to the CLI's folder).
 */
export async function editPlanOnDisk(file: string, change: (doc: PlanDocument) => EditResult, name = file): Promise<{ doc: PlanDocument; changed: boolean }> {
  let doc: PlanDocument | undefined;
  const changed = await editFile(file, (bytes) => {
    if (bytes === null) throw new PlanEditError(`${name}: no such file`, true);
    const { text, exact } = decodeText(bytes);
    if (!exact) throw new PlanEditError(`${name} is not valid UTF-8; Plumbline reads it but will not edit it (an edit would change the bytes it cannot read)`, true);
    doc = parsePlan(file, text);
    const result = change(doc);
    if (!result.ok) throw new PlanEditError(result.error, false);
    return result.edits.length ? applyEdits(text, result.edits) : undefined;
  });
  return { doc: doc!, changed };
}
