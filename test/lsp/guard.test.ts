import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeActionRequest,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  FileChangeType,
  InitializedNotification,
  PublishDiagnosticsNotification,
  type CodeAction,
  type Diagnostic,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { CheckEditRequest, CriticalViolationNotification, ReportedEditRequest } from '../../engine/protocol/lsp';
import { eventually, startServer, type ServerUnderTest } from './languageServer';
import { storeClass } from '../fixtures/storeClass';

const original = storeClass;
const dropped = original.replace(/  load[\s\S]*?this\.items\.delete\(key\);\n  }\n/, '  // ... (other methods)\n');

/** The guard in the built server: files changed on disk are checked against their baseline. */
describe('the guard over LSP', () => {
  let server: ServerUnderTest;
  let dir: string;
  const diagnostics = new Map<string, Diagnostic[]>();
  const critical: CriticalViolationNotification.Params[] = [];

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-guard-'));
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir });
    git('init', '-q');
    writeFileSync(path.join(dir, 'store.ts'), original);
    writeFileSync(path.join(dir, 'other.ts'), original);
    git('add', '-A');
    git('commit', '-q', '-m', 'base');
    server = startServer();
    server.connection.onNotification(PublishDiagnosticsNotification.type, (p) => void diagnostics.set(p.uri, p.diagnostics));
    server.connection.onNotification(CriticalViolationNotification.method, (p: CriticalViolationNotification.Params) => void critical.push(p));
    await server.initialize(dir);
    await server.connection.sendNotification(InitializedNotification.type, {});
  });
  after(async () => {
    await server.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  const uri = (name: string) => URI.file(path.join(dir, name)).toString();
  const changed = (name: string) =>
    server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri(name), type: FileChangeType.Changed }] });

  it('checks a file rewritten on disk against its git HEAD version and reports the drop where the placeholder is', async () => {
    writeFileSync(path.join(dir, 'store.ts'), dropped);
    await changed('store.ts');
    const found = await eventually(() => diagnostics.get(uri('store.ts'))?.find((d) => d.code === 'placeholder-dropped'));
    assert.equal(found.range.start.line, 7);
    assert.equal(found.source, 'Plumbline');
    assert.match(String(found.message), /`\/\/ \.\.\. \(other methods\)` replaced 7 lines: class members `load`, `delete`/);
    assert.match(found.relatedInformation![0].message, /Dropped code:\n {2}load\(key: string\) \{/);
    // The critical notice follows the diagnostics on the wire; it may arrive a read later.
    await eventually(() => critical.find((c) => c.uri === uri('store.ts')));
  });

  it('offers to restore exactly the dropped lines, and to accept the edit', async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uri('store.ts'), languageId: 'typescript', version: 1, text: dropped },
    });
    const diagnostic = diagnostics.get(uri('store.ts'))!.find((d) => d.code === 'placeholder-dropped')!;
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri('store.ts') },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    assert.deepEqual(actions.map((a) => a.title), ['Restore the 7 dropped lines', 'Accept this edit']);
    const edit = actions[0].edit!.changes![uri('store.ts')][0];
    const lines = dropped.split('\n');
    lines.splice(edit.range.start.line, edit.range.end.line - edit.range.start.line + 1, edit.newText);
    assert.equal(lines.join('\n'), original, 'the restore puts back the exact original text');

    await server.connection.sendRequest(ExecuteCommandRequest.type, actions[1].command!);
    await eventually(() => diagnostics.get(uri('store.ts'))?.length === 0 || undefined);
  });

  it('does not treat a change back to the git version (a checkout) as an agent edit', async () => {
    writeFileSync(path.join(dir, 'other.ts'), original.replace('save(', 'persist('));
    await changed('other.ts');
    writeFileSync(path.join(dir, 'other.ts'), original);
    await changed('other.ts');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(diagnostics.get(uri('other.ts'))?.length ?? 0, 0);
  });

  it('answers plumbline/checkEdit for the agent engine, and refuses bad params clearly', async () => {
    const result = await server.connection.sendRequest(CheckEditRequest.method, { uri: uri('x.ts'), before: original, after: dropped });
    assert.deepEqual(
      CheckEditRequest.result.parse(result).violations.map((v) => `${v.kind}@${v.line}`),
      ['placeholder-dropped@7'],
    );
    await assert.rejects(server.connection.sendRequest(CheckEditRequest.method, { uri: 3 }), /bad params/);
  });

  it('publishes the findings of an edit a hub agent reported, against the text it reported as before', async () => {
    // A file git does not know: only the reported "before" can show what was dropped.
    const withCount = original.replace('  delete(key: string) {', '  count() {\n    return this.items.size;\n  }\n\n  delete(key: string) {');
    writeFileSync(path.join(dir, 'reported.ts'), dropped);
    const result = ReportedEditRequest.result.parse(await server.connection.sendRequest(ReportedEditRequest.method, { uri: uri('reported.ts'), before: withCount, after: dropped }));
    assert.deepEqual(result.violations.map((v) => `${v.kind}@${v.line}`), ['placeholder-dropped@7']);
    const found = await eventually(() => diagnostics.get(uri('reported.ts'))?.find((d) => d.code === 'placeholder-dropped'));
    assert.equal(found.range.start.line, 7);
    assert.match(found.relatedInformation![0].message, /count\(\) \{/, 'the dropped code is the reported before\'s');
    await assert.rejects(server.connection.sendRequest(ReportedEditRequest.method, { uri: uri('reported.ts'), before: 1 }), /bad params/);
  });
});
