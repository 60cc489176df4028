import path from 'node:path';
import { applyEdits, loadPlans, setStatus, toggleCheckbox, writeFileAtomic, type PlanTask, type Status } from '../plans';

/** A task as the agent sees it (lines 1-based, paths relative to the workspace). */
export interface TaskView {
  file: string;
  id: string;
  title: string;
  status: Status;
  priority: string | null;
  dependencies: string[];
  line: number;
  deliverables: { line: number; text: string; done: boolean }[];
}

/**
 * What the plan tools and plan-task runs need. The CLI reads and writes the files; the extension
 * may route edits through the language server so open editors stay in step.
 */
export interface PlanAccess {
  list(): Promise<{ file: string; tasks: TaskView[] }[]>;
  get(file: string, id: string): Promise<TaskView | undefined>;
  setStatus(file: string, id: string, status: Status): Promise<void>;
  toggle(file: string, line: number): Promise<void>;
  next(): Promise<TaskView | undefined>;
}

function view(root: string, file: string, task: PlanTask): TaskView {
  return {
    file: path.relative(root, file).split(path.sep).join('/'),
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    dependencies: task.dependencies,
    line: task.line + 1,
    deliverables: task.deliverables.map((d) => ({ line: d.line + 1, text: d.text, done: d.done })),
  };
}

/** Plans read from and written to disk, under one workspace root. Errors are one-line Errors for the model. */
export function filePlanAccess(root: string): PlanAccess {
  const load = async () => (await loadPlans([root], root)).index;
  const one = async (file: string) => {
    const full = path.resolve(root, file);
    const index = (await loadPlans([full], root)).index;
    const doc = index.get(full);
    if (!doc) throw new Error(`${file} is not a plan file that can be read`);
    return { doc, full };
  };
  return {
    async list() {
      const index = await load();
      return index.documents().map((doc) => ({ file: path.relative(root, doc.file).split(path.sep).join('/'), tasks: doc.tasks.map((t) => view(root, doc.file, t)) }));
    },
    async get(file, id) {
      const { doc, full } = await one(file);
      const task = doc.tasks.find((t) => t.id === id);
      return task && view(root, full, task);
    },
    async setStatus(file, id, status) {
      const { doc, full } = await one(file);
      const result = setStatus(doc, id, status);
      if (!result.ok) throw new Error(result.error);
      if (result.edits.length) await writeFileAtomic(full, applyEdits(doc.text, result.edits));
    },
    async toggle(file, line) {
      const { doc, full } = await one(file);
      const result = toggleCheckbox(doc, line - 1);
      if (!result.ok) throw new Error(result.error);
      await writeFileAtomic(full, applyEdits(doc.text, result.edits));
    },
    async next() {
      const index = await load();
      const next = index.next();
      return next && view(root, next.file, next.task);
    },
  };
}
