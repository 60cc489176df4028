import * as assert from 'node:assert/strict';
import type { Connection, PublishDiagnosticsParams, TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { Logger } from '../../engine/log';
import { Diagnostics } from '../../server/diagnostics';
import { GuardService } from '../../server/guardService';
import { handlerClass } from '../fixtures/handlerClass';

/** A 400-line file. */
const handlers = (tag: string) => handlerClass(66, tag).join('\n');

const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The language server's guard keeps a syntax tree per open file, of its baseline, parsed when the
 * file opens: here with the service's own Guard, and only the editor's side (the documents it
 * holds, what it publishes) stood in for.
 */
describe('the guard service\'s trees of open files', () => {
  const open = new Map<string, TextDocument>();
  const published: ((p: PublishDiagnosticsParams) => void)[] = [];
  const connection = {
    sendDiagnostics: async (p: PublishDiagnosticsParams) => published.forEach((f) => f(p)),
    sendNotification: async () => undefined,
  } as unknown as Connection;
  const documents = { get: (uri: string) => open.get(uri) } as unknown as TextDocuments<TextDocument>;
  const service = new GuardService(connection, documents, new Diagnostics(connection), quiet);
  const kept = service.guard.trees.kept;

  const opened = (uri: string, text: string) => {
    const document = TextDocument.create(uri, 'typescript', 1, text);
    open.set(uri, document);
    service.opened(document);
    return document;
  };
  const closed = (uri: string) => {
    open.delete(uri);
    service.closed(uri);
  };
  /** An agent's edit of an open document: a method (lines 7-12) replaced with a placeholder; resolves with the diagnostics it got. */
  const dropped = (document: TextDocument) =>
    new Promise<PublishDiagnosticsParams>((resolve) => {
      const listener = (p: PublishDiagnosticsParams) => {
        if (p.uri !== document.uri || p.diagnostics.length === 0) return;
        published.splice(published.indexOf(listener), 1);
        resolve(p);
      };
      published.push(listener);
      const changes = [{ range: { start: { line: 7, character: 0 }, end: { line: 13, character: 0 } }, text: '  // ... existing code ...\n' }];
      service.noteChanges(document.uri, changes);
      const edited = TextDocument.update(document, changes, 2);
      open.set(document.uri, edited);
      service.changedInEditor(edited);
    });

  it('parses the baseline of a file when it opens, and keeps no tree of a file not open', async () => {
    const uri = URI.file('/work/a.ts').toString();
    opened(uri, handlers('a'));
    await kept.settled();
    assert.equal(kept.state(uri), 'ready');
    closed(uri);
    assert.equal(kept.state(uri), undefined);
    await service.changedOnDisk(uri); // not readable here: nothing to keep, nothing kept
    assert.equal(kept.size, 0);
  });

  it('1,000 files opened, edited and closed: every tree is freed (tree-sitter\'s memory does not grow)', async function () {
    this.timeout(120_000);
    // Each file's tree takes about half a megabyte of tree-sitter's memory: half a gigabyte for 1,000 if closing freed nothing.
    const cycle = async (i: number) => {
      const uri = URI.file(`/work/many${i}.ts`).toString();
      const document = opened(uri, handlers(`many ${i}`));
      await kept.settled();
      assert.equal(kept.state(uri), 'ready');
      const { diagnostics } = await dropped(document);
      assert.deepEqual(diagnostics.map((d) => `${d.code}@${d.range.start.line}`), ['placeholder-dropped@7']);
      closed(uri);
      assert.equal(kept.size, 0, 'closed, the file keeps no tree');
    };
    // The recent trees of the checks (a few files' worth) and the grammar fill the memory first.
    for (let i = 0; i < 50; i++) await cycle(i);
    const before = process.memoryUsage().external;
    for (let i = 50; i < 1_000; i++) await cycle(i);
    const grown = (process.memoryUsage().external - before) / 1e6;
    assert.ok(grown < 40, `tree-sitter's memory grew by ${grown.toFixed(0)} MB`);
  });
});
