import { isMap, isScalar, isSeq, parseDocument } from 'yaml';
import { noDeliverables, noMetadata, type PlanTask, type Problem } from './model';
import { lineAt, type Line } from './text';
import { parseStatus } from './words';

/**
 * YAML front matter (`---` … `---` at the top of the file). Cursor plan files keep their todos
 * there: `todos: [{id, content, status}]`. Returns the line after the front matter (0 when there
 * is none), the todos as tasks, and what could not be read.
 */
export function readFrontMatter(
  text: string,
  lines: readonly Line[],
): { endLine: number; tasks: PlanTask[]; problems: Problem[] } {
  const none = { endLine: 0, tasks: [], problems: [] };
  if (lines.length < 2 || lines[0].text !== '---') return none;
  let close = -1;
  for (let i = 1; i < lines.length; i++) {
    if (lines[i].text === '---' || lines[i].text === '...') {
      close = i;
      break;
    }
  }
  if (close === -1) return none;
  const start = lines[1].start;
  // YAML does not take a lone CR as a line break; CR → LF keeps every offset where it was.
  const source = text.slice(start, lines[close].start).replace(/\r(?!\n)/g, '\n');
  const doc = parseDocument(source, { keepSourceTokens: false, prettyErrors: false, uniqueKeys: false });
  const problems: Problem[] = doc.errors.slice(0, 5).map((err) => ({
    code: 'unreadable' as const,
    severity: 'warning' as const,
    line: lineAt(lines, start + (err.pos?.[0] ?? 0)),
    taskId: null,
    message: `front matter could not be read: ${err.message.split('\n')[0]}`,
  }));
  const tasks: PlanTask[] = [];
  const todos = isMap(doc.contents) ? doc.contents.get('todos', true) : undefined;
  if (isSeq(todos)) {
    for (const entry of todos.items) {
      if (!isMap(entry)) continue;
      const id = entry.get('id', true);
      const content = entry.get('content', true);
      const status = entry.get('status', true);
      if (!isScalar(id) && !isScalar(content)) continue;
      const entryStart = start + (entry.range?.[0] ?? 0);
      const entryEnd = start + (entry.range?.[1] ?? 0);
      const rawStatus = isScalar(status) ? String(status.value ?? '') : '';
      const title = isScalar(content) ? String(content.value ?? '') : String((id as { value: unknown }).value);
      const statusSpan =
        isScalar(status) && status.range ? { start: start + status.range[0], end: start + status.range[1] } : undefined;
      const line = lineAt(lines, entryStart);
      const deps = entry.get('dependencies', true);
      tasks.push({
        id: isScalar(id) ? String(id.value) : title,
        title,
        status: statusSpan ? parseStatus(rawStatus) : 'unknown',
        rawStatus,
        priority: null,
        dependencies: isSeq(deps) ? deps.items.filter(isScalar).map((d) => String(d.value)) : [],
        dialect: 'front-matter',
        line,
        startLine: line,
        endLine: lineAt(lines, Math.max(entryStart, entryEnd - 1)),
        statusSpan,
        deliverables: noDeliverables,
        assignee: null,
        started: null,
        completed: null,
        lastUpdated: null,
        effort: null,
        parent: null,
        blocker: null,
        metadata: noMetadata,
      });
    }
  }
  return { endLine: close + 1, tasks, problems };
}
