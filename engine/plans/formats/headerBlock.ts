import type { PlanTask } from '../model';
import type { PlanFormat } from './format';
import { headingFields, headingTask } from './headingTask';
import { replaceSpan, styled } from './statusText';

/**
 * `header-block` (SPEC §1): any other heading followed by field lines with a Status
 * (`Status: TODO`, `Priority: HIGH`, `ParentTask: [Other Title]`). It runs after the heading
 * formats with ids, so it takes what they leave; it also reports a line under a heading that
 * starts as a status field and cannot be read (prose that mentions a status is prose).
 */
export const headerBlock: PlanFormat = {
  dialect: 'header-block',
  recognize: (source) => source.structure.headings.length > 0,
  read(source) {
    const tasks: PlanTask[] = [];
    source.structure.headings.forEach((heading, index) => {
      if (source.taken.has(heading.line)) return;
      const found = headingFields(source, index);
      if (!found) return;
      const task = headingTask(source, index, { title: heading.text }, 'header-block', found);
      if (task) {
        tasks.push(task);
        return;
      }
      const first = source.lines[found.firstLine].text;
      if (!found.fields.some((f) => f.key === 'status' || f.key === 'version') && /^[\s>*_-]*status\b/i.test(first)) {
        source.problems.push({
          code: 'unreadable',
          severity: 'warning',
          line: found.firstLine,
          taskId: null,
          message: `a status line that could not be read (expected "**Status**: value" or "Status: value"): ${first.trim().slice(0, 80)}`,
        });
      }
    });
    return tasks;
  },
  setStatus: (_doc, task, status) => ({ ok: true, edits: [replaceSpan(task.statusSpan!, styled(task.rawStatus, words[status], '_'))] }),
};

const words = { todo: 'TODO', 'in-progress': 'IN_PROGRESS', blocked: 'BLOCKED', paused: 'PAUSED', done: 'DONE', cancelled: 'CANCELLED' };
