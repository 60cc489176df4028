import type { PlanTask } from '../model';
import type { PlanFormat } from './format';
import { headingFields, headingTask } from './headingTask';
import { numbered } from './numberedSection';
import { replaceSpan, styled } from './statusText';

/**
 * Task Master task files (`.taskmaster/tasks/task_013.md`): a `# Task ID: 13` heading, then one
 * field per paragraph (`**Title:**`, `**Status:** deferred`, `**Dependencies:** 12 ✓, 14`,
 * `**Priority:**`), then `### 13.1. Title` subtasks with their own `**Status:**` lines. Its
 * words are pending, in-progress, review, deferred (paused), done, cancelled. Only the markdown
 * task files are read: the older `task_013.txt` files are not markdown plans.
 */
export const taskMaster: PlanFormat = {
  dialect: 'task-master',
  recognize: (source) => source.structure.headings.some((h) => taskId.test(h.text)),
  read(source) {
    const tasks: PlanTask[] = [];
    const { headings } = source.structure;
    headings.forEach((heading, index) => {
      const id = taskId.exec(heading.text)?.[1];
      if (id === undefined) return;
      const fields = headingFields(source, index, true);
      const title = fields?.other.Title ?? fields?.other.title ?? heading.text;
      if (fields) delete fields.other[fields.other.Title !== undefined ? 'Title' : 'title'];
      const task = headingTask(source, index, { id, title }, 'task-master', fields);
      if (!task) return;
      tasks.push(task);
      // Its subtasks: the numbered headings of its section (`### 13.1. Title`).
      const end = source.sectionEnds.get(heading.line)!;
      for (let i = index + 1; i < headings.length && headings[i].line <= end; i++) {
        const m = numbered.exec(headings[i].text);
        if (!m) continue;
        const subtask = headingTask(source, i, { id: m[1], title: m[2].trim() }, 'task-master', headingFields(source, i, true));
        if (!subtask) continue;
        subtask.parent = id;
        tasks.push(subtask);
      }
    });
    return tasks;
  },
  setStatus: (_doc, task, status) => ({ ok: true, edits: [replaceSpan(task.statusSpan!, styled(task.rawStatus, words[status], '-'))] }),
};

const taskId = /^Task ID:\s*#?([\w.-]+)\s*$/i;

const words = { todo: 'pending', 'in-progress': 'in-progress', blocked: 'blocked', paused: 'deferred', done: 'done', cancelled: 'cancelled' };
