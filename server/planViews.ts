import { DiagnosticSeverity, type Diagnostic, type Position, type Range } from 'vscode-languageserver/node';
import type { PlanDocument, Problem } from '../engine/plans';
import type { PlanSummary } from '../engine/protocol/plans';

/** Offsets ↔ LSP positions for one plan's text (UTF-16 offsets, as LSP counts). */
export class Positions {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) this.starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        this.starts.push(i + 1);
      }
    }
  }

  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }

  offset(position: Position): number {
    return (this.starts[position.line] ?? this.text.length) + position.character;
  }

  /** The whole line, without its line break. */
  lineRange(line: number): Range {
    const start = this.starts[line] ?? this.text.length;
    let end = (this.starts[line + 1] ?? this.text.length + 1) - 1;
    while (end > start && (this.text[end - 1] === '\r' || this.text[end - 1] === '\n')) end--;
    if (line + 1 >= this.starts.length) end = this.text.length;
    return { start: { line, character: 0 }, end: { line, character: Math.max(0, end - start) } };
  }

  range(start: number, end: number): Range {
    return { start: this.position(start), end: this.position(end) };
  }
}

const cache = new WeakMap<PlanDocument, Positions>();
export function positionsOf(doc: PlanDocument): Positions {
  let positions = cache.get(doc);
  if (!positions) cache.set(doc, (positions = new Positions(doc.text)));
  return positions;
}

const severities = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information };

export function diagnosticsFor(doc: PlanDocument, problems: readonly Problem[]): Diagnostic[] {
  const positions = positionsOf(doc);
  return problems.map((p) => ({
    range: p.span ? positions.range(p.span.start, p.span.end) : positions.lineRange(p.line),
    severity: severities[p.severity],
    source: 'Plumbline',
    code: p.code,
    message: p.message,
  }));
}

export function summarize(uri: string, file: string, doc: PlanDocument, problems: readonly Problem[]): PlanSummary {
  return {
    uri,
    file,
    dialects: doc.dialects,
    tasks: doc.tasks.map((t) => ({
      id: t.id,
      title: t.title,
      status: t.status,
      rawStatus: t.rawStatus,
      priority: t.priority,
      dependencies: t.dependencies,
      dialect: t.dialect,
      line: t.line,
      boxLine: t.box?.line ?? null,
      assignee: t.assignee,
      started: t.started,
      completed: t.completed,
      lastUpdated: t.lastUpdated,
      effort: t.effort,
      parent: t.parent,
      deliverables: t.deliverables.map((d) => ({ line: d.line, text: d.text, mark: d.mark, done: d.done })),
      problems: problems.filter((p) => p.taskId === t.id && p.line >= t.startLine && p.line <= t.endLine).map((p) => p.message),
    })),
    checkboxes: { open: doc.checkboxes.filter((b) => !b.done).length, done: doc.checkboxes.filter((b) => b.done).length },
    problemCount: problems.filter((p) => p.severity !== 'info').length,
  };
}
