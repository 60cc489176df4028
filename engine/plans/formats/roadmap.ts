import { parseDependencyList } from '../fields';
import { newTask, type PlanTask, type Span } from '../model';
import { checklist, toCheckbox } from './checklist';
import type { PlanFormat, PlanSource } from './format';
import { headingFields } from './headingTask';
import { splitRow, writeStatusCell } from './table';
import { moveToMetadata } from './titles';

/**
 * `roadmap`: GSD's `.planning/ROADMAP.md` (and roadmaps like it) describe each phase under a
 * `### Phase 2: Billing Export` heading with `**Goal**:` and `**Depends on**: Phase 1` fields but
 * no status: the status is said once elsewhere, in the progress table (`| 2. Billing Export |
 * 1/3 | In Progress |`) or, without one, in the overview checklist (`- [ ] **Phase 2: …**`).
 * The phase is one task: its id is its number, its dependencies the Depends on field, its
 * status (and what an edit rewrites) the table's cell, else the overview box; the overview box
 * restates it and follows it.
 */
export const roadmap: PlanFormat = {
  dialect: 'roadmap',
  recognize: (source) => source.structure.headings.some((h) => phaseHeading.test(h.text)),
  read(source) {
    const tasks: PlanTask[] = [];
    let statuses: Map<string, Said> | undefined;
    source.structure.headings.forEach((heading, index) => {
      const m = phaseHeading.exec(heading.text);
      if (!m || source.taken.has(heading.line)) return;
      const found = headingFields(source, index);
      // Fields (a Goal, a Depends on) and no status of its own: with a status it is a header-block task.
      if (!found || found.fields.some((f) => f.key === 'status') || (!found.fields.length && !Object.keys(found.other).length)) return;
      const said = (statuses ??= phaseStatuses(source)).get(m[1]);
      if (!said) return;
      const metadata = { ...found.other };
      const depends = found.fields.find((f) => f.key === 'dependencies')?.value;
      const task = newTask({
        id: m[1],
        title: moveToMetadata(m[2].trim(), metadata),
        status: source.status(said.raw),
        rawStatus: said.raw,
        dependencies: depends && !/^nothing\b|^none\b/i.test(depends) ? parseDependencyList(depends.replace(/\s*\(.*\)\s*$/, '')) : [],
        dialect: 'roadmap',
        line: heading.line,
        startLine: heading.line,
        endLine: source.sectionEnds.get(heading.line)!,
        statusSpan: said.span,
        box: said.box,
        deliverables: [],
        metadata,
      });
      source.sectionTasks.push(task);
      tasks.push(task);
    });
    return tasks;
  },
  // The status lives in a box or a progress-table cell: a box as checklists write it, a cell in GSD's words.
  setStatus: (doc, task, status, date) => (task.box ? checklist.setStatus(doc, task, status, date) : writeStatusCell(doc, task, status, words)),
};

const words = { todo: 'Not started', 'in-progress': 'In Progress', blocked: 'Blocked', paused: 'Deferred', done: 'Complete', cancelled: 'Cancelled' };

const phaseHeading = /^Phase\s+(\d+(?:\.\d+)*)\s*[:.\-–—]\s*(.+)$/i;

interface Said {
  raw: string;
  span: Span;
  box?: PlanTask['box'];
}

/** A progress-table cell that names phase N (`2. Billing Export`, `Phase 2`), an overview item that does (`**Phase 2: …**`). */
const cellNamesPhase = /^\**\s*(?:phase\s+)?(\d+(?:\.\d+)*)(?:[.:)\s]|\**$)/i;
const rowStartsWithNumber = /^\s*\|?\s*\**\s*(?:phase\s+)?\d/i;
const itemNamesPhase = /^\**\s*phase\s+(\d+(?:\.\d+)*)(?:[.:)\s]|\**$)/i;

/** Where the file says each phase's status: its progress-table row's Status cell, else its overview box. */
function phaseStatuses(source: PlanSource): Map<string, Said> {
  const { lines, structure } = source;
  const said = new Map<string, Said>();
  for (const t of structure.tables) {
    const header = splitRow(lines[t.headerLine]).map((c) => c.text.replace(/[*`]/g, '').trim());
    const statusCol = header.findIndex((h) => /^status$/i.test(h));
    if (statusCol <= 0) continue;
    for (const row of t.rowLines) {
      if (!rowStartsWithNumber.test(lines[row].text)) continue;
      const cells = splitRow(lines[row]);
      const n = cells[0] && cellNamesPhase.exec(cells[0].text)?.[1];
      if (n && !said.has(n) && cells[statusCol]?.text) said.set(n, { raw: cells[statusCol].text, span: cells[statusCol].span });
    }
  }
  for (const item of structure.items) {
    const n = item.box && itemNamesPhase.exec(item.text.trim())?.[1];
    if (!n || said.has(n)) continue;
    const box = toCheckbox(item);
    said.set(n, { raw: `[${box.mark}]`, span: { start: box.offset, end: box.offset + 1 }, box });
  }
  return said;
}
