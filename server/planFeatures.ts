import { escapeMarkdown } from '../engine/markdown';
import {
  CompletionItemKind,
  type CodeLens,
  type CompletionItem,
  type Hover,
  type Location,
  type TextDocumentPositionParams,
  SymbolKind,
  TextDocumentEdit,
  type Connection,
  type DocumentSymbol,
  type TextDocuments,
} from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { dependencyRefsOnLine, setStatus, toggleCheckbox, type EditResult, type PlanDocument, type PlanTask } from '../engine/plans';
import { statusIcons } from '../engine/protocol/plans';
import { NextTaskRequest, SetTaskStatusRequest, ToggleCheckboxRequest, type PlanEditResult } from '../engine/protocol/lsp';
import type { Logger } from '../engine/log';
import { toPath, type PlanService } from './planService';
import { positionsOf } from './planViews';

/** What plan files answer for hover, definition and completion; server.ts combines them with trace codes'. */
export interface PlanLanguageFeatures {
  hover(params: TextDocumentPositionParams): Hover | null;
  definition(params: TextDocumentPositionParams): Location | null;
  completion(params: TextDocumentPositionParams): CompletionItem[];
}

/** Language features in plan files: symbols, hovers, definitions, completion, code lenses, edits. */
export function registerPlanFeatures(connection: Connection, documents: TextDocuments<TextDocument>, plans: PlanService, log: Logger): PlanLanguageFeatures {
  const planAt = (uri: string): PlanDocument | undefined => {
    const file = toPath(uri);
    return file ? plans.index.get(file) : undefined;
  };

  connection.onDocumentSymbol(({ textDocument }) => {
    const doc = planAt(textDocument.uri);
    if (!doc) return [];
    const positions = positionsOf(doc);
    const symbols = new Map<PlanTask, DocumentSymbol>();
    const roots: DocumentSymbol[] = [];
    for (const task of doc.tasks) {
      const range = { start: positions.lineRange(task.startLine).start, end: positions.lineRange(task.endLine).end };
      const symbol: DocumentSymbol = {
        name: `${task.id}: ${task.title}`.slice(0, 200) || task.id,
        detail: task.status,
        kind: task.status === 'done' ? SymbolKind.Boolean : SymbolKind.Event,
        range,
        selectionRange: positions.lineRange(task.line),
        children: [],
      };
      symbols.set(task, symbol);
      const parent = doc.tasks.find((t) => t.id === task.parent && t !== task);
      const parentSymbol = parent ? symbols.get(parent) : undefined;
      (parentSymbol?.children ?? roots).push(symbol);
    }
    return roots;
  });

  const refAt = (uri: string, line: number, character: number) => {
    const doc = planAt(uri);
    if (!doc) return undefined;
    const offset = positionsOf(doc).offset({ line, character });
    const ref = dependencyRefsOnLine(doc, line).find((r) => offset >= r.start && offset <= r.end);
    return ref ? { doc, ref, target: plans.index.resolve(ref.ref, doc.file) } : undefined;
  };

  const hover = ({ textDocument, position }: TextDocumentPositionParams): Hover | null => {
    const found = refAt(textDocument.uri, position.line, position.character);
    if (!found) return null;
    const positions = positionsOf(found.doc);
    const range = positions.range(found.ref.start, found.ref.end);
    if (!found.target) {
      return { range, contents: { kind: 'markdown', value: `**${found.ref.ref}**: no task in the workspace's plans has this id or title` } };
    }
    const { task, file } = found.target;
    const where = file === found.doc.file ? `line ${task.line + 1}` : `${plans.relative(file)}:${task.line + 1}`;
    const open = task.deliverables.filter((d) => !d.done).length;
    const value = [
      `**${escapeMarkdown(task.id)}: ${escapeMarkdown(task.title)}**`,
      '',
      `Status: **${task.status}**${task.priority ? ` · Priority: ${task.priority}` : ''}${task.deliverables.length ? ` · ${task.deliverables.length - open}/${task.deliverables.length} deliverables done` : ''}`,
      '',
      `Defined at ${escapeMarkdown(where)}`,
    ].join('\n');
    return { range, contents: { kind: 'markdown', value } };
  };

  const definition = ({ textDocument, position }: TextDocumentPositionParams): Location | null => {
    const found = refAt(textDocument.uri, position.line, position.character);
    if (!found?.target) return null;
    const target = plans.index.get(found.target.file)!;
    return { uri: URI.file(found.target.file).toString(), range: positionsOf(target).lineRange(found.target.task.line) };
  };

  const completion = ({ textDocument, position }: TextDocumentPositionParams): CompletionItem[] => {
    const document = documents.get(textDocument.uri);
    if (!document || !planAt(textDocument.uri)) return [];
    const before = document.getText({ start: { line: position.line, character: 0 }, end: position }).toLowerCase();
    const field = /(?:\*\*)?(status|priority)(?::\*\*|\*\*:|:)\s*[\w\s-]*$/.exec(before)?.[1];
    const values =
      field === 'status'
        ? ['todo', 'in-progress', 'blocked', 'paused', 'done', 'cancelled', 'pending', 'completed']
        : field === 'priority'
          ? ['critical', 'high', 'medium', 'low']
          : [];
    return values.map((label, i) => ({ label, kind: CompletionItemKind.EnumMember, sortText: String(i).padStart(2, '0'), detail: `Plumbline ${field}` }));
  };

  connection.onCodeLens(({ textDocument }) => {
    const doc = planAt(textDocument.uri);
    if (!doc) return [];
    const version = documents.get(textDocument.uri)?.version ?? null;
    const lenses: CodeLens[] = [];
    for (const task of doc.tasks) {
      const range = positionsOf(doc).lineRange(task.line);
      const args = (status?: string) => [{ uri: textDocument.uri, taskId: task.id, version, status }];
      lenses.push({ range, command: { title: `$(${statusIcons[task.status]}) ${task.status}`, command: 'plumbline.setTaskStatus', arguments: args() } });
      if (task.status !== 'in-progress' && task.status !== 'done' && task.status !== 'cancelled') {
        lenses.push({ range, command: { title: 'Start', command: 'plumbline.setTaskStatus', arguments: args('in-progress') } });
      }
      if (task.status !== 'done' && task.status !== 'cancelled') {
        lenses.push({ range, command: { title: 'Done', command: 'plumbline.setTaskStatus', arguments: args('done') } });
        lenses.push({ range, command: { title: '$(play) Run agent', command: 'plumbline.runAgentOnTask', arguments: [{ uri: textDocument.uri, taskId: task.id }] } });
      }
    }
    return lenses;
  });

  const applyPlanEdit = async (uri: string, version: number | null, result: EditResult): Promise<PlanEditResult> => {
    if (!result.ok) return { applied: false, message: result.error };
    if (result.edits.length === 0) return { applied: true, message: 'already so: nothing to change' };
    const doc = planAt(uri)!;
    const positions = positionsOf(doc);
    const edits = result.edits.map((e) => ({ range: positions.range(e.start, e.end), newText: e.newText }));
    const response = await connection.workspace.applyEdit({
      label: 'Plumbline: plan edit',
      edit: { documentChanges: [TextDocumentEdit.create({ uri, version }, edits)] },
    });
    return response.applied
      ? { applied: true }
      : { applied: false, message: `The plan changed before the edit could be applied; nothing was changed. ${response.failureReason ?? ''}`.trim() };
  };

  /** The edit is computed on the text the request was made against, or refused. */
  const checkVersion = (uri: string, version: number | null): PlanEditResult | undefined => {
    const file = toPath(uri);
    if (!file || !plans.index.get(file)) return { applied: false, message: 'this file is not a plan Plumbline knows' };
    if (plans.isReadOnly(file)) return { applied: false, message: 'this file is not valid UTF-8: Plumbline does not edit it' };
    const open = documents.get(uri);
    if (version !== null && open?.version !== version) {
      return { applied: false, message: 'The plan changed since this action was shown; nothing was changed. Try again on the current text.' };
    }
    return undefined;
  };

  // The next task is chosen among every plan: while the workspace is still being read, the answer waits for it.
  connection.onRequest(NextTaskRequest.method, async (): Promise<NextTaskRequest.Result> => {
    await plans.scanned();
    const next = plans.index.next();
    return next ? { uri: URI.file(next.file).toString(), line: next.task.line, id: next.task.id, title: next.task.title } : null;
  });

  connection.onRequest(SetTaskStatusRequest.method, async (raw: unknown): Promise<PlanEditResult> => {
    const parsed = SetTaskStatusRequest.params.safeParse(raw);
    if (!parsed.success) return refuse(log, SetTaskStatusRequest.method, parsed.error.message);
    const { uri, taskId, status, version, date } = parsed.data;
    const refused = checkVersion(uri, version);
    if (refused) return refused;
    const doc = planAt(uri)!;
    return applyPlanEdit(uri, documents.get(uri)?.version ?? null, setStatus(doc, taskId, status, { date }));
  });

  connection.onRequest(ToggleCheckboxRequest.method, async (raw: unknown): Promise<PlanEditResult> => {
    const parsed = ToggleCheckboxRequest.params.safeParse(raw);
    if (!parsed.success) return refuse(log, ToggleCheckboxRequest.method, parsed.error.message);
    const { uri, version, boxes } = parsed.data;
    const refused = checkVersion(uri, version);
    if (refused) return refused;
    const doc = planAt(uri)!;
    const edits = [];
    for (const { line, text } of boxes) {
      const box = doc.checkboxes.find((b) => b.line === line);
      if (!box) continue;
      if (text !== undefined && box.text !== text) {
        return { applied: false, message: `line ${line + 1} no longer holds "${text}"; nothing was changed` };
      }
      const toggled = toggleCheckbox(doc, line);
      if (toggled.ok) edits.push(...toggled.edits);
    }
    const result: EditResult = edits.length
      ? { ok: true, edits }
      : { ok: false, error: boxes.length === 1 ? `line ${boxes[0].line + 1} has no checkbox` : 'none of these lines has a checkbox' };
    return applyPlanEdit(uri, documents.get(uri)?.version ?? null, result);
  });

  return { hover, definition, completion };
}


function refuse(log: Logger, method: string, error: string): PlanEditResult {
  log.warn(`${method}: rejected a request of the wrong shape: ${error}`);
  return { applied: false, message: `bad request: ${error}` };
}
