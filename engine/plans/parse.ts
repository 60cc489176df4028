import { parseDependencyList, readFields, type Field } from './fields';
import { readEmojiTasks } from './emojiList';
import { readStoryTask } from './story';
import { readFrontMatter } from './frontMatter';
import { noDeliverables, noMetadata, type Checkbox, type Dialect, type Status, type PlanDocument, type PlanTask, type Problem, type TodoLine } from './model';
import { readStructure, type Heading, type ListItem, type Structure } from './structure';
import { slug } from './slug';
import { readTables, rowsWithoutIds } from './table';
import { splitLines, type Line } from './text';
import { isValidDate, parsePriority, parseStatus } from './words';

/**
 * Reads one plan file in every dialect of SPEC §1. Never throws: what it cannot read becomes a
 * problem of code `unreadable`, and the rest of the file is still read.
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
  const front = readFrontMatter(text, lines);
  problems.push(...front.problems);
  // markdown-it gets the text without the BOM and with empty lines in place of the front matter
  // (an unclosed fence in a YAML string must not hide the body): the same lines, so its line
  // numbers match ours.
  const markdown =
    front.endLine > 0 ? '\n'.repeat(front.endLine) + text.slice(lines[front.endLine]?.start ?? text.length) : bom ? ` ${text.slice(1)}` : text;
  const structure = readStructure(markdown, lines);
  const ends = sectionEnds(structure.headings, lines.length);
  if (structure.unclosedFence !== null) {
    problems.push({
      code: 'unreadable',
      severity: 'info',
      line: structure.unclosedFence,
      taskId: null,
      message: 'this code fence is never closed: everything after it is read as code, not as tasks',
    });
  }

  const tasks: PlanTask[] = [...front.tasks];
  const headingTasks = readHeadingTasks(lines, structure, ends, problems);
  const owners = ownerByLine(headingTasks, lines.length);
  tasks.push(...headingTasks);
  // A To-dos section mirrors heading tasks: it is one only when its boxes name tasks ("Task 12"),
  // never because of its heading alone (a `# TODO` file is a checklist of tasks of its own).
  const todoSections = structure.headings
    .filter((h) => /^to-?dos?\b/i.test(h.text))
    .map((h) => ({ start: h.line, end: ends.get(h.line)! }))
    .filter((s) => structure.items.some((item) => item.box && item.line > s.start && item.line <= s.end && namesTask.test(item.text)));

  const checkboxes: Checkbox[] = [];
  const todoLines: TodoLine[] = [];
  const checklistTasks = new Map<ListItem, PlanTask>();
  const positions = new Map<string, number>();
  let headingIndex = 0;
  for (const item of structure.items) {
    while (headingIndex < structure.headings.length && structure.headings[headingIndex].line < item.line) headingIndex++;
    if (!item.box) continue;
    const box = toCheckbox(item);
    checkboxes.push(box);
    if (!' xX-~/'.includes(box.mark)) {
      problems.push({
        code: 'unknown-status',
        severity: 'info',
        line: item.line,
        taskId: null,
        message: `checkbox "[${box.mark}]" is neither open ([ ]) nor done ([x]); it is kept and counted as open`,
      });
    }
    if (todoSections.some((s) => item.line > s.start && item.line <= s.end)) {
      const m = namesTask.exec(item.text);
      todoLines.push({ line: item.line, taskId: m ? m[1] : null, box });
      continue;
    }
    const owner = owners[item.line];
    if (owner) {
      owner.deliverables.push(box);
      continue;
    }
    // Position among the checkbox siblings under the same parent item in the same section.
    const siblingsKey = `${headingIndex}|${item.parent?.line ?? -1}`;
    const position = (positions.get(siblingsKey) ?? 0) + 1;
    positions.set(siblingsKey, position);
    const section = headingIndex > 0 ? sectionNumberOf(structure.headings[headingIndex - 1]) : null;
    const task = checklistTask(item, box, { position, section, parent: item.parent ? checklistTasks.get(item.parent) : undefined });
    checklistTasks.set(item, task);
    tasks.push(task);
  }
  readChecklistNotes(structure, checklistTasks);
  // A status table without ids that restates tasks read elsewhere in the file (a Cursor plan's
  // todos, heading tasks) is a summary of them: one task each, not two.
  let named: string[] | undefined;
  const tableTasks = readTables(lines, structure.tables, problems).filter((row) => !rowsWithoutIds.has(row) || !restates(row, (named ??= tasks.map((t) => plainTitle(t.title)))));
  for (const task of tableTasks) task.parent ??= owners[task.line]?.id ?? null;
  tasks.push(...tableTasks);
  tasks.push(...readEmojiTasks(lines, structure, new Set(tasks.map((t) => t.line))));
  const story = readStoryTask(lines, structure);
  if (story && !tasks.some((t) => t.line === story.line)) tasks.push(story);
  tasks.sort((a, b) => a.line - b.line);
  // header-block names its parent by title: point it at the task's id when the file has it.
  const ids = new Set(tasks.map((t) => t.id));
  const idByTitle = new Map<string, string>();
  for (const t of tasks) if (!idByTitle.has(t.title)) idByTitle.set(t.title, t.id);
  for (const task of tasks) {
    if (task.parent && !ids.has(task.parent)) task.parent = idByTitle.get(task.parent) ?? task.parent;
  }

  const dialects = [...new Set<Dialect>(tasks.map((t) => t.dialect))];
  return { file, text, dialects, tasks, todoLines, checkboxes, problems };
}

/** A heading followed by field lines with a Status is a task (header-block, task-heading, numbered-section). */
function readHeadingTasks(lines: readonly Line[], structure: Structure, ends: Map<number, number>, problems: Problem[]): PlanTask[] {
  const tasks: PlanTask[] = [];
  for (const [index, heading] of structure.headings.entries()) {
    const paragraph = structure.paragraphAfterHeading.get(heading.line);
    if (!paragraph) continue;
    // Task Master writes one field per paragraph (`**Title:**`, `**Status:**`, …) under `# Task ID: N`:
    // its fields are every paragraph up to the next heading.
    const taskMaster = taskMasterId.test(heading.text);
    const fieldLines = taskMaster ? paragraphLines(structure, heading.line, structure.headings[index + 1]?.line ?? lines.length) : range(paragraph.startLine, paragraph.lastLine);
    const fields: Field[] = [];
    const other: Record<string, string> = {};
    for (const l of fieldLines) {
      for (const field of readFields(lines[l].text, lines[l].start, l)) {
        if (field.key === 'other') other[field.name] = field.value;
        else fields.push(field);
      }
    }
    const get = (key: Field['key']) => fields.find((f) => f.key === key);
    const status = get('status');
    // A heading whose fields carry a Version is the document's own header, not a task; a report
    // section (QA results, a summary, a change log) that says a status reports, it is no task.
    if (status && reportHeading.test(heading.text)) continue;
    if (!status || get('version')) {
      // Only a line that starts as a status field and cannot be read is a problem; prose that mentions a status is prose.
      if (!status && !get('version') && /^[\s>*_-]*status\b/i.test(lines[paragraph.startLine].text)) {
        problems.push({
          code: 'unreadable',
          severity: 'warning',
          line: paragraph.startLine,
          taskId: null,
          message: `a status line that could not be read (expected "**Status**: value" or "Status: value"): ${lines[paragraph.startLine].text.trim().slice(0, 80)}`,
        });
      }
      continue;
    }
    const identity = headingIdentity({ ...heading, text: moveToMetadata(heading.text, other) });
    const { id, dialect } = identity;
    const title = taskMaster ? (other.Title ?? other.title ?? identity.title) : identity.title;
    if (taskMaster) {
      delete other.Title;
      other.format = 'task-master';
    }
    const rawStatus = status.value;
    const statusValue = parseStatus(rawStatus);
    const completedInStatus = /\((\d{4}-\d{2}-\d{2})\)/.exec(rawStatus)?.[1] ?? null;
    const task: PlanTask = {
      id,
      title,
      status: statusValue,
      rawStatus,
      priority: get('priority') ? parsePriority(get('priority')!.value) : null,
      dependencies: get('dependencies') ? parseDependencyList(get('dependencies')!.value) : [],
      dialect,
      line: heading.line,
      startLine: heading.line,
      endLine: ends.get(heading.line)!,
      statusSpan: status.span,
      deliverables: [],
      assignee: get('assignee')?.value ?? null,
      started: get('started')?.value ?? null,
      completed: get('completed')?.value ?? completedInStatus,
      lastUpdated: get('lastUpdated')?.value ?? null,
      effort: get('effort')?.value ?? null,
      parent: null,
      blocker: get('blocker')?.value ?? null,
      metadata: other,
    };
    const parentField = get('parent')?.value;
    if (parentField && !/^(none|n\/a|-)$/i.test(parentField)) task.parent = parentField;
    for (const key of ['started', 'completed', 'lastUpdated'] as const) {
      const field = get(key);
      if (field && !isValidDate(field.value)) {
        problems.push({
          code: 'bad-date',
          severity: 'warning',
          line: field.line,
          span: field.span,
          taskId: id,
          message: `"${field.value}" is not a date as YYYY-MM-DD`,
        });
      }
    }
    tasks.push(task);
  }
  // Nested heading tasks (a #### task inside a ### task) belong to the enclosing one; in a Task
  // Master block, they are its subtasks and say their status in its words.
  const open: PlanTask[] = [];
  for (const task of tasks) {
    while (open.length && open[open.length - 1].endLine < task.startLine) open.pop();
    task.parent ??= open.at(-1)?.id ?? null;
    if (open.some((t) => t.metadata.format === 'task-master')) {
      task.dialect = 'header-block';
      task.metadata = { ...task.metadata, format: 'task-master' };
    }
    open.push(task);
  }
  return tasks;
}

const plainTitle = (title: string) => title.replace(/[*_`~]/g, '').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * A row of a status table without ids restates a task of the file when a task's title holds
 * the row's title (`Environment Setup` in `Phase 0: Environment Setup (…)`) or starts with the
 * row's numbered cell and its column's name (`| **5** |` under `Phase` and `Phase 5: …`).
 */
function restates(row: PlanTask, named: readonly string[]): boolean {
  const title = plainTitle(row.title);
  const numbered = Object.entries(row.metadata)
    .map(([column, value]) => ({ column: column.toLowerCase(), number: /^\**\s*(\d+(?:\.\d+)*)\s*\**$/.exec(value)?.[1] }))
    .filter((c): c is { column: string; number: string } => c.number !== undefined);
  return named.some((t) => containsWords(t, title) || numbered.some((c) => containsWords(t.slice(0, c.column.length + c.number.length + 1), `${c.column} ${c.number}`)));
}

/** True when `words` occurs in `text` on word boundaries. */
function containsWords(text: string, words: string): boolean {
  if (!words) return false;
  const at = text.indexOf(words);
  if (at === -1) return false;
  const before = text[at - 1];
  const after = text[at + words.length];
  return (before === undefined || !/[\p{L}\p{N}]/u.test(before)) && (after === undefined || !/[\p{L}\p{N}]/u.test(after));
}

/** Headings of sections that report on work rather than name it (BMAD's QA Results, Dev Agent Record, …). */
const reportHeading = /\b(qa|review|test) (results?|review)\b|\bsummary\b|\bcompletion notes\b|\bdev agent record\b|\bchange ?log\b|\bretrospective\b/i;

/**
 * Markers that are not part of a title: a size (`` `S` ``, `(Est: 45 min)`), a commit hash at the
 * end (`abc1234`, `(abc1234)`) and `[checkpoint: abc1234]`, kept as metadata.
 */
function moveToMetadata(text: string, metadata: Record<string, string>): string {
  // Cheap checks first: most titles carry none of these, and this runs for every task.
  let out = text;
  if (out.includes('[checkpoint')) {
    out = out.replace(/\s*\[checkpoint:\s*([0-9a-f]{7,40})\]/i, (_all, hash: string) => {
      metadata.checkpoint = hash;
      return '';
    });
  }
  const last = /\s+\(?([0-9a-f]{7,40})\)?\s*$/.exec(out);
  if (last && /\d/.test(last[1]) && /[a-f]/.test(last[1])) {
    metadata.commit = last[1];
    out = out.slice(0, last.index);
  }
  if (out.includes('(')) {
    out = out.replace(/\s*\((?:est\.?|estimate|effort)\s*:?\s*([^)]*)\)/i, (_all, est: string) => {
      metadata.estimate = est.trim();
      return '';
    });
  }
  if (out.includes('`')) {
    out = out.replace(/^`(XXS|XS|S|M|L|XL|XXL)`\s+|\s+`(XXS|XS|S|M|L|XL|XXL)`$/, (_all, a: string | undefined, b: string | undefined) => {
      metadata.size = (a ?? b)!;
      return '';
    });
  }
  return out;
}

const setAsideWord = "(deferred|descoped|cancell?ed|won'?t do|eliminated)";
const setAsideWords = new RegExp(`^${setAsideWord}\\b|\\*\\*${setAsideWord}\\*\\*|\\[${setAsideWord}\\]|\\(${setAsideWord}\\)`, 'i');

/** The status a done item's words give it when they say it was set aside, else undefined. */
function setAside(text: string): Status | undefined {
  if (/^~~.+~~$/.test(text.trim())) return 'cancelled';
  // Said as a status: leading (`Deferred: …`), marked (`**descoped**`, `[deferred]`) or a
  // parenthesis of its own (`(descoped)`); a note that explains (`(deferred - needs X)`) does not undo the tick.
  const said = setAsideWords.exec(text.trim());
  if (said) return parseStatus(said.slice(1).find(Boolean)!);
  return undefined;
}

/** Task Master's task file heading: `# Task ID: 13`. */
const taskMasterId = /^Task ID:\s*#?([\w.-]+)\s*$/i;

const range = (first: number, last: number) => Array.from({ length: Math.max(0, last - first + 1) }, (_, i) => first + i);

/** The lines of the paragraphs between a heading and the next one. */
function paragraphLines(structure: Structure, heading: number, next: number): number[] {
  return structure.paragraphs.filter((p) => p.startLine > heading && p.startLine < next).flatMap((p) => range(p.startLine, p.lastLine));
}

function headingIdentity(heading: Heading): { id: string; title: string; dialect: Dialect } {
  const taskMaster = taskMasterId.exec(heading.text);
  if (taskMaster) return { id: taskMaster[1], title: heading.text, dialect: 'header-block' };
  const taskHeading = /^Task\s+#?([\w.-]*\w)\s*[:.)\-–—]\s*(.*)$/i.exec(heading.text);
  if (taskHeading) return { id: taskHeading[1], title: taskHeading[2].trim() || heading.text, dialect: 'task-heading' };
  const numbered = /^(\d+(?:\.\d+)*)\.?\s+(.*)$/.exec(heading.text);
  if (numbered) return { id: numbered[1], title: numbered[2].trim(), dialect: 'numbered-section' };
  return { id: slug(heading.text), title: heading.text, dialect: 'header-block' };
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

/** For each line, the innermost heading task whose section (below its heading) holds it. */
function ownerByLine(tasks: readonly PlanTask[], lineCount: number): (PlanTask | undefined)[] {
  const owners = new Array<PlanTask | undefined>(lineCount);
  // Tasks come in document order, so a nested task overwrites its parent on its own lines.
  for (const task of tasks) for (let line = task.startLine + 1; line <= task.endLine && line < lineCount; line++) owners[line] = task;
  return owners;
}

function toCheckbox(item: ListItem): Checkbox {
  const mark = item.box!.mark;
  return { line: item.line, offset: item.box!.offset, mark, done: mark === 'x' || mark === 'X', text: item.text.trim() };
}

/** A To-dos line names its task: `Complete Task 12: ...`, `Task 47: ...`. */
const namesTask = /\bTask\s+#?([\w.-]*\d[\w.-]*)/i;

const boxTexts: Record<string, string> = { ' ': '[ ]', x: '[x]', X: '[X]' };

const explicitId = /^(?:([A-Z]{1,6}-?\d+)\b|(\d+(?:\.\d+)+)\.?(?=\s)|(\d+)\.(?=\s))\s*/;
const sectionNumber = /^(\d+(?:\.\d+)*)\.?\s|\b(?:phase|part|step|stage|section|milestone|sprint|week|iteration)\s+(\d+(?:\.\d+)*)/i;

/** A checkbox item outside any heading task: a task of its own (checklist dialect). */
function checklistTask(
  item: ListItem,
  box: Checkbox,
  place: { position: number; section: string | null; parent: PlanTask | undefined },
): PlanTask {
  const metadata: Record<string, string> = {};
  // The title runs to the end of the item's paragraph; a note line in it (`_Requirements: 1.2_`)
  // is metadata, not title.
  const dependencies: string[] = [];
  const wrapped = item.continuation.filter((line) => !readNote(line, metadata, dependencies));
  let text = [box.text, ...wrapped].join(' ');
  if (item.box?.optional) metadata.optional = 'true';
  const idMatch = explicitId.exec(text);
  let id: string | null = null;
  if (idMatch) {
    id = idMatch[1] ?? idMatch[2] ?? idMatch[3];
    text = text.slice(idMatch[0].length);
  }
  if (/^\[P\]\s*/.test(text)) {
    metadata.parallel = 'true';
    text = text.replace(/^\[P\]\s*/, '');
  }
  // spec-kit's user-story marker: `T012 [P] [US1] Title`.
  const story = /^\[((?:US|S)\d+)\]\s*/i.exec(text);
  if (story) {
    metadata.story = story[1];
    text = text.slice(story[0].length);
  }
  // BMAD's acceptance-criteria references, `(AC: 1, 3)`, are metadata.
  text = text.replace(/\s*\(\s*ACs?\s*:?\s*([^)]*)\)/i, (_all, refs: string) => {
    metadata.acceptanceCriteria = refs.trim();
    return '';
  });
  // Prose dependencies, `(depends on T010, T011)` or `Depends: T001`, leave the title.
  if (/depend|after|requires|blocked by/i.test(text)) text = text.replace(/\s*\(\s*(?:depends on|depends|after|requires|blocked by)\s*:?\s*([^)]*)\)|\s*\bDepends(?: on)?:\s*((?:[A-Za-z]*-?[\d.]+[\s,]*(?:and\s+)?)+)$/gi, (_all, inParens: string | undefined, trailing: string | undefined) => {
    dependencies.push(...parseDependencyList((inParens ?? trailing ?? '').replace(/\s+and\s+/gi, ', ').replace(/\btasks?\s+/gi, '')));
    return '';
  });
  let effort: string | null = null;
  const size = /^\*\*(XXS|XS|S|M|L|XL|XXL)\*\*\s*[-–—:]?\s*/.exec(text);
  if (size) {
    effort = size[1];
    text = text.slice(size[0].length);
  }
  // Ids: the explicit one; else the parent's id or the section number, plus the position.
  id ??= place.parent
    ? `${place.parent.id}.${place.position}`
    : place.section
      ? `${place.section}.${place.position}`
      : slug(text);
  text = moveToMetadata(text, metadata);
  const mark = box.mark;
  const boxStatus: Status = mark === ' ' ? 'todo' : box.done ? 'done' : '-~/'.includes(mark) ? 'in-progress' : 'unknown';
  // A ticked box whose words say it was set aside (`[x] ~~Old importer~~`, `[x] … (deferred)`) follows the words.
  const status: Status = boxStatus === 'done' && setAside(text) ? setAside(text)! : boxStatus;
  return {
    id,
    title: text.trim(),
    status,
    rawStatus: boxTexts[mark] ?? `[${mark}]`,
    priority: null,
    dependencies,
    dialect: 'checklist',
    line: item.line,
    startLine: item.line,
    endLine: item.lastLine,
    statusSpan: { start: box.offset, end: box.offset + 1 },
    box,
    deliverables: noDeliverables,
    assignee: null,
    started: null,
    completed: null,
    lastUpdated: null,
    effort,
    parent: place.parent?.id ?? null,
    blocker: null,
    metadata: Object.keys(metadata).length ? metadata : noMetadata,
  };
}

const sectionNumbers = new WeakMap<Heading, string | null>();

function sectionNumberOf(heading: Heading): string | null {
  let number = sectionNumbers.get(heading);
  if (number === undefined) {
    const m = sectionNumber.exec(heading.text);
    sectionNumbers.set(heading, (number = m ? (m[1] ?? m[2]) : null));
  }
  return number;
}

/** `_Requirements: 2.1, 2.3_` and `_Depends: 1.1_` lines under a checklist task (tasks.md style). */
function readChecklistNotes(structure: Structure, tasks: Map<ListItem, PlanTask>): void {
  for (const item of structure.items) {
    if (item.box || !item.parent) continue;
    const task = tasks.get(item.parent);
    if (!task) continue;
    const metadata = { ...task.metadata };
    if (readNote(item.text, metadata, task.dependencies)) task.metadata = metadata;
  }
}

/** Reads a note line into metadata (requirements) or dependencies; false when the line is no note. */
function readNote(text: string, metadata: Record<string, string>, dependencies: string[]): boolean {
  const m = /^_?\s*(requirements?|depends(?: on)?|dependencies)\s*:\s*(.*?)\s*_?\s*$/i.exec(text.trim());
  if (!m) return false;
  if (/^req/i.test(m[1])) metadata.requirements = m[2];
  else dependencies.push(...parseDependencyList(m[2]));
  return true;
}
