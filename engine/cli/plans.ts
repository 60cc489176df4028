import { stat } from 'node:fs/promises';
import path from 'node:path';
import { SettableStatus } from '../protocol/plans';
import {
  editPlanOnDisk,
  loadPlans,
  PlanEditError,
  setStatus,
  toggleCheckbox,
  type PlanDocument,
  type PlanIndex,
  type PlanTask,
  type Problem,
  type ProblemCode,
  type Status,
} from '../plans';
import { CliError, UsageError, type CommandContext } from './command';
import { outputFormat, render, type Annotation, type Rule, type Severity } from './report';

/** `plumbline plans ...`: list, set-status, toggle, next (SPEC §7). */
export async function plans(given: CommandContext): Promise<number> {
  const format = outputFormat(given.values);
  const [sub, ...rest] = given.positionals;
  if (sub === 'set-status' || sub === 'toggle' || sub === 'next') {
    if (format === 'github' || format === 'sarif') throw new UsageError(`--format ${format} is for the problems of plans (plans --check)`);
  }
  // The edits and `next` answer in JSON or for a person; they read `--format json` as `--json`.
  const ctx = { ...given, values: { ...given.values, json: format === 'json' } };
  if (sub === 'set-status') return runSetStatus(ctx, rest);
  if (sub === 'toggle') return runToggle(ctx, rest);
  if (sub === 'next') return runNext(ctx, rest);
  return runList(ctx, ctx.positionals, format);
}

async function load(ctx: CommandContext, paths: string[]) {
  const loaded = await loadPlans(paths, ctx.cwd);
  if (loaded.files.length === 0 && loaded.failures.length) {
    throw new CliError(loaded.failures.map((f) => `${f.file}: ${f.error}`).join('; '));
  }
  // Some files read, some not: say which, and go on with the rest.
  for (const failure of loaded.failures) ctx.stderr.write(`plumbline: ${failure.file}: ${failure.error}\n`);
  return loaded;
}

function display(ctx: CommandContext, file: string): string {
  const relative = path.relative(ctx.cwd, file);
  return relative.startsWith('..') ? file : relative.split(path.sep).join('/');
}

function taskJson(task: PlanTask) {
  return {
    id: task.id,
    title: task.title,
    status: task.status,
    rawStatus: task.rawStatus,
    priority: task.priority,
    dependencies: task.dependencies,
    dialect: task.dialect,
    line: task.line + 1,
    checkboxes: { open: task.deliverables.filter((d) => !d.done).length, done: task.deliverables.filter((d) => d.done).length },
  };
}

function planJson(ctx: CommandContext, doc: PlanDocument, index: PlanIndex) {
  return {
    file: display(ctx, doc.file),
    dialects: doc.dialects,
    tasks: doc.tasks.map(taskJson),
    checkboxes: { open: doc.checkboxes.filter((b) => !b.done).length, done: doc.checkboxes.filter((b) => b.done).length },
    problems: index.problems(doc.file).map((p) => ({ code: p.code, severity: p.severity, line: p.line + 1, taskId: p.taskId, message: p.message })),
  };
}

// Every code with the level it has (a result carries its own: `unreadable` varies with the cause).
const problemRules: Record<ProblemCode, Omit<Rule, 'id'>> = {
  'unknown-dependency': {
    severity: 'medium',
    description: 'A dependency names no task in the plans',
    help: "Name the task by its id or exact title, or remove the dependency if the task is gone.",
  },
  'dependency-cycle': {
    severity: 'high',
    description: 'Tasks depend on each other in a cycle',
    help: 'Remove one dependency of the cycle the message lists.',
  },
  'done-with-open-dependency': {
    severity: 'medium',
    description: 'A task is done while a dependency is not',
    help: 'Finish the dependency and mark it done, or reopen the task.',
  },
  'done-with-open-items': {
    severity: 'medium',
    description: 'A task is done while some of its checkboxes are open',
    help: 'Tick the finished items, or reopen the task.',
  },
  'todo-mismatch': {
    severity: 'medium',
    description: "A To-dos line disagrees with its task's status, or names no task",
    help: "Make the To-dos checkbox match the task's status, or fix the task it names.",
  },
  'duplicate-task-id': { severity: 'high', description: 'Two tasks in one plan share an id', help: 'Give one of the two tasks another id.' },
  'unknown-status': {
    severity: 'medium',
    description: 'A status that maps to no status Plumbline knows',
    help: 'Use todo, in progress, blocked, paused, done or cancelled (in the words the file already uses).',
  },
  'bad-date': {
    severity: 'medium',
    description: 'A date that is not YYYY-MM-DD, or a task completed before it started',
    help: 'Write the date as YYYY-MM-DD, and completed on or after started.',
  },
  unreadable: { severity: 'medium', description: 'A plan file that cannot be read or parsed', help: 'Save the file as UTF-8 text, or fix what the message names.' },
};
const planRules: Rule[] = (Object.keys(problemRules) as ProblemCode[]).map((id) => ({ id, ...problemRules[id] }));
const problemSeverity: Record<Problem['severity'], Severity> = { error: 'high', warning: 'medium', info: 'low' };

function problemAnnotations(ctx: CommandContext, doc: PlanDocument, index: PlanIndex): Annotation[] {
  const lines = doc.text.split(/\r?\n/);
  return index.problems(doc.file).map((p) => ({
    file: display(ctx, doc.file),
    line: p.line + 1,
    severity: problemSeverity[p.severity],
    rule: p.code,
    message: p.message,
    snippet: lines[p.line],
  }));
}

async function runList(ctx: CommandContext, paths: string[], format: ReturnType<typeof outputFormat>): Promise<number> {
  const { index, files } = await load(ctx, paths);
  const plans = files.map((file) => planJson(ctx, index.get(file)!, index));
  if (format === 'json') ctx.stdout.write(`${JSON.stringify({ plans })}\n`);
  else if (format === 'github' || format === 'sarif') {
    const annotations = files.flatMap((file) => problemAnnotations(ctx, index.get(file)!, index));
    const summary = `${plans.length} plan file(s) checked, ${annotations.length} problem(s)`;
    ctx.stdout.write(render(format, { annotations, rules: planRules, summary }));
  } else {
    for (const plan of plans) {
      const done = plan.tasks.filter((t) => t.status === 'done').length;
      ctx.stdout.write(`${plan.file}  (${plan.dialects.join(', ') || 'no tasks'}; ${done}/${plan.tasks.length} tasks done)\n`);
      for (const t of plan.tasks) {
        const boxes = t.checkboxes.open + t.checkboxes.done ? `  [${t.checkboxes.done}/${t.checkboxes.open + t.checkboxes.done}]` : '';
        ctx.stdout.write(`  ${String(t.line).padStart(4)}  ${t.status.padEnd(11)} ${(t.priority ?? '').padEnd(8)} ${t.id}  ${t.title}${boxes}\n`);
      }
      for (const p of plan.problems) ctx.stdout.write(`  ${String(p.line).padStart(4)}  ${p.severity}: ${p.message} (${p.code})\n`);
    }
    if (plans.length === 0) ctx.stdout.write('no plan files found\n');
  }
  const problems = plans.reduce((n, p) => n + p.problems.filter((x) => x.severity !== 'info').length, 0);
  return ctx.values.check && problems > 0 ? 1 : 0;
}

function parseStatusArg(value: string | undefined): Status {
  const status = SettableStatus.safeParse(value?.toLowerCase().replace(/[_ ]/g, '-'));
  if (!status.success) throw new UsageError(`STATUS must be one of ${SettableStatus.options.join(', ')}`);
  return status.data;
}

/**
 * The one plan file an edit names. A folder is a usage error: "whichever plan comes first" is
 * never what a person meant.
 */
async function editTarget(ctx: CommandContext, fileArg: string | undefined): Promise<string> {
  if (!fileArg) throw new UsageError('FILE is missing');
  const file = path.resolve(ctx.cwd, fileArg);
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new CliError(`${fileArg}: no such file`);
  if (info.isDirectory()) throw new UsageError(`${fileArg} is a folder; name the plan file to edit`);
  return file;
}

/** Runs one plan edit on disk; a refusal (no such task, not UTF-8) is a one-line error. */
async function editOnDisk(ctx: CommandContext, file: string, change: Parameters<typeof editPlanOnDisk>[1]) {
  try {
    return await editPlanOnDisk(file, change, display(ctx, file));
  } catch (err) {
    if (err instanceof PlanEditError) throw new CliError(err.namesFile ? err.message : `${display(ctx, file)}: ${err.message}`);
    throw err;
  }
}

async function runSetStatus(ctx: CommandContext, args: string[]): Promise<number> {
  const [fileArg, id, statusArg, ...extra] = args;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  if (!id) throw new UsageError('ID is missing');
  const status = parseStatusArg(statusArg);
  const file = await editTarget(ctx, fileArg);
  const { changed } = await editOnDisk(ctx, file, (doc) => setStatus(doc, id, status, { date: ctx.values.date as string | undefined }));
  const out = { file: display(ctx, file), taskId: id, status, changed };
  ctx.stdout.write(ctx.values.json ? `${JSON.stringify(out)}\n` : `${out.file}: task ${id} is ${status}${out.changed ? '' : ' (unchanged)'}\n`);
  return 0;
}

async function runToggle(ctx: CommandContext, args: string[]): Promise<number> {
  const [fileArg, lineArg, ...extra] = args;
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const line = Number(lineArg);
  if (!Number.isInteger(line) || line < 1) throw new UsageError('LINE must be a line number (1 or more)');
  const file = await editTarget(ctx, fileArg);
  const { doc } = await editOnDisk(ctx, file, (d) => toggleCheckbox(d, line - 1));
  const box = doc.checkboxes.find((b) => b.line === line - 1)!;
  const task =
    doc.tasks.find((t) => t.box === box) ??
    doc.tasks.find((t) => t.deliverables.includes(box)) ??
    doc.tasks.find((t) => t.id === doc.todoLines.find((l) => l.box === box)?.taskId);
  const out = { file: display(ctx, file), taskId: task?.id ?? null, status: box.done ? 'todo' : 'done', changed: true };
  ctx.stdout.write(ctx.values.json ? `${JSON.stringify(out)}\n` : `${out.file}:${line}: checkbox ${box.done ? 'unticked' : 'ticked'}\n`);
  return 0;
}

async function runNext(ctx: CommandContext, paths: string[]): Promise<number> {
  const { index, files } = await load(ctx, paths);
  const next = index.next(files);
  if (!next) {
    if (ctx.values.json) ctx.stdout.write('null\n');
    ctx.stderr.write('plumbline: no task is ready (every open task waits on a dependency, or none is open)\n');
    return 1;
  }
  const out = { file: display(ctx, next.file), ...taskJson(next.task) };
  ctx.stdout.write(ctx.values.json ? `${JSON.stringify(out)}\n` : `${out.file}:${out.line}  ${out.id}  ${out.title}  (${out.priority ?? 'no priority'})\n`);
  return 0;
}
