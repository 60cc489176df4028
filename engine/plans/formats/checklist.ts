import { parseDependencyList } from '../fields';
import { newTask, type Checkbox, type PlanTask, type Status } from '../model';
import { slug } from '../slug';
import type { Heading, ListItem } from '../structure';
import type { PlanFormat, PlanSource } from './format';
import { doneMark, inProgressMark, replaceSpan } from './statusText';
import { moveToMetadata, setAside } from './titles';

/**
 * `checklist` (SPEC §1) and the checkbox formats built on it: GFM task lists anywhere; Kiro
 * (`- [ ] 1.1 Title`, `[-]` in progress, optional `- [ ]* 3.2`, `_Requirements: 1.2_`),
 * spec-kit (`- [ ] T012 [P] [US1] Title (depends on T010)`), BMAD's `(AC: 1, 3)`, `# TODO`
 * files. Every box is read here: inside a section task's body it is a deliverable, in a To-dos
 * section that names tasks it mirrors one, anywhere else it is a task; a nested box is a subtask.
 */
export const checklist: PlanFormat = {
  dialect: 'checklist',
  recognize: (source) => source.structure.items.some((item) => item.box),
  read,
  setStatus(doc, task, status) {
    const marks: Partial<Record<Status, string>> = { todo: ' ', 'in-progress': inProgressMark(doc), done: doneMark(doc) };
    const mark = marks[status];
    if (mark === undefined) return { ok: false, error: `a checkbox can say todo ([ ]), in progress ([/]) or done ([x]), not ${status}` };
    return { ok: true, edits: [replaceSpan(task.statusSpan!, mark)] };
  },
};

function read(source: PlanSource): PlanTask[] {
  const { structure } = source;
  // A To-dos section mirrors heading tasks: it is one only when its boxes name tasks ("Task 12"),
  // never because of its heading alone (a `# TODO` file is a checklist of tasks of its own).
  const todoSections = structure.headings
    .filter((h) => /^to-?dos?\b/i.test(h.text))
    .map((h) => ({ start: h.line, end: source.sectionEnds.get(h.line)! }))
    .filter((s) => structure.items.some((item) => item.box && item.line > s.start && item.line <= s.end && namesTask.test(item.text)));
  const tasks: PlanTask[] = [];
  const byItem = new Map<ListItem, PlanTask>();
  const positions = new Map<string, number>();
  let headingIndex = 0;
  for (const item of structure.items) {
    while (headingIndex < structure.headings.length && structure.headings[headingIndex].line < item.line) headingIndex++;
    if (!item.box) continue;
    const box = toCheckbox(item);
    source.checkboxes.push(box);
    if (!' xX-~/'.includes(box.mark)) {
      source.problems.push({
        code: 'unknown-status',
        severity: 'info',
        line: item.line,
        taskId: null,
        message: `checkbox "[${box.mark}]" is neither open ([ ]) nor done ([x]); it is kept and counted as open`,
      });
    }
    if (todoSections.some((s) => item.line > s.start && item.line <= s.end)) {
      const m = namesTask.exec(item.text);
      source.todoLines.push({ line: item.line, taskId: m ? m[1] : null, box });
      continue;
    }
    const owner = source.sectionOwner(item.line);
    if (owner) {
      owner.deliverables.push(box);
      continue;
    }
    // Position among the checkbox siblings under the same parent item in the same section.
    const siblingsKey = `${headingIndex}|${item.parent?.line ?? -1}`;
    const position = (positions.get(siblingsKey) ?? 0) + 1;
    positions.set(siblingsKey, position);
    const section = headingIndex > 0 ? sectionNumberOf(structure.headings[headingIndex - 1]) : null;
    const task = checklistTask(item, box, { position, section, parent: item.parent ? byItem.get(item.parent) : undefined });
    byItem.set(item, task);
    tasks.push(task);
  }
  readNotes(source, byItem);
  return tasks;
}

export function toCheckbox(item: ListItem): Checkbox {
  const mark = item.box!.mark;
  return { line: item.line, offset: item.box!.offset, mark, done: mark === 'x' || mark === 'X', text: item.text.trim() };
}

/** A To-dos line names its task: `Complete Task 12: ...`, `Task 47: ...`. */
export const namesTask = /\bTask\s+#?([\w.-]*\d[\w.-]*)/i;

const boxTexts: Record<string, string> = { ' ': '[ ]', x: '[x]', X: '[X]' };

/** `T012`, `PROJ-7`, `1.2`, `3.`, and GSD's plan ids `02-01:`. */
const explicitId = /^(?:([A-Z]{1,6}-?\d+)\b|(\d+(?:\.\d+)+)\.?(?=\s)|(\d+)\.(?=\s)|(\d+-\d+)(?=:))[:\s]*/;
const phaseId = /^\**Phase\s+(\d+(?:\.\d+)*)\**\s*[:.\-–—]/i;
const sectionNumber = /^(\d+(?:\.\d+)*)\.?\s|\b(?:phase|part|step|stage|section|milestone|sprint|week|iteration)\s+(\d+(?:\.\d+)*)/i;

/** A checkbox item outside any section task: a task of its own. */
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
    id = idMatch[1] ?? idMatch[2] ?? idMatch[3] ?? idMatch[4];
    text = text.slice(idMatch[0].length);
  } else {
    // A roadmap's overview line, `**Phase 2: Billing Export** - …`: the phase number is the id.
    const phase = phaseId.exec(text);
    if (phase) id = phase[1];
  }
  // Conductor writes every item as `Task: Title`.
  if (text.startsWith('Task:')) text = text.slice(5).trimStart();
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
  if (text.includes('AC')) {
    text = text.replace(/\s*\(\s*ACs?\s*:?\s*([^)]*)\)/i, (_all, refs: string) => {
      metadata.acceptanceCriteria = refs.trim();
      return '';
    });
  }
  // Prose dependencies, `(depends on T010, T011)` or `Depends: T001`, leave the title.
  if (/depend|after|requires|blocked by/i.test(text)) {
    text = text.replace(
      /\s*\(\s*(?:depends on|depends|after|requires|blocked by)\s*:?\s*([^)]*)\)|\s*\bDepends(?: on)?:\s*((?:[A-Za-z]*-?[\d.]+[\s,]*(?:and\s+)?)+)$/gi,
      (_all, inParens: string | undefined, trailing: string | undefined) => {
        dependencies.push(...parseDependencyList((inParens ?? trailing ?? '').replace(/\s+and\s+/gi, ', ').replace(/\btasks?\s+/gi, '')));
        return '';
      },
    );
  }
  let effort: string | null = null;
  const size = /^\*\*(XXS|XS|S|M|L|XL|XXL)\*\*\s*[-–—:]?\s*/.exec(text);
  if (size) {
    effort = size[1];
    text = text.slice(size[0].length);
  }
  // Ids: the explicit one; else the parent's id or the section number, plus the position.
  id ??= place.parent ? `${place.parent.id}.${place.position}` : place.section ? `${place.section}.${place.position}` : slug(text);
  text = moveToMetadata(text, metadata);
  const mark = box.mark;
  const boxStatus: Status = mark === ' ' ? 'todo' : box.done ? 'done' : '-~/'.includes(mark) ? 'in-progress' : 'unknown';
  // A ticked box whose words say it was set aside (`[x] ~~Old importer~~`, `[x] … (deferred)`) follows the words.
  const status: Status = (boxStatus === 'done' && setAside(text)) || boxStatus;
  return newTask({
    id,
    // Emphasis marks are not part of the title (`**Phase 2: Billing Export** - …`).
    title: (text.includes('**') ? text.replace(/\*\*(.+?)\*\*/g, '$1') : text).trim(),
    status,
    rawStatus: boxTexts[mark] ?? `[${mark}]`,
    dependencies,
    dialect: 'checklist',
    line: item.line,
    startLine: item.line,
    endLine: item.lastLine,
    statusSpan: { start: box.offset, end: box.offset + 1 },
    box,
    effort,
    parent: place.parent?.id ?? null,
    metadata,
  });
}

const sectionNumbers = new WeakMap<Heading, string | null>();

/** The number a section heading gives its items' ids: `## 2. Setup`, `## Phase 3: …`. */
export function sectionNumberOf(heading: Heading): string | null {
  let number = sectionNumbers.get(heading);
  if (number === undefined) {
    const m = sectionNumber.exec(heading.text);
    sectionNumbers.set(heading, (number = m ? (m[1] ?? m[2]) : null));
  }
  return number;
}

/** `_Requirements: 2.1, 2.3_` and `_Depends: 1.1_` items under a checklist task (Kiro's tasks.md). */
function readNotes(source: PlanSource, tasks: Map<ListItem, PlanTask>): void {
  for (const item of source.structure.items) {
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
