import { newTask } from '../model';
import { slug } from '../slug';
import type { PlanFormat } from './format';
import { replaceSpan, styled } from './statusText';

/**
 * `story`: a story file (BMAD `docs/stories/2.3.story.md`) is a task whose status is the
 * paragraph under its `## Status` heading (`Draft`, `Approved`, `InProgress`, `Review`, `Done`);
 * its id and title come from the `# Story 2.3: …` heading. The checklists under
 * `## Tasks / Subtasks` stay tasks of their own (the checklist format reads them).
 */
export const story: PlanFormat = {
  dialect: 'story',
  recognize: (source) => source.structure.headings.some(isStatusHeading),
  read(source) {
    const { structure, lines } = source;
    const statusHeading = structure.headings.find(isStatusHeading)!;
    const paragraph = structure.paragraphAfterHeading.get(statusHeading.line);
    if (!paragraph || paragraph.startLine !== paragraph.lastLine) return [];
    const line = lines[paragraph.startLine];
    const raw = line.text.trim();
    const status = source.status(raw);
    if (status === 'unknown') return [];
    const top = structure.headings.filter((h) => h.level === 1 && h.line < statusHeading.line).at(-1);
    const named = top && /^Story\s+([\w.-]+)\s*[:.\-–—]\s*(.+)$/i.exec(top.text);
    const title = named ? named[2].trim() : (top?.text ?? raw);
    const first = top?.line ?? statusHeading.line;
    if (source.taken.has(first)) return [];
    const at = line.start + line.text.indexOf(raw);
    const task = newTask({
      id: named ? named[1] : slug(title),
      title,
      status,
      rawStatus: raw,
      dependencies: [],
      dialect: 'story',
      line: first,
      startLine: first,
      endLine: paragraph.lastLine,
      statusSpan: { start: at, end: at + raw.length },
    });
    return [task];
  },
  setStatus: (_doc, task, status) => ({ ok: true, edits: [replaceSpan(task.statusSpan!, styled(task.rawStatus, words[status], ' '))] }),
};

const isStatusHeading = (h: { level: number; text: string }) => h.level >= 2 && /^status$/i.test(h.text.replace(/[*_]/g, '').trim());

/** BMAD's story words; `Draft` for a story not started. */
const words = { todo: 'Draft', 'in-progress': 'In Progress', blocked: 'Blocked', paused: 'Paused', done: 'Done', cancelled: 'Cancelled' };
