import path from 'node:path';
import type { PlanDocument, PlanTask, Problem } from './model';
import { lineAt, splitLines } from './text';
import { priorityRank } from './words';

export interface TaskRef {
  file: string;
  task: PlanTask;
}

/**
 * Every plan of a workspace, with dependencies resolved across files and the problems that
 * need more than one task to see (SPEC §1 "Problems").
 *
 * Resolution: a dependency names a task of its own file by id, then by exact title; another
 * file's task only by exact title, or by an id that is unique in the workspace and not a bare
 * number (`infra-001` yes, `7` no: every task-heading file has a Task 7 of its own).
 */
export class PlanIndex {
  private readonly docs = new Map<string, PlanDocument>();
  /**
   * Workspace-wide lookups by id and by title. Built the first time a reference is not found in
   * its own file (most are), then kept up to date as files come and go, never rebuilt whole:
   * reading a workspace does not pay for them, and a changed file costs only its own tasks.
   */
  private global: { byId: Map<string, Refs>; byTitle: Map<string, Refs> } | undefined;
  private readonly local = new WeakMap<PlanDocument, { byId: Map<string, PlanTask>; byTitle: Map<string, PlanTask> }>();

  set(doc: PlanDocument): void {
    this.delete(doc.file);
    this.docs.set(doc.file, doc);
    if (this.global) this.addToGlobal(this.global, doc);
  }

  delete(file: string): void {
    const old = this.docs.get(file);
    if (!old) return;
    this.docs.delete(file);
    if (!this.global) return;
    for (const task of old.tasks) {
      remove(this.global.byId, task.id, file);
      remove(this.global.byTitle, task.title, file);
    }
  }

  get(file: string): PlanDocument | undefined {
    return this.docs.get(file);
  }

  documents(): PlanDocument[] {
    return [...this.docs.values()];
  }

  /** The task a dependency (or parent) reference written in `fromFile` names. */
  resolve(ref: string, fromFile: string): TaskRef | undefined {
    const doc = this.docs.get(fromFile);
    if (doc) {
      const local = this.localOf(doc);
      const own = local.byId.get(ref) ?? local.byTitle.get(ref);
      if (own) return { file: fromFile, task: own };
    }
    const global = this.globalMaps();
    const byTitle = global.byTitle.get(ref);
    if (byTitle) return first(byTitle);
    const byId = global.byId.get(ref);
    if (byId && !(byId instanceof Map) && !/^\d+(\.\d+)*$/.test(ref)) return byId;
    return doc && this.taskMasterSibling(ref, doc);
  }

  /**
   * Task Master keeps one task a file (tasks/task_012.md) and names dependencies by bare number:
   * between its task files in one folder, `12` is Task ID 12 (elsewhere a bare number never
   * crosses files).
   */
  private taskMasterSibling(ref: string, from: PlanDocument): TaskRef | undefined {
    if (!/^\d+(\.\d+)*$/.test(ref) || !from.tasks.some((t) => t.dialect === 'task-master')) return undefined;
    const folder = path.dirname(from.file);
    for (const [file, doc] of this.docs) {
      if (file === from.file || path.dirname(file) !== folder) continue;
      const task = doc.tasks.find((t) => t.id === ref && t.dialect === 'task-master');
      if (task) return { file, task };
    }
    return undefined;
  }

  private localOf(doc: PlanDocument) {
    let local = this.local.get(doc);
    if (!local) {
      local = { byId: new Map(), byTitle: new Map() };
      for (const task of doc.tasks) {
        if (!local.byId.has(task.id)) local.byId.set(task.id, task);
        if (!local.byTitle.has(task.title)) local.byTitle.set(task.title, task);
      }
      this.local.set(doc, local);
    }
    return local;
  }

  /**
   * Builds the workspace-wide lookups now, so that each file put in keeps them current: for a
   * caller that answers requests while it fills the index (the language server), where the first
   * reference that is not in its own file would otherwise build them whole, holding the thread
   * for as long as the index is big.
   */
  keepLookups(): void {
    this.globalMaps();
  }

  private globalMaps() {
    if (!this.global) {
      this.global = { byId: new Map(), byTitle: new Map() };
      for (const doc of this.docs.values()) this.addToGlobal(this.global, doc);
    }
    return this.global;
  }

  private addToGlobal(global: NonNullable<PlanIndex['global']>, doc: PlanDocument): void {
    const local = this.localOf(doc);
    for (const [id, task] of local.byId) add(global.byId, id, { file: doc.file, task });
    for (const [title, task] of local.byTitle) add(global.byTitle, title, { file: doc.file, task });
  }

  /**
   * The file's own problems plus those that depend on the rest of the workspace. Without
   * `cycles`, dependency cycles are not looked for: the walk goes as far as the dependencies
   * reach, which in a workspace of linked plans is most of it (a scan still reading skips it).
   */
  problems(file: string, options: { cycles?: boolean } = {}): Problem[] {
    const doc = this.docs.get(file);
    if (!doc) return [];
    const problems = [...doc.problems];
    const seenIds = new Map<string, PlanTask>();
    const cycles = options.cycles === false ? new Map<string, string[]>() : this.cyclesFrom(doc);
    let lines: ReturnType<typeof splitLines> | undefined; // only for an unknown status, which is rare
    const children = new Map<string, PlanTask[]>();
    for (const task of doc.tasks) {
      if (task.parent === null) continue;
      const siblings = children.get(task.parent);
      if (siblings) siblings.push(task);
      else children.set(task.parent, [task]);
    }
    for (const task of doc.tasks) {
      const first = seenIds.get(task.id);
      if (first) {
        problems.push(problem('duplicate-task-id', 'error', task, `task id "${task.id}" is also used by "${first.title}" (line ${first.line + 1})`));
      } else seenIds.set(task.id, task);
      if (task.status === 'unknown' && task.dialect !== 'checklist') {
        problems.push({
          ...problem('unknown-status', 'warning', task, `status "${task.rawStatus}" is not one Plumbline knows (todo, in progress, blocked, paused, done, cancelled)`),
          line: task.statusSpan ? lineAt((lines ??= splitLines(doc.text)), task.statusSpan.start) : task.line,
          span: task.statusSpan,
        });
      }
      for (const dep of task.dependencies) {
        const target = this.resolve(dep, file);
        if (!target) {
          // `Phase 2` may name a section of this file that is no task: nothing missing then.
          if (!doc.sections.includes(dep)) problems.push(problem('unknown-dependency', 'warning', task, `task "${task.id}" depends on "${dep}", which is no task in the workspace's plans`));
        } else if (task.status === 'done' && target.task.status !== 'done' && target.task.status !== 'cancelled') {
          problems.push(problem('done-with-open-dependency', 'warning', task, `task "${task.id}" is done but its dependency "${target.task.id}" (${target.task.title}) is ${target.task.status}`));
        }
      }
      const cycle = cycles.get(key(file, task));
      if (cycle) problems.push(problem('dependency-cycle', 'error', task, `dependency cycle: ${cycle.join(' → ')}`));
      const open = task.deliverables.filter((d) => !d.done).length;
      if (task.status === 'done' && open > 0) {
        problems.push(problem('done-with-open-items', 'warning', task, `task "${task.id}" is done but ${open} of its ${task.deliverables.length} deliverables are open`));
      }
      // A done parent with open subtasks is the same contradiction.
      const subtasks = task.status === 'done' ? (children.get(task.id) ?? []).filter((t) => t !== task) : [];
      const openSubtasks = subtasks.filter((t) => t.status !== 'done' && t.status !== 'cancelled' && t.status !== 'unknown');
      if (openSubtasks.length) {
        problems.push(problem('done-with-open-items', 'warning', task, `task "${task.id}" is done but ${openSubtasks.length} of its ${subtasks.length} subtasks are open (${openSubtasks.slice(0, 3).map((t) => t.id).join(', ')})`));
      }
    }
    for (const todo of doc.todoLines) {
      const task = todo.taskId ? doc.tasks.find((t) => t.id === todo.taskId) : undefined;
      const base = { code: 'todo-mismatch' as const, severity: 'warning' as const, line: todo.line, taskId: todo.taskId };
      if (!task) {
        problems.push({ ...base, message: todo.taskId ? `this To-dos line names Task ${todo.taskId}, which does not exist in this plan` : 'this To-dos line names no task ("Task N")' });
      } else if (task.status !== 'cancelled' && todo.box.done !== (task.status === 'done')) {
        problems.push({ ...base, message: `this To-dos line is ${todo.box.done ? 'ticked' : 'open'} but Task ${task.id} is ${task.status}` });
      }
    }
    return problems.sort((a, b) => a.line - b.line);
  }

  /** The highest-priority open task whose dependencies are all done (ties: fewer dependencies, then document order). */
  next(files?: readonly string[]): TaskRef | undefined {
    let best: { ref: TaskRef; rank: number[] } | undefined;
    let order = 0;
    for (const doc of files ? files.map((f) => this.docs.get(f)).filter((d) => d !== undefined) : this.docs.values()) {
      for (const task of doc.tasks) {
        order++;
        if (task.status !== 'todo') continue;
        const ready = task.dependencies.every((dep) => {
          const target = this.resolve(dep, doc.file);
          return target !== undefined && (target.task.status === 'done' || target.task.status === 'cancelled');
        });
        if (!ready) continue;
        const rank = [task.priority ? priorityRank[task.priority] : 4, task.dependencies.length, order];
        if (!best || compare(rank, best.rank) < 0) best = { ref: { file: doc.file, task }, rank };
      }
    }
    return best?.ref;
  }

  /**
   * Tarjan's strongly connected components over resolved dependencies, on the part of the
   * graph reachable from one file's tasks; each member of a cycle names the cycle.
   */
  private cyclesFrom(doc: PlanDocument): Map<string, string[]> {
    const cycles = new Map<string, string[]>();
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const refs = new Map<string, TaskRef>();
    const edgeCache = new Map<string, string[]>();
    const edgesOf = (k: string): string[] => {
      let edges = edgeCache.get(k);
      if (!edges) {
        const { file, task } = refs.get(k)!;
        const targets = task.dependencies.map((d) => this.resolve(d, file)).filter((r) => r !== undefined);
        for (const target of targets) refs.set(key(target.file, target.task), target);
        edgeCache.set(k, (edges = targets.map((r) => key(r.file, r.task))));
      }
      return edges;
    };
    const starts = doc.tasks.map((task) => {
      const k = key(doc.file, task);
      refs.set(k, { file: doc.file, task });
      return k;
    });
    let counter = 0;
    // Iterative, so a long dependency chain cannot overflow the stack.
    for (const start of starts) {
      if (index.has(start)) continue;
      const work: [string, number][] = [[start, 0]];
      while (work.length) {
        const frame = work[work.length - 1];
        const [v, i] = frame;
        if (i === 0 && !index.has(v)) {
          index.set(v, counter);
          low.set(v, counter++);
          stack.push(v);
          onStack.add(v);
        }
        const next = edgesOf(v);
        if (i < next.length) {
          frame[1]++;
          const w = next[i];
          if (!index.has(w)) work.push([w, 0]);
          else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
          continue;
        }
        work.pop();
        if (work.length) {
          const parent = work[work.length - 1][0];
          low.set(parent, Math.min(low.get(parent)!, low.get(v)!));
        }
        if (low.get(v) === index.get(v)) {
          const component: string[] = [];
          let w: string;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            component.push(w);
          } while (w !== v);
          const selfLoop = edgesOf(v).includes(v);
          if (component.length > 1 || selfLoop) {
            const names = component.reverse().map((k) => refs.get(k)!.task.id);
            for (const member of component) cycles.set(member, [...names, names[0]]);
          }
        }
      }
    }
    return cycles;
  }
}

function key(file: string, task: PlanTask): string {
  return `${file}\u0000${task.line}`;
}

/**
 * Workspace lookups hold, per key, each file's first task with that key: the task itself while
 * one file has the key (most titles), a map by file once several do (ids like `1`).
 */
type Refs = TaskRef | Map<string, TaskRef>;

function add(map: Map<string, Refs>, k: string, ref: TaskRef): void {
  const refs = map.get(k);
  if (!refs) map.set(k, ref);
  else if (refs instanceof Map) refs.set(ref.file, ref);
  else map.set(k, new Map([[refs.file, refs], [ref.file, ref]]));
}

function remove(map: Map<string, Refs>, k: string, file: string): void {
  const refs = map.get(k);
  if (!refs) return;
  if (!(refs instanceof Map)) {
    if (refs.file === file) map.delete(k);
    return;
  }
  refs.delete(file);
  if (refs.size === 1) map.set(k, first(refs));
}

function first(refs: Refs): TaskRef {
  return refs instanceof Map ? refs.values().next().value! : refs;
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function problem(code: Problem['code'], severity: Problem['severity'], task: PlanTask, message: string): Problem {
  return { code, severity, line: task.line, taskId: task.id, message };
}
