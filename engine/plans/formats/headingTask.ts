import { parseDependencyList, readFields, type Field } from '../fields';
import { newTask, type Dialect, type PlanTask } from '../model';
import type { Heading } from '../structure';
import { slug } from '../slug';
import { isValidDate, parsePriority } from '../words';
import type { PlanSource } from './format';
import { moveToMetadata } from './titles';

/**
 * What the heading formats share (header-block, task-heading, numbered-section, task-master):
 * a heading followed by field lines with a Status is a task; its section is its body.
 */

export interface HeadingFields {
  fields: Field[];
  /** Fields Plumbline has no name for, kept as metadata by their names as written. */
  other: Record<string, string>;
  /** The first line of the fields' paragraph. */
  firstLine: number;
}

/**
 * The fields under a heading: the paragraph right after it or, with `toNextHeading` (Task
 * Master writes one field per paragraph), every paragraph up to the next heading.
 */
export function headingFields(source: PlanSource, index: number, toNextHeading = false): HeadingFields | undefined {
  const { structure, lines } = source;
  const heading = structure.headings[index];
  const paragraph = structure.paragraphAfterHeading.get(heading.line);
  if (!paragraph) return undefined;
  const next = structure.headings[index + 1]?.line ?? lines.length;
  const fieldLines: number[] = [];
  if (toNextHeading) {
    for (const p of structure.paragraphs) if (p.startLine > heading.line && p.startLine < next) for (let l = p.startLine; l <= p.lastLine; l++) fieldLines.push(l);
  } else {
    for (let l = paragraph.startLine; l <= paragraph.lastLine; l++) fieldLines.push(l);
  }
  const fields: Field[] = [];
  const other: Record<string, string> = {};
  for (const l of fieldLines) {
    for (const field of readFields(lines[l].text, lines[l].start, l)) {
      if (field.key === 'other') other[field.name] = field.value;
      else fields.push(field);
    }
  }
  return { fields, other, firstLine: paragraph.startLine };
}

/** Headings of sections that report on work rather than name it (BMAD's QA Results, Dev Agent Record, …). */
const reportHeading = /\b(qa|review|test) (results?|review)\b|\bsummary\b|\bcompletion notes\b|\bdev agent record\b|\bchange ?log\b|\bretrospective\b/i;

/**
 * The task a heading introduces, or undefined when its fields say no status, carry a Version
 * (a document's own header) or sit under a report heading (QA results that say a status report, they are no task).
 */
export function headingTask(
  source: PlanSource,
  index: number,
  /** Without an id, the id is a slug of the title (markers moved to metadata first). */
  identity: { id?: string; title: string },
  dialect: Dialect,
  found: HeadingFields | undefined = headingFields(source, index),
): PlanTask | undefined {
  const heading: Heading = source.structure.headings[index];
  if (!found) return undefined;
  const get = (key: Field['key']) => found.fields.find((f) => f.key === key);
  const status = get('status');
  if (!status || get('version') || reportHeading.test(heading.text)) return undefined;
  const metadata = found.other;
  const title = moveToMetadata(identity.title, metadata);
  const rawStatus = status.value;
  const task = newTask({
    id: identity.id ?? slug(title),
    title,
    status: source.status(rawStatus),
    rawStatus,
    priority: get('priority') ? parsePriority(get('priority')!.value) : null,
    dependencies: get('dependencies') ? parseDependencyList(get('dependencies')!.value) : [],
    dialect,
    line: heading.line,
    startLine: heading.line,
    endLine: source.sectionEnds.get(heading.line)!,
    statusSpan: status.span,
    deliverables: [],
    assignee: get('assignee')?.value ?? null,
    started: get('started')?.value ?? null,
    completed: get('completed')?.value ?? /\((\d{4}-\d{2}-\d{2})\)/.exec(rawStatus)?.[1] ?? null,
    lastUpdated: get('lastUpdated')?.value ?? null,
    effort: get('effort')?.value ?? null,
    blocker: get('blocker')?.value ?? null,
    metadata,
  });
  const parentField = get('parent')?.value;
  if (parentField && !/^(none|n\/a|-)$/i.test(parentField)) task.parent = parentField;
  for (const key of ['started', 'completed', 'lastUpdated'] as const) {
    const field = get(key);
    if (field && !isValidDate(field.value)) {
      source.problems.push({
        code: 'bad-date',
        severity: 'warning',
        line: field.line,
        span: field.span,
        taskId: task.id,
        message: `"${field.value}" is not a date as YYYY-MM-DD`,
      });
    }
  }
  source.sectionTasks.push(task);
  return task;
}

/**
 * Reads every heading not yet taken that `identify` names as this format's, in document order.
 * `identify` returns undefined for headings of other formats.
 */
export function readHeadings(
  source: PlanSource,
  dialect: Dialect,
  identify: (heading: Heading) => { id: string; title: string } | undefined,
): PlanTask[] {
  const tasks: PlanTask[] = [];
  source.structure.headings.forEach((heading, index) => {
    if (source.taken.has(heading.line)) return;
    const identity = identify(heading);
    const task = identity && headingTask(source, index, identity, dialect);
    if (task) tasks.push(task);
  });
  return tasks;
}
