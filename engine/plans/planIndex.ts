import type { PlanDocument, PlanTask, Problem } from './model';
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
  private derived: Derived | undefined;

  set(doc: PlanDocument): void {
    this.docs.set(doc.file, doc);
    this.derived = undefined;
  }

  delete(file: string): void {
    if (this.docs.delete(file)) this.derived = undefined;
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
      const local = doc.tasks.find((t) => t.id === ref) ?? doc.tasks.find((t) => t.title === ref);
      if (local) return { file: fromFile, task: local };
    }
    const d = this.state();
    const byTitle = d.byTitle.get(ref);
    if (byTitle) return byTitle[0];
    const byId = d.byId.get(ref);
    if (byId && byId.length === 1 && !/^\d+(\.\d+)*$/.test(ref)) return byId[0];
    return undefined;
  }

  /** The file's own problems plus those that depend on the rest of the workspace. */
  problems(file: string): Problem[] {
    const doc = this.docs.get(file);
    if (!doc) return [];
    const problems = [...doc.problems];
    const seenIds = new Map<string, PlanTask>();
    const cycles = this.state().cycles;
    for (const task of doc.tasks) {
      const first = seenIds.get(task.id);
      if (first) {
        problems.push(problem('duplicate-task-id', 'error', task, `task id "${task.id}" is also used by "${first.title}" (line ${first.line + 1})`));
      } else seenIds.set(task.id, task);
      if (task.status === 'unknown' && task.dialect !== 'checklist') {
        problems.push({
          ...problem('unknown-status', 'warning', task, `status "${task.rawStatus}" is not one Plumbline knows (todo, in progress, blocked, paused, done, cancelled)`),
          line: task.statusSpan ? lineOfSpan(doc, task.statusSpan.start) : task.line,
          span: task.statusSpan,
        });
      }
      for (const dep of task.dependencies) {
        const target = this.resolve(dep, file);
        if (!target) {
          problems.push(problem('unknown-dependency', 'warning', task, `task "${task.id}" depends on "${dep}", which is no task in the workspace's plans`));
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

  private state(): Derived {
    if (this.derived) return this.derived;
    const byId = new Map<string, TaskRef[]>();
    const byTitle = new Map<string, TaskRef[]>();
    for (const doc of this.docs.values()) {
      for (const task of doc.tasks) {
        const ref = { file: doc.file, task };
        push(byId, task.id, ref);
        push(byTitle, task.title, ref);
      }
    }
    this.derived = { byId, byTitle, cycles: new Map() };
    this.derived.cycles = this.findCycles();
    return this.derived;
  }

  /** Tarjan's strongly connected components over resolved dependencies; each member names its cycle. */
  private findCycles(): Map<string, string[]> {
    const cycles = new Map<string, string[]>();
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const stack: string[] = [];
    const onStack = new Set<string>();
    const refs = new Map<string, TaskRef>();
    const edges = new Map<string, string[]>();
    for (const doc of this.docs.values()) {
      for (const task of doc.tasks) {
        const k = key(doc.file, task);
        refs.set(k, { file: doc.file, task });
        edges.set(
          k,
          task.dependencies.map((d) => this.resolve(d, doc.file)).filter((r) => r !== undefined).map((r) => key(r.file, r.task)),
        );
      }
    }
    let counter = 0;
    // Iterative, so a long dependency chain cannot overflow the stack.
    for (const start of refs.keys()) {
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
        const next = edges.get(v) ?? [];
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
          const selfLoop = (edges.get(v) ?? []).includes(v);
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

interface Derived {
  byId: Map<string, TaskRef[]>;
  byTitle: Map<string, TaskRef[]>;
  cycles: Map<string, string[]>;
}

function key(file: string, task: PlanTask): string {
  return `${file}\u0000${task.line}`;
}

function push<K, V>(map: Map<K, V[]>, k: K, v: V): void {
  const list = map.get(k);
  if (list) list.push(v);
  else map.set(k, [v]);
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

function problem(code: Problem['code'], severity: Problem['severity'], task: PlanTask, message: string): Problem {
  return { code, severity, line: task.line, taskId: task.id, message };
}

function lineOfSpan(doc: PlanDocument, offset: number): number {
  let line = 0;
  for (let i = 0; i < offset && i < doc.text.length; i++) {
    const c = doc.text.charCodeAt(i);
    if (c === 10 || (c === 13 && doc.text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}
