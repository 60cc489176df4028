import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeActionRequest,
  DiagnosticSeverity,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidSaveTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExecuteCommandRequest,
  FileChangeType,
  InitializedNotification,
  PublishDiagnosticsNotification,
  type CodeAction,
  type Diagnostic,
  type Range,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { CheckEditRequest, CriticalViolationNotification, ReportedEditRequest } from '../../engine/protocol/lsp';
import { eventually, startServer, type ServerUnderTest } from './languageServer';
import { storeClass } from '../fixtures/storeClass';
import { handlerClass as handlers } from '../fixtures/handlerClass';

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

  it('checks a drop saved while git holds its index lock (a `git status`), once git lets go; a checkout under the lock stays git\'s', async () => {
    const git = (args: string[], env: Record<string, string> = {}) =>
      execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd: dir, env: { ...process.env, ...env } }).toString().trim();
    const lock = path.join(dir, '.git', 'index.lock');
    writeFileSync(path.join(dir, 'locked.ts'), original);
    git(['add', 'locked.ts']);
    git(['commit', '-q', '-m', 'locked']);
    writeFileSync(lock, '');
    writeFileSync(path.join(dir, 'locked.ts'), dropped);
    await changed('locked.ts');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(diagnostics.get(uri('locked.ts'))?.length ?? 0, 0, 'nothing while git holds the lock');
    rmSync(lock);
    const found = await eventually(() => diagnostics.get(uri('locked.ts'))?.find((d) => d.code === 'placeholder-dropped'));
    assert.equal(found.range.start.line, 7);

    // A checkout: git takes the lock, writes the file, moves HEAD, then lets go. (HEAD moves
    // through a side index here, since git itself refuses to work while the lock is there.)
    writeFileSync(lock, '');
    writeFileSync(path.join(dir, 'other.ts'), dropped);
    await changed('other.ts');
    const side = { GIT_INDEX_FILE: path.join(dir, '.git', 'side-index') };
    git(['read-tree', 'HEAD'], side);
    git(['update-index', '--add', '--cacheinfo', `100644,${git(['hash-object', '-w', 'other.ts'])},other.ts`], side);
    git(['update-ref', 'HEAD', git(['commit-tree', git(['write-tree'], side), '-p', 'HEAD', '-m', 'checked out'])]);
    rmSync(lock);
    await new Promise((resolve) => setTimeout(resolve, 400));
    assert.equal(diagnostics.get(uri('other.ts'))?.length ?? 0, 0, 'what git wrote is the baseline');
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

  describe('in the editor, where agents that edit through WorkspaceEdit and pastes land', () => {
    let version = 1;
    const open = async (name: string, text: string) => {
      writeFileSync(path.join(dir, name), text);
      await server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(name), languageId: 'typescript', version: ++version, text } });
    };
    /** One content change, as VS Code sends it for one edit. */
    const change = (name: string, range: Range, text: string) =>
      server.connection.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: uri(name), version: ++version }, contentChanges: [{ range, text }] });
    const at = (line: number, character = 0) => ({ line, character });
    const guardFindings = (name: string) => (diagnostics.get(uri(name)) ?? []).filter((d) => d.source === 'Plumbline');

    it('an agent\'s edit that replaces two methods with a placeholder is reported at it, saving does not bless it, and Restore gives back the exact bytes', async () => {
      await open('editor.ts', original);
      // What an agent's WorkspaceEdit sends: lines 7-13 (load and delete) replaced by one comment line.
      await change('editor.ts', { start: at(7), end: at(14) }, '  // ... existing code ...\n');
      const found = await eventually(() => guardFindings('editor.ts').find((d) => d.code === 'placeholder-dropped'));
      assert.equal(found.range.start.line, 7);
      assert.equal(found.severity, DiagnosticSeverity.Error);
      assert.match(String(found.message), /replaced 7 lines: class members `load`, `delete`/);
      await server.connection.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uri('editor.ts') } });
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.equal(guardFindings('editor.ts').length, 1, 'saving keeps the finding');
      const [restore] = (await server.connection.sendRequest(CodeActionRequest.type, {
        textDocument: { uri: uri('editor.ts') },
        range: found.range,
        context: { diagnostics: [found] },
      })) as CodeAction[];
      const edit = restore.edit!.changes![uri('editor.ts')][0];
      await change('editor.ts', edit.range, edit.newText);
      await eventually(() => guardFindings('editor.ts').length === 0 || undefined);
    });

    it('reports an agent\'s placeholder drop that is the first change to a file just opened', async () => {
      await open('opened.ts', handlers(300, 'opened').join('\n'));
      // Time for the background parse of the file as opened, which the edit then need not wait for.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await change('opened.ts', { start: at(601), end: at(613) }, '  // ... existing code ...\n');
      const found = await eventually(() => guardFindings('opened.ts').find((d) => d.code === 'placeholder-dropped'));
      assert.equal(found.range.start.line, 601);
      assert.match(String(found.message), /`\/\/ \.\.\. existing code \.\.\.` replaced 12 lines: class members `handle100`, `handle101`/);
      assert.match(found.relatedInformation![0].message, /Dropped code:\n {2}handle100\(input: Request\): Result \{/);
    });

    it('reports it the same when the edit arrives while the file just opened is still being parsed', async () => {
      // 15,000 lines and the edit sent right behind the open: its check comes long before the
      // background parse of the file could have ended, and finishes that parse.
      await open('racing.ts', handlers(2_500, 'racing').join('\n'));
      await change('racing.ts', { start: at(12_001), end: at(12_043) }, '  // ... existing code ...\n');
      const found = await eventually(() => guardFindings('racing.ts').find((d) => d.code === 'placeholder-dropped'), 30_000);
      assert.equal(found.range.start.line, 12_001);
      assert.match(String(found.message), /replaced 42 lines: class members `handle2000`, `handle2001`, `handle2002`, `handle2003`, `handle2004`, `handle2005` and 1 more/);
    });

    it('a finding on an open file survives the file missing on disk for a moment (an editor saving through a temporary file)', async () => {
      await open('saving.ts', original);
      await change('saving.ts', { start: at(7), end: at(14) }, '  // ... existing code ...\n');
      await eventually(() => guardFindings('saving.ts').find((d) => d.code === 'placeholder-dropped'));
      rmSync(path.join(dir, 'saving.ts'));
      await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('saving.ts'), type: FileChangeType.Deleted }] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(guardFindings('saving.ts').length, 1, 'the finding stays');
      // Saved at last: still the drop, against the same baseline.
      writeFileSync(path.join(dir, 'saving.ts'), original.replace(/ {2}load[\s\S]*?this\.items\.delete\(key\);\n {2}}\n/, '  // ... existing code ...\n'));
      await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('saving.ts'), type: FileChangeType.Created }] });
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(guardFindings('saving.ts').length, 1);
    });

    it('a finding on an open file survives its save being read midway (VS Code truncates, then writes)', async () => {
      await open('truncated.ts', original);
      await change('truncated.ts', { start: at(7), end: at(14) }, '  // ... existing code ...\n');
      await eventually(() => guardFindings('truncated.ts').find((d) => d.code === 'placeholder-dropped'));
      const saved = original.replace(/ {2}load[\s\S]*?this\.items\.delete\(key\);\n {2}}\n/, '  // ... existing code ...\n');
      // The watcher reports the file while it is empty, then while it holds half of the text.
      writeFileSync(path.join(dir, 'truncated.ts'), '');
      await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('truncated.ts'), type: FileChangeType.Changed }] });
      await new Promise((resolve) => setTimeout(resolve, 120));
      writeFileSync(path.join(dir, 'truncated.ts'), saved.slice(0, saved.length >> 1));
      await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('truncated.ts'), type: FileChangeType.Changed }] });
      await new Promise((resolve) => setTimeout(resolve, 120));
      writeFileSync(path.join(dir, 'truncated.ts'), saved);
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.deepEqual(guardFindings('truncated.ts').map((d) => d.code), ['placeholder-dropped'], 'the finding stays');
      // And the drop is still judged against the text before the agent's edit: restoring it clears the finding.
      await change('truncated.ts', { start: at(7), end: at(8) }, original.split('\n').slice(7, 14).join('\n') + '\n');
      await eventually(() => (guardFindings('truncated.ts').length === 0 ? true : undefined));
    });

    it('a paste that leaves a function cut off is reported as broken syntax; the same text typed key by key is not', async () => {
      const cut = '\n  size() {\n    let n = 0;\n    for (const key of this.items.keys()) {\n      n++;\n';
      await open('pasted.ts', original);
      await change('pasted.ts', { start: at(14), end: at(14) }, cut);
      const broken = await eventually(() => guardFindings('pasted.ts').find((d) => d.code === 'malformed-syntax'));
      assert.equal(broken.severity, DiagnosticSeverity.Warning);
      await open('typed.ts', original);
      let line = 14;
      let character = 0;
      for (const key of cut) {
        await change('typed.ts', { start: at(line, character), end: at(line, character) }, key);
        if (key === '\n') [line, character] = [line + 1, 0];
        else character++;
      }
      await new Promise((resolve) => setTimeout(resolve, 400));
      assert.deepEqual(guardFindings('typed.ts'), []);
    });

    it('types 10,000 keystrokes into a real file (new functions, empty bodies, TODOs, half-typed code) and never reports anything', async function () {
      this.timeout(120_000);
      await open('session.ts', original);
      // A person writing new methods at the end of the class, Enter giving the indentation an editor gives.
      const snippet = [
        '  countAbove(limit: number) {',
        '    // TODO: implement the fast path later',
        '    let n = 0;',
        '    for (const value of this.items.values()) if (value > limit) n++;',
        '    return n;',
        '  }',
        '',
        '  reset() {}',
        '',
        '  notReady() {',
        '    throw new Error("not implemented yet");',
        '  }',
        '',
      ].join('\n');
      let line = 14;
      let character = 0;
      let typed = 0;
      while (typed < 10_000) {
        for (const key of snippet) {
          await change('session.ts', { start: at(line, character), end: at(line, character) }, key);
          if (key === '\n') [line, character] = [line + 1, 0];
          else character++;
          // A pause now and then, long enough for the debounced check to run on a half-typed file.
          if (++typed % 250 === 0) await new Promise((resolve) => setTimeout(resolve, 160));
          assert.deepEqual(guardFindings('session.ts'), [], `after ${typed} keystrokes`);
          if (typed >= 10_000) break;
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.deepEqual(guardFindings('session.ts'), []);
    });
  });
});
