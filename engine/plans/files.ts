import { open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

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

/** Every markdown file under `root` that is not excluded. */
export async function findMarkdownFiles(root: string, filter: PlanFilter): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // unreadable folder: skip it, as an editor's file search does
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const relative = path.relative(root, full).split(path.sep).join('/');
      if (entry.isDirectory()) {
        if (!filter.isExcluded(`${relative}/`) && !filter.isExcluded(`${relative}/x`)) await walk(full);
      } else if (entry.isFile() && /\.(md|markdown)$/i.test(entry.name) && !filter.isExcluded(relative)) {
        found.push(full);
      }
    }
  };
  await walk(root);
  return found.sort();
}

export interface PlanFileText {
  text: string;
  /** False when the bytes are not valid UTF-8: the text shown is lossy, so it must not be written back. */
  editable: boolean;
}

/** Reads a plan file keeping every byte meaningful: the BOM stays in the text. */
export async function readPlanFile(file: string): Promise<PlanFileText> {
  const bytes = await readFile(file);
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes), editable: true };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes), editable: false };
  }
}

/**
 * Replaces a file's content atomically: a temp file in the same folder, flushed, then renamed
 * over the original, so a crash leaves the old or the new file, never a torn one.
 */
export async function writeFileAtomic(file: string, text: string): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const mode = (await stat(file).catch(() => undefined))?.mode;
  const handle = await open(temp, 'w', mode);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
