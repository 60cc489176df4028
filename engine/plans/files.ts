import { realpath } from 'node:fs/promises';
import picomatch from 'picomatch';
import { decodeText, readRegularFile, walkConfined } from '../fs';

/**
 * Which files are plans (SPEC §1): the include globs, plus any markdown file in which the
 * parser finds a task (the caller decides that after parsing). Paths are relative to the
 * workspace root, with forward slashes.
 */
export const defaultInclude = ['**/*.plan.md', '**/PLAN*.md', '**/TODO*.md', '**/tasks.md', '.cursor/plans/**'];
export const defaultExclude = ['**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '**/.vscode-test/**'];

export interface PlanFilter {
  /** Matches a workspace-relative path always read as a plan. */
  isIncluded(relative: string): boolean;
  isExcluded(relative: string): boolean;
}

export function planFilter(include = defaultInclude, exclude = defaultExclude): PlanFilter {
  const inc = picomatch(include, { dot: true, nocase: true });
  const exc = picomatch(exclude, { dot: true });
  return { isIncluded: (p) => inc(p), isExcluded: (p) => exc(p) };
}

/**
 * Every markdown file under `root` that is not excluded. Links are followed only to files inside
 * `root` (a plan that is a link is listed under the link's name; editing it edits its target).
 */
export async function findMarkdownFiles(root: string, filter: PlanFilter): Promise<string[]> {
  const found: string[] = [];
  const real = await realpath(root);
  const enter = (relative: string) => !filter.isExcluded(`${relative}/`) && !filter.isExcluded(`${relative}/x`);
  for await (const entry of walkConfined(real, root, { enter })) {
    if (entry.kind === 'file' && /\.(md|markdown)$/i.test(entry.path) && !filter.isExcluded(entry.relative)) found.push(entry.path);
  }
  return found.sort();
}

export interface PlanFileText {
  text: string;
  /** False when the bytes are not valid UTF-8: the text shown is lossy, so it must not be written back. */
  editable: boolean;
}

/** Reads a plan file keeping every byte meaningful: the BOM stays in the text. */
export async function readPlanFile(file: string): Promise<PlanFileText> {
  const { text, exact } = decodeText(await readRegularFile(file));
  return { text, editable: exact };
}
