import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findMarkdownFiles, planFilter, readPlanFile, type PlanFileText, type PlanFilter } from './files';
import type { PlanDocument } from './model';
import { parsePlan } from './parse';
import { PlanIndex } from './planIndex';

/**
 * How long parsing may run before it lets the event loop turn: short, because the language
 * server's connection writes one message per turn, so a long turn holds back every answer
 * queued behind the scan's diagnostics.
 */
const sliceMs = 4;

/** A markdown file is a plan when the include globs name it or it has a task or a checkbox. */
export function isPlan(doc: PlanDocument, relative: string, filter: PlanFilter): boolean {
  return doc.tasks.length > 0 || doc.checkboxes.length > 0 || filter.isIncluded(relative);
}

/** Reads and parses one file; a file that is not valid UTF-8 gets a problem saying it is read-only. */
export async function readPlanDocument(file: string): Promise<{ doc: PlanDocument; editable: boolean }> {
  return planDocument(file, await readPlanFile(file));
}

function planDocument(file: string, { text, editable }: PlanFileText): { doc: PlanDocument; editable: boolean } {
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

/** How a caller that keeps its own index takes part in a load (the language server). */
export interface LoadOptions {
  filter?: PlanFilter;
  /** The index to fill in place; a new one by default. */
  index?: PlanIndex;
  /**
   * Files whose entry in the index stands (a file open in an editor, whose text there wins over
   * the disk): among the files returned when that entry is a plan, never replaced.
   */
  keep?: (file: string) => boolean;
  /** Each plan as it is put in the index, for a caller that shows the plans while the rest are read. */
  onPlan?: (doc: PlanDocument) => void;
}

/**
 * Builds an index from explicit files (every one read as a plan) or from a folder (markdown
 * files that are plans: see isPlan). Files that cannot be read
 * are returned with the reason, never thrown.
 */
export async function loadPlans(
  paths: readonly string[],
  cwd: string,
  { filter = planFilter(), index = new PlanIndex(), keep, onPlan }: LoadOptions = {},
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
    const reads = new Map<number, Promise<PlanFileText>>();
    const readAhead = (i: number) => {
      if (i < candidates.length && !reads.has(i)) reads.set(i, readPlanFile(candidates[i].file));
    };
    let slice = performance.now();
    for (let i = 0; i < candidates.length; i++) {
      for (let ahead = i; ahead < i + 8; ahead++) readAhead(ahead);
      const { file, explicit } = candidates[i];
      const read = reads.get(i)!;
      reads.delete(i);
      read.catch(() => undefined); // handled below; avoids an unhandled rejection while waiting
      try {
        // Parsed here rather than as each read lands, where several could run back to back: a
        // caller that serves requests meanwhile (the language server) gets its turn every slice.
        const { doc, editable } = planDocument(file, await read);
        if (performance.now() - slice > sliceMs) {
          await new Promise((resolve) => setImmediate(resolve));
          slice = performance.now();
        }
        const relative = path.relative(full, file).split(path.sep).join('/');
        // Asked as each file is put in, not before the reads: an editor may open it meanwhile.
        if (keep?.(file)) {
          if (index.get(file)) files.push(file);
          continue;
        }
        if (!explicit && !isPlan(doc, relative, filter)) continue;
        if (!editable) readOnly.add(file);
        index.set(doc);
        files.push(file);
        onPlan?.(doc);
      } catch (err) {
        failures.push({ file, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }
  return { index, files, failures, readOnly };
}
