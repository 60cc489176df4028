import path from 'node:path';
import { editPlanOnDisk, loadPlans, setStatus, toggleCheckbox, type PlanTask, type Status } from '../plans';
import { Workspace } from './workspace';

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

function view(file: string, task: PlanTask): TaskView {
  return {
    file,
    id: task.id,
    title: task.title,
    status: task.status,
    priority: task.priority,
    dependencies: task.dependencies,
    line: task.line + 1,
    deliverables: task.deliverables.map((d) => ({ line: d.line + 1, text: d.text, done: d.done })),
  };
}

/**
 * Plans read from and written to disk, under one workspace. Every path goes through the
 * workspace's confinement (links resolved, nothing outside it), and every edit through
 * editPlanOnDisk (serialized per file, computed on what is on disk, never on a file that is not
 * valid UTF-8). Errors are one-line Errors for the model.
 */
export function filePlanAccess(workspaceOrRoot: Workspace | string): PlanAccess {
  const workspace = typeof workspaceOrRoot === 'string' ? new Workspace(workspaceOrRoot) : workspaceOrRoot;
  const relativeTo = (root: string, file: string) => path.relative(root, file).split(path.sep).join('/');
  const load = async () => {
    const root = await workspace.realRoot();
    return { root, index: (await loadPlans([root], root)).index };
  };
  const one = async (file: string) => {
    const target = await workspace.resolve(file);
    const index = (await loadPlans([target.absolute], target.absolute)).index;
    const doc = index.get(target.absolute);
    if (!doc) throw new Error(`${target.relative} is not a plan file that can be read`);
    return { doc, target };
  };
  return {
    async list() {
      const { root, index } = await load();
      return index.documents().map((doc) => {
        const file = relativeTo(root, doc.file);
        return { file, tasks: doc.tasks.map((t) => view(file, t)) };
      });
    },
    async get(file, id) {
      const { doc, target } = await one(file);
      const task = doc.tasks.find((t) => t.id === id);
      return task && view(target.relative, task);
    },
    async setStatus(file, id, status) {
      const target = await workspace.resolve(file);
      await editPlanOnDisk(target.absolute, (doc) => setStatus(doc, id, status), target.relative);
    },
    async toggle(file, line) {
      const target = await workspace.resolve(file);
      await editPlanOnDisk(target.absolute, (doc) => toggleCheckbox(doc, line - 1), target.relative);
    },
    async next() {
      const { root, index } = await load();
      const next = index.next();
      return next && view(relativeTo(root, next.file), next.task);
    },
  };
}

