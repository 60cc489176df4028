import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findMarkdownFiles, planFilter, readPlanFile, type PlanFilter } from './files';
import type { PlanDocument } from './model';
import { parsePlan } from './parse';
import { PlanIndex } from './planIndex';

/** A markdown file is a plan when the include globs name it or it has a task or a checkbox. */
export function isPlan(doc: PlanDocument, relative: string, filter: PlanFilter): boolean {
  return doc.tasks.length > 0 || doc.checkboxes.length > 0 || filter.isIncluded(relative);
}

/** Reads and parses one file; a file that is not valid UTF-8 gets a problem saying it is read-only. */
export async function readPlanDocument(file: string): Promise<{ doc: PlanDocument; editable: boolean }> {
  const { text, editable } = await readPlanFile(file);
  const doc = parsePlan(file, text);
  if (!editable) {
    doc.problems.push({
      code: 'unreadable',
      severity: 'warning',
      line: 0,
      taskId: null,
      message: 'this file is not valid UTF-8: Plumbline reads it but will not edit it (an edit would change the bytes it cannot read)',
    });
  }
  return { doc, editable };
}

/**
 * Builds an index from explicit files (every one read as a plan) or from a folder (markdown
 * files that are plans: see isPlan). Files that cannot be read
 * are returned with the reason, never thrown.
 */
export async function loadPlans(
  paths: readonly string[],
  cwd: string,
  filter: PlanFilter = planFilter(),
  index: PlanIndex = new PlanIndex(),
): Promise<{ index: PlanIndex; files: string[]; failures: { file: string; error: string }[]; readOnly: Set<string> }> {
  const files: string[] = [];
  const failures: { file: string; error: string }[] = [];
  const readOnly = new Set<string>();
  const targets = paths.length ? paths : ['.'];
  for (const target of targets) {
    const full = path.resolve(cwd, target);
    let candidates: { file: string; explicit: boolean }[];
    try {
      const info = await stat(full);
      candidates = info.isDirectory()
        ? (await findMarkdownFiles(full, filter)).map((file) => ({ file, explicit: false }))
        : [{ file: full, explicit: true }];
    } catch (err) {
      failures.push({ file: target, error: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : String(err) });
      continue;
    }
    // Reads run ahead of parsing (a few at a time), so the disk and the parser overlap.
    const reads = new Map<number, Promise<Awaited<ReturnType<typeof readPlanDocument>>>>();
    const readAhead = (i: number) => {
      if (i < candidates.length && !reads.has(i)) reads.set(i, readPlanDocument(candidates[i].file));
    };
    for (let i = 0; i < candidates.length; i++) {
      for (let ahead = i; ahead < i + 8; ahead++) readAhead(ahead);
      const { file, explicit } = candidates[i];
      const read = reads.get(i)!;
      reads.delete(i);
      read.catch(() => undefined); // handled below; avoids an unhandled rejection while waiting
      try {
        const { doc, editable } = await read;
        const relative = path.relative(full, file).split(path.sep).join('/');
        if (!explicit && !isPlan(doc, relative, filter)) continue;
        if (!editable) readOnly.add(file);
        index.set(doc);
        files.push(file);
      } catch (err) {
        failures.push({ file, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { index, files, failures, readOnly };
}
