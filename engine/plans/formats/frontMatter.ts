import { isMap, isScalar, isSeq, parseDocument, type YAMLSeq } from 'yaml';
import { newTask, type PlanTask } from '../model';
import { lineAt, type Line } from '../text';
import type { PlanFormat, PlanSource, SettableStatus } from './format';
import { replaceSpan } from './statusText';

/**
 * The front matter's `---` lines (`---` … `---` or `...` at the top of the file), or null. The
 * parser blanks these lines for markdown, so a YAML string can never open a code fence.
 */
export function frontMatterLines(lines: readonly Line[]): { open: number; close: number } | null {
  if (lines.length < 2 || lines[0].text !== '---') return null;
  for (let i = 1; i < lines.length; i++) if (lines[i].text === '---' || lines[i].text === '...') return { open: 0, close: i };
  return null;
}

/**
 * `front-matter` (SPEC §1): Cursor plan files keep their todos in YAML front matter, `todos:
 * [{id, content, status, dependencies}]`. Cursor writes YAML that is not valid (an unquoted
 * colon in `content:`): when the YAML parser stumbles, the todos are read line by line rather
 * than lost, and never invented from a table elsewhere in the file.
 */
export const frontMatter: PlanFormat = {
  dialect: 'front-matter',
  recognize: (source) => source.frontMatter !== null,
  read(source) {
    const { text, lines } = source;
    const close = source.frontMatter!.close;
    const start = lines[1].start;
    // YAML does not take a lone CR as a line break; CR → LF keeps every offset where it was.
    const yaml = text.slice(start, lines[close].start).replace(/\r(?!\n)/g, '\n');
    const doc = parseDocument(yaml, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: false });
    const todos = isMap(doc.contents) ? doc.contents.get('todos', true) : undefined;
    const entries = isSeq(todos) && doc.errors.length === 0 ? yamlTodos(todos, start) : lenientTodos(lines, 1, close);
    // YAML that did not parse but whose todos were read line by line is Cursor's, not a problem.
    if (!doc.errors.length || !entries.length) {
      for (const err of doc.errors.slice(0, 5)) {
        source.problems.push({
          code: 'unreadable',
          severity: 'warning',
          line: lineAt(lines, start + (err.pos?.[0] ?? 0)),
          taskId: null,
          message: `front matter could not be read: ${err.message.split('\n')[0]}`,
        });
      }
    }
    return entries.map((entry) => todoTask(entry, source));
  },
  setStatus(_doc, task, status) {
    const word = (words as Partial<Record<SettableStatus, string>>)[status];
    if (!word) return { ok: false, error: `Cursor plan todos can be pending, in_progress, completed or cancelled, not ${status}` };
    return { ok: true, edits: [replaceSpan(task.statusSpan!, word)] };
  },
};

const words = { todo: 'pending', 'in-progress': 'in_progress', done: 'completed', cancelled: 'cancelled' };

/** A todo as read from the front matter, with the offsets (in the whole file) of what edits touch. */
interface TodoEntry {
  id: string | undefined;
  content: string | undefined;
  status: { value: string; start: number; end: number } | undefined;
  dependencies: string[];
  start: number;
  end: number;
}

function yamlTodos(todos: YAMLSeq, start: number): TodoEntry[] {
  const entries: TodoEntry[] = [];
  for (const entry of todos.items) {
    if (!isMap(entry)) continue;
    const id = entry.get('id', true);
    const content = entry.get('content', true);
    const status = entry.get('status', true);
    if (!isScalar(id) && !isScalar(content)) continue;
    const deps = entry.get('dependencies', true);
    entries.push({
      id: isScalar(id) ? String(id.value) : undefined,
      content: isScalar(content) ? String(content.value ?? '') : undefined,
      status: isScalar(status) && status.range ? { value: String(status.value ?? ''), start: start + status.range[0], end: start + status.range[1] } : undefined,
      dependencies: isSeq(deps) ? deps.items.filter(isScalar).map((d) => String(d.value)) : [],
      start: start + (entry.range?.[0] ?? 0),
      end: start + (entry.range?.[1] ?? 0),
    });
  }
  return entries;
}

/**
 * The `todos:` list read one line at a time: an entry starts at `- key: value`, its keys follow
 * at deeper indentation, `dependencies:` takes `- item` lines or `[a, b]`. A value is the rest of
 * its line (quotes removed), colons and all.
 */
function lenientTodos(lines: readonly Line[], first: number, close: number): TodoEntry[] {
  const entries: TodoEntry[] = [];
  let inTodos = false;
  let current: TodoEntry | undefined;
  let inDependencies = false;
  for (let l = first; l < close; l++) {
    const { text, start } = lines[l];
    if (/^\S/.test(text)) {
      inTodos = /^todos\s*:\s*$/.test(text);
      current = undefined;
      continue;
    }
    if (!inTodos) continue;
    const entry = /^(\s*)-\s+(\w+)\s*:\s*(.*)$/.exec(text);
    const field = entry ?? /^(\s*)(\w+)\s*:\s*(.*)$/.exec(text);
    const item = /^\s*-\s+(.+?)\s*$/.exec(text);
    if (entry && !inDependenciesItem(inDependencies, current, entry)) {
      current = { id: undefined, content: undefined, status: undefined, dependencies: [], start: start + entry[1].length, end: start + text.length };
      entries.push(current);
    } else if (inDependencies && item && current) {
      current.dependencies.push(unquote(item[1]));
      current.end = start + text.length;
      continue;
    }
    if (!current || !field) continue;
    const [, , key, rawValue] = field;
    const valueStart = start + text.length - rawValue.length;
    inDependencies = key === 'dependencies' && rawValue.trim() === '';
    if (key === 'id') current.id = unquote(rawValue);
    else if (key === 'content') current.content = unquote(rawValue);
    else if (key === 'status') {
      const quoted = /^(["']?)(.*?)\1\s*$/.exec(rawValue)!;
      current.status = { value: quoted[2], start: valueStart + quoted[1].length, end: valueStart + quoted[1].length + quoted[2].length };
    } else if (key === 'dependencies' && rawValue.trim().startsWith('[')) {
      current.dependencies.push(...rawValue.trim().slice(1, -1).split(',').map(unquote).filter(Boolean));
    }
    current.end = start + text.length;
  }
  return entries;
}

/** Under `dependencies:`, a `- phase-2` line is an item of that list, not a new todo. */
function inDependenciesItem(inDependencies: boolean, current: TodoEntry | undefined, entry: RegExpExecArray): boolean {
  return inDependencies && current !== undefined && !/^(id|content|status)$/.test(entry[2]);
}

function unquote(value: string): string {
  return value.trim().replace(/^(["'])(.*)\1$/, '$2');
}

function todoTask(entry: TodoEntry, source: PlanSource): PlanTask {
  const lines = source.lines;
  const title = entry.content ?? entry.id ?? '';
  const line = lineAt(lines, entry.start);
  return newTask({
    id: entry.id ?? title,
    title,
    status: entry.status ? source.status(entry.status.value) : 'unknown',
    rawStatus: entry.status?.value ?? '',
    dependencies: entry.dependencies,
    dialect: 'front-matter',
    line,
    startLine: line,
    endLine: lineAt(lines, Math.max(entry.start, entry.end - 1)),
    statusSpan: entry.status ? { start: entry.status.start, end: entry.status.end } : undefined,
  });
}
