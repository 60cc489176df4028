import { frontMatterLines, namesTask, planFormats, sectionNumberOf, statusReader, type PlanSource } from './formats';
import { sameTitle } from './formats/titles';
import { mirrorDisagrees, type Dialect, type Mirror, type PlanDocument, type PlanTask, type Problem } from './model';
import { readStructure, type Heading } from './structure';
import { splitLines } from './text';
import { statusSymbolAt } from './words';

/**
 * Reads one plan file in every format of the registry (`formats/index.ts`). Never throws: what
 * it cannot read becomes a problem of code `unreadable`, and the rest of the file is still read.
 */
export function parsePlan(file: string, text: string): PlanDocument {
  try {
    return parseOrThrow(file, text);
  } catch (err) {
    // A parser bug must not take the tracker down with it: report it on the file instead.
    return {
      file,
      text,
      dialects: [],
      tasks: [],
      todoLines: [],
      mirrors: [],
      sections: [],
      checkboxes: [],
      problems: [
        {
          code: 'unreadable',
          severity: 'error',
          line: 0,
          taskId: null,
          message: `Plumbline could not read this file: ${err instanceof Error ? err.message : String(err)}`,
        },
      ],
    };
  }
}

function parseOrThrow(file: string, text: string): PlanDocument {
  const source = readSource(text);
  for (const format of planFormats) {
    if (!format.recognize(source)) continue;
    for (const task of format.read(source)) {
      source.tasks.push(task);
      source.taken.add(task.line);
    }
  }
  const tasks = [...source.tasks].sort((a, b) => a.line - b.line);
  resolveParents(source, tasks);
  const { kept, mirrors } = findMirrors(source, tasks);
  const dialects = [...new Set<Dialect>(kept.map((t) => t.dialect))];
  const sections = numberedSections(source);
  return { file, text, dialects, tasks: kept, todoLines: source.todoLines, mirrors, sections, checkboxes: source.checkboxes, problems: source.problems };
}

/** Splits the text, reads its block structure and its legend: what every format reads from. */
function readSource(text: string): PlanSource & { tasks: PlanTask[]; taken: Set<number> } {
  const lines = splitLines(text);
  // A BOM is part of the text (edits keep it) but not of the first line's markdown.
  const bom = text.startsWith('\uFEFF');
  if (bom) lines[0] = { ...lines[0], text: lines[0].text.slice(1), start: 1 };
  const problems: Problem[] = [];
  if (text.includes('\u0000')) {
    problems.push({
      code: 'unreadable',
      severity: 'warning',
      line: lines.findIndex((l) => l.text.includes('\u0000')),
      taskId: null,
      message: 'the file contains binary data (NUL bytes); tasks around it may be missed',
    });
  }
  const frontMatter = frontMatterLines(lines);
  // markdown-it gets the text without the BOM and with empty lines in place of the front matter
  // (an unclosed fence in a YAML string must not hide the body): the same lines, so its line
  // numbers match ours.
  const bodyStart = frontMatter ? frontMatter.close + 1 : 0;
  const markdown = bodyStart > 0 ? '\n'.repeat(bodyStart) + text.slice(lines[bodyStart]?.start ?? text.length) : bom ? ` ${text.slice(1)}` : text;
  const structure = readStructure(markdown, lines);
  if (structure.unclosedFence !== null) {
    problems.push({
      code: 'unreadable',
      severity: 'info',
      line: structure.unclosedFence,
      taskId: null,
      message: 'this code fence is never closed: everything after it is read as code, not as tasks',
    });
  }
  const { legend, status } = statusReader(text, lines);
  const sectionTasks: PlanTask[] = [];
  let owners: (PlanTask | undefined)[] | undefined;
  let ownersFor = -1;
  return {
    text,
    lines,
    structure,
    frontMatter,
    sectionEnds: sectionEnds(structure.headings, lines.length),
    tasks: [],
    taken: new Set(),
    sectionTasks,
    sectionOwner(line) {
      if (ownersFor !== sectionTasks.length) {
        owners = ownerByLine(sectionTasks, lines.length);
        ownersFor = sectionTasks.length;
      }
      return owners![line];
    },
    checkboxes: [],
    todoLines: [],
    problems,
    status,
    statusSymbol: (token) => statusSymbolAt(token) ?? (legend.has(token.replace(/\uFE0F/g, '')) ? token : undefined),
  };
}

/**
 * Parents: a header-block's ParentTask names its parent by title (pointed at the id when the
 * file has the task); a task with none inside a section task's body (a #### task under a ###
 * task, a table under a phase) belongs to it.
 */
function resolveParents(source: PlanSource, tasks: PlanTask[]): void {
  let ids: Set<string> | undefined;
  let idByTitle: Map<string, string> | undefined;
  for (const task of tasks) {
    if (task.parent && !(ids ??= new Set(tasks.map((t) => t.id))).has(task.parent)) {
      if (!idByTitle) {
        idByTitle = new Map();
        for (const t of tasks) if (!idByTitle.has(t.title)) idByTitle.set(t.title, t.id);
      }
      task.parent = idByTitle.get(task.parent) ?? task.parent;
    }
    if (task.parent === null && source.sectionTasks.length) task.parent = source.sectionOwner(task.line)?.id ?? null;
  }
}

/**
 * A task written twice in one file (a `### Task 1.1:` heading with its fields and a table row
 * or an overview checkbox of the same id, or a checkbox `Task 3: …` naming it, under the same
 * title) is one task: the heading task, whose body has the details, with the restatement as its
 * mirror. A mirror that says another status is a `todo-mismatch`.
 */
function findMirrors(source: PlanSource, tasks: PlanTask[]): { kept: PlanTask[]; mirrors: Mirror[] } {
  if (!source.sectionTasks.length) return { kept: tasks, mirrors: [] };
  const sections = new Map<string, PlanTask>();
  for (const task of source.sectionTasks) if (!sections.has(task.id)) sections.set(task.id, task);
  const mirrors: Mirror[] = [];
  const kept = tasks.filter((task) => {
    if (sections.get(task.id) === task || !restatingDialects.has(task.dialect)) return true;
    const named = task.dialect === 'checklist' ? namesTask.exec(task.title)?.[1] : undefined;
    const original = sections.get(task.id) ?? (named !== undefined ? sections.get(named) : undefined);
    if (!original || !sameTitle(original.title, task.title.replace(namesTask, '').replace(/^[\s:.\-–—]+/, ''))) return true;
    mirrors.push({ of: original.id, task });
    if (mirrorDisagrees(task, original.status) && task.status !== 'unknown' && original.status !== 'unknown') {
      source.problems.push({
        code: 'todo-mismatch',
        severity: 'warning',
        line: task.line,
        taskId: original.id,
        message: `this line restates task "${original.id}" (${original.status}) but says ${task.status}`,
      });
    }
    return false;
  });
  return { kept, mirrors };
}

const restatingDialects = new Set<Dialect>(['checklist', 'table', 'emoji-list', 'status-list']);

/** The numbers of the headings that number a section and are no task (`Phase 2: …`, `3. Reporting`). */
function numberedSections(source: PlanSource): string[] {
  const numbers: string[] = [];
  for (const heading of source.structure.headings) {
    if (source.taken.has(heading.line)) continue;
    const number = sectionNumberOf(heading);
    if (number !== null) numbers.push(number);
  }
  return numbers;
}

/**
 * The last line of each heading's section (up to the next heading of the same or a higher
 * level), keyed by the heading's line: one pass with a stack.
 */
function sectionEnds(headings: readonly Heading[], lineCount: number): Map<number, number> {
  const ends = new Map<number, number>();
  const open: Heading[] = [];
  for (const heading of headings) {
    while (open.length && open[open.length - 1].level >= heading.level) ends.set(open.pop()!.line, heading.line - 1);
    open.push(heading);
  }
  for (const heading of open) ends.set(heading.line, lineCount - 1);
  for (const [line, end] of ends) ends.set(line, Math.max(end, line));
  return ends;
}

/** For each line, the innermost section task whose section (below its heading) holds it. */
function ownerByLine(tasks: readonly PlanTask[], lineCount: number): (PlanTask | undefined)[] {
  const owners = new Array<PlanTask | undefined>(lineCount);
  // In document order, a nested task overwrites its parent on its own lines.
  for (const task of [...tasks].sort((a, b) => a.startLine - b.startLine)) {
    for (let line = task.startLine + 1; line <= task.endLine && line < lineCount; line++) owners[line] = task;
  }
  return owners;
}
