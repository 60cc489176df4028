import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ApplyWorkspaceEditRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  type ApplyWorkspaceEditParams,
  type Diagnostic,
  type DocumentSymbol,
  type Hover,
  type Location,
  type TextDocumentEdit,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { PlansChangedNotification, SetTaskStatusRequest, ToggleCheckboxRequest } from '../../engine/protocol/lsp';
import { startServer, type ServerUnderTest } from './languageServer';

/** The built server as its own process, on a copy of the demo workspace, driven over LSP. */
describe('plan features over LSP', () => {
  let server: ServerUnderTest;
  let workspace: string;
  const diagnostics = new Map<string, Diagnostic[]>();
  const plansChanged: PlansChangedNotification.Params[] = [];
  const applied: ApplyWorkspaceEditParams[] = [];
  const uri = (relative: string) => URI.file(path.join(workspace, relative)).toString();

  before(async () => {
    workspace = path.join(mkdtempSync(path.join(os.tmpdir(), 'plumbline-lsp-')), 'demo');
    cpSync(path.resolve(__dirname, '../../demo'), workspace, { recursive: true });
    server = startServer();
    server.connection.onNotification(PublishDiagnosticsNotification.type, (p) => void diagnostics.set(p.uri, p.diagnostics));
    server.connection.onNotification(PlansChangedNotification.method, (p: PlansChangedNotification.Params) => void plansChanged.push(p));
    server.connection.onRequest(ApplyWorkspaceEditRequest.type, (p) => {
      applied.push(p);
      return { applied: true };
    });
    await server.initialize(workspace);
    await server.connection.sendNotification(InitializedNotification.type, {});
    await eventually(() => plansChanged.length > 0, 'the first plans notification');
  });
  after(async () => {
    await server.shutdown();
    rmSync(path.dirname(workspace), { recursive: true, force: true });
  });

  it('announces every plan of the workspace, then publishes diagnostics for its problems', async () => {
    const first = plansChanged[0];
    assert.equal(first.full, true);
    assert.equal(first.changed.length, 8);
    await eventually(() => diagnostics.has(uri('plans/task-heading.md')), 'diagnostics');
    const found = diagnostics.get(uri('plans/task-heading.md'))!;
    assert.deepEqual(
      found.map((d) => `${d.range.start.line} ${d.code} ${d.source}`),
      ['41 unknown-dependency Plumbline', '61 todo-mismatch Plumbline'],
    );
    assert.deepEqual(diagnostics.get(uri('plans/table.md')) ?? [], [], 'a plan with no problems has none (and needs no message saying so)');
  });

  it('reads the plans of a folder reported created as the folder alone, and drops them when the folder is deleted', async () => {
    // What VS Code's watcher reports for `mkdir -p .kiro/specs/sync` and a tasks.md written at once.
    const folder = path.join(workspace, '.kiro');
    mkdirSync(path.join(folder, 'specs/sync'), { recursive: true });
    writeFileSync(path.join(folder, 'specs/sync/tasks.md'), '# Tasks\n\n- [x] 1. Journal\n- [ ] 2. Replay\n');
    const created = (relative: string) => ({ uri: uri(relative), type: FileChangeType.Created as FileChangeType });
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [created('.kiro'), created('.kiro/specs'), created('.kiro/specs/sync')] });
    const announced = () => plansChanged.flatMap((p) => p.changed).find((plan) => plan.uri === uri('.kiro/specs/sync/tasks.md'));
    await eventually(() => announced() !== undefined, 'the new plan');
    assert.deepEqual(announced()!.tasks.map((t) => `${t.id} ${t.status}`), ['1 done', '2 todo']);
    rmSync(folder, { recursive: true });
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('.kiro'), type: FileChangeType.Deleted }] });
    await eventually(() => plansChanged.some((p) => p.removed.includes(uri('.kiro/specs/sync/tasks.md'))), 'the plan to go with its folder');
  });

  it('re-reads an open document as it is edited, and publishes only what changed', async () => {
    const before = plansChanged.length;
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uri('plans/tasks.md'), languageId: 'markdown', version: 1, text: '- [ ] T001 one\n- [ ] T001 two\n' },
    });
    await eventually(() => plansChanged.length > before, 'a plans notification');
    const last = plansChanged.at(-1)!;
    assert.equal(last.full, false);
    assert.deepEqual(last.changed.map((p) => p.file), ['plans/tasks.md']);
    await eventually(() => diagnostics.get(uri('plans/tasks.md'))?.[0]?.code === 'duplicate-task-id', 'the duplicate id diagnostic');
  });

  it('hovers a dependency id with its task, and goes to its definition', async () => {
    const doc = { uri: uri('plans/task-heading.md') };
    // Line 37 (0-based 38): **Status**: blocked | **Priority**: medium | **Dependencies**: [1, 2]
    const line = 38;
    const character = '**Status**: blocked | **Priority**: medium | **Dependencies**: [1, '.length;
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: doc, position: { line, character } })) as Hover;
    assert.match(JSON.stringify(hover.contents), /2: Harden the Webhook Endpoint/);
    assert.match(JSON.stringify(hover.contents), /Status: \*\*in-progress\*\*/);
    const definition = (await server.connection.sendRequest(DefinitionRequest.type, { textDocument: doc, position: { line, character } })) as Location;
    assert.equal(definition.uri, doc.uri);
    assert.equal(definition.range.start.line, 26);
    const missing = (await server.connection.sendRequest(HoverRequest.type, {
      textDocument: doc,
      position: { line: 43, character: '**Status**: pending | **Priority**: low | **Dependencies**: [2, '.length },
    })) as Hover;
    assert.match(JSON.stringify(missing.contents), /no task in the workspace's plans/);
  });

  it('goes to a dependency defined in another plan file, by its title', async () => {
    const follow = uri('plans/follow-up.md');
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: follow, languageId: 'markdown', version: 1, text: '# Follow Up\nStatus: TODO\nDependencies: [Rate Limit the Public Search Endpoint]\n' },
    });
    await eventually(() => plansChanged.some((p) => p.changed.some((c) => c.file === 'plans/follow-up.md')), 'the new plan');
    const position = { line: 2, character: 'Dependencies: [Rate'.length };
    const definition = (await server.connection.sendRequest(DefinitionRequest.type, { textDocument: { uri: follow }, position })) as Location;
    assert.equal(definition.uri, uri('plans/header-block.md'));
    assert.equal(definition.range.start.line, 32);
    const hover = (await server.connection.sendRequest(HoverRequest.type, { textDocument: { uri: follow }, position })) as Hover;
    assert.match(JSON.stringify(hover.contents), /plans\/header-block\.md:33/);
  });

  it('lists tasks as document symbols, nested by parent', async () => {
    const symbols = (await server.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: uri('plans/checklist.md') } })) as DocumentSymbol[];
    assert.equal(symbols.length, 8);
    const shutdown = symbols.find((s) => s.name.startsWith('2.2:'))!;
    assert.deepEqual(shutdown.children?.map((c) => c.name), ['2.2.1: Drain in-flight tasks first']);
  });

  it('completes status and priority values', async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uri('plans/new.md'), languageId: 'markdown', version: 1, text: '### Task 1: A\n\n**Status**: \n\n**Priority**: \n- [ ] x\n' },
    });
    await eventually(() => plansChanged.some((p) => p.changed.some((c) => c.file === 'plans/new.md')), 'the new plan');
    const status = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri('plans/new.md') }, position: { line: 2, character: 12 } })) as { label: string }[];
    assert.ok(['todo', 'in-progress', 'done', 'blocked'].every((s) => status.some((c) => c.label === s)));
    const priority = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri('plans/new.md') }, position: { line: 4, character: 14 } })) as { label: string }[];
    assert.deepEqual(priority.map((c) => c.label), ['critical', 'high', 'medium', 'low']);
  });

  it('offers status, Start, Done and Run agent code lenses on tasks', async () => {
    const lenses = (await server.connection.sendRequest(CodeLensRequest.type, { textDocument: { uri: uri('plans/task-heading.md') } })) as unknown as {
      range: { start: { line: number } };
      command: { title: string; command: string; arguments: [{ taskId: string; status?: string }] };
    }[];
    const onTask4 = lenses.filter((l) => l.range.start.line === 41).map((l) => l.command.title);
    assert.deepEqual(onTask4, ['$(circle-large-outline) todo', 'Start', 'Done', '$(play) Run agent']);
    const onTask1 = lenses.filter((l) => l.range.start.line === 9).map((l) => l.command.title);
    assert.deepEqual(onTask1, ['$(pass-filled) done']);
    const done = lenses.find((l) => l.range.start.line === 41 && l.command.title === 'Done')!;
    assert.deepEqual({ ...done.command.arguments[0], uri: undefined }, { uri: undefined, taskId: '4', version: null, status: 'done' });
    const run = lenses.find((l) => l.range.start.line === 41 && l.command.command === 'plumbline.runAgentOnTask')!;
    assert.deepEqual(run.command.arguments, [{ uri: uri('plans/task-heading.md'), taskId: '4' }]);
  });

  it('sets a status with a versioned workspace edit, and refuses a stale or malformed request', async () => {
    const target = uri('plans/table.md');
    const result = await server.connection.sendRequest(SetTaskStatusRequest.method, { uri: target, taskId: 'infra-003', status: 'done', version: null });
    assert.deepEqual(result, { applied: true });
    const edit = applied.at(-1)!.edit.documentChanges![0] as TextDocumentEdit;
    assert.deepEqual(edit.textDocument, { uri: target, version: null });
    assert.deepEqual(edit.edits.map((e) => [e.range.start.line, 'newText' in e ? e.newText : null]), [[10, ' ✅ done         ']]);

    const stale = await server.connection.sendRequest(SetTaskStatusRequest.method, { uri: uri('plans/tasks.md'), taskId: 'T001', status: 'done', version: 0 });
    assert.deepEqual(stale, { applied: false, message: 'The plan changed since this action was shown; nothing was changed. Try again on the current text.' });

    const count = applied.length;
    const bad = (await server.connection.sendRequest(SetTaskStatusRequest.method, { uri: target, taskId: 'infra-003', status: 'finished' })) as { applied: boolean; message: string };
    assert.equal(bad.applied, false);
    assert.match(bad.message, /^bad request: /);
    const toggle = (await server.connection.sendRequest(ToggleCheckboxRequest.method, { uri: target, version: null, boxes: [{ line: 2 }] })) as { applied: boolean; message: string };
    assert.deepEqual(toggle, { applied: false, message: 'line 3 has no checkbox' });
    assert.equal(applied.length, count, 'nothing was applied');
    assert.ok(server.logs.some((l) => /rejected a request of the wrong shape/.test(l.message)));
  });

  it('reads the plans again when their settings change, announcing only what changed: never every plan gone midway', async () => {
    // Enough plans that reading them again takes longer than the 150 ms between publishes.
    for (let i = 0; i < 800; i++) {
      mkdirSync(path.join(workspace, `many/p${i % 20}`), { recursive: true });
      const steps = Array.from({ length: 100 }, (_, n) => `- [${n % 3 ? ' ' : 'x'}] Step ${n} of plan ${i}: read the input, check it, write the output`);
      writeFileSync(path.join(workspace, `many/p${i % 20}/plan${i}.md`), `# Plan ${i}\n\n${steps.join('\n')}\n`);
    }
    const created = (relative: string) => ({ uri: uri(relative), type: FileChangeType.Created as FileChangeType });
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [created('many')] });
    await eventually(() => plansChanged.some((p) => p.changed.some((plan) => plan.uri === uri('many/p19/plan799.md'))), 'the new plans');

    const from = plansChanged.length;
    const settings = (exclude: string[]) => ({ settings: { plumbline: { plans: { exclude } } } });
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, settings(['plans/table.md']));
    // A file saved while the plans are read again: its publish must not go out midway.
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('many/p0/plan0.md'), type: FileChangeType.Changed }] });
    await eventually(() => plansChanged.slice(from).some((p) => p.removed.includes(uri('plans/table.md'))), 'the excluded plan to go');
    const removed = plansChanged.slice(from).flatMap((p) => p.removed);
    assert.deepEqual(removed, [uri('plans/table.md')], 'only the excluded plan is removed');

    const back = plansChanged.length;
    await server.connection.sendNotification(DidChangeConfigurationNotification.type, settings([]));
    await eventually(() => plansChanged.slice(back).some((p) => p.changed.some((plan) => plan.uri === uri('plans/table.md'))), 'the plan to come back');
    assert.deepEqual(plansChanged.slice(back).flatMap((p) => p.removed), []);
  });
});

async function eventually(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
