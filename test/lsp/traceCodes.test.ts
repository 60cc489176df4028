import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  CodeActionRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidChangeWatchedFilesNotification,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  FileChangeType,
  HoverRequest,
  InitializedNotification,
  PublishDiagnosticsNotification,
  ReferencesRequest,
  type CodeAction,
  type CompletionItem,
  type Diagnostic,
  type DocumentLink,
  type Hover,
  type Location,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { NewTraceCodeRequest, TraceCodeLookupRequest, TraceCodeRegistryRequest } from '../../engine/protocol/lsp';
import { eventually, startServer, type ServerUnderTest } from './languageServer';

/** Trace codes in the built server, on a copy of the demo workspace (SPEC §3). */
describe('trace codes over LSP', () => {
  let server: ServerUnderTest;
  let dir: string;
  const diagnostics = new Map<string, Diagnostic[]>();
  const uri = (name: string) => URI.file(path.join(dir, name)).toString();
  const traceDiagnostics = (name: string) => (diagnostics.get(uri(name)) ?? []).filter((d) => String(d.code).endsWith('trace-code'));
  const lookup = async (query: string) => TraceCodeLookupRequest.result.parse(await server.connection.sendRequest(TraceCodeLookupRequest.method, { query }));
  const open = (name: string, languageId: string, text = readFileSync(path.join(dir, name), 'utf8')) =>
    server.connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: uri(name), languageId, version: 1, text } });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-trace-'));
    cpSync(path.resolve(__dirname, '../../demo'), dir, { recursive: true });
    // Never scanned: dependencies hold sites of their own.
    cpSync(path.join(dir, 'src/auth/login.ts'), path.join(dir, 'node_modules/lib/login.ts'), { recursive: true });
    server = startServer();
    server.connection.onNotification(PublishDiagnosticsNotification.type, (p) => void diagnostics.set(p.uri, p.diagnostics));
    await server.initialize(dir);
    await server.connection.sendNotification(InitializedNotification.type, {});
  });
  after(async () => {
    await server.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('flags the duplicate code at both sites, each listing the other', async () => {
    const found = await eventually(() => (traceDiagnostics('src/auth/login.ts').length === 2 ? traceDiagnostics('src/auth/login.ts') : undefined));
    assert.deepEqual(found.map((d) => [d.code, d.range.start.line, d.range.start.character, d.range.end.character]), [
      ['duplicate-trace-code', 13, 27, 31],
      ['duplicate-trace-code', 17, 27, 31],
    ]);
    assert.match(String(found[0].message), /"0062" is used at 2 sites/);
    assert.equal(found[0].source, 'Plumbline');
    assert.deepEqual(found[0].relatedInformation!.map((r) => [r.location.uri, r.location.range.start.line, r.message]), [[uri('src/auth/login.ts'), 17, 'also "0062": InvalidCredentials']]);
  });

  it('flags a malformed code', async () => {
    const [malformed] = await eventually(() => (traceDiagnostics('src/billing/webhook.ts').length ? traceDiagnostics('src/billing/webhook.ts') : undefined));
    assert.equal(malformed.code, 'malformed-trace-code');
    assert.equal(malformed.range.start.line, 19);
    assert.match(String(malformed.message), /"019" does not match the format \[0-9A-Za-z\]\{4\}/);
  });

  it('looks up a code, a runtime code and a log line; knows nothing of node_modules', async () => {
    for (const query of ['0062', '0062-a9Fz', '2026-03-04T09:12:47.902Z ERROR auth     login failed: InvalidCredentials (0062-a9Fz)']) {
      const result = await lookup(query);
      assert.equal(result.code, '0062', query);
      assert.deepEqual(result.sites.map((s) => [s.uri, s.line, s.key]), [
        [uri('src/auth/login.ts'), 13, 'InvalidCredentials'],
        [uri('src/auth/login.ts'), 17, 'InvalidCredentials'],
      ]);
    }
    assert.deepEqual(await lookup('9999-abcd'), { code: null, sites: [] });
    await assert.rejects(server.connection.sendRequest(TraceCodeLookupRequest.method, { query: 42 }), /bad params/);
  });

  it('hovers, goes to definition and finds references on a code', async () => {
    await open('src/auth/login.ts', 'typescript');
    const position = { textDocument: { uri: uri('src/auth/login.ts') }, position: { line: 13, character: 30 } };
    const hover = (await server.connection.sendRequest(HoverRequest.type, position)) as Hover;
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /Trace code `0062`\*\* · 2 sites/);
    assert.match(value, /src\/auth\/login\.ts:14\]\(file:.*#L14,28\) · InvalidCredentials/);
    assert.match(value, /src\/auth\/login\.ts:18\]/);
    const definition = (await server.connection.sendRequest(DefinitionRequest.type, position)) as Location[];
    assert.deepEqual(definition.map((l) => l.range.start.line), [13, 17]);
    const references = (await server.connection.sendRequest(ReferencesRequest.type, { ...position, context: { includeDeclaration: true } })) as Location[];
    assert.deepEqual(references.map((l) => l.range.start.line), [13, 17]);
    const nothing = await server.connection.sendRequest(HoverRequest.type, { ...position, position: { line: 0, character: 3 } });
    assert.equal(nothing, null);
  });

  it('links runtime codes in a log to their site, and leaves dates and unknown codes alone', async () => {
    await open('logs/app.log', 'log');
    const links = (await server.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri: uri('logs/app.log') } })) as DocumentLink[];
    assert.deepEqual(
      links.map((l) => [l.range.start.line, l.target?.replace(/^file:\/\/.*?\/src\//, 'src/')]),
      [
        [1, `command:plumbline.goToTraceCode?${encodeURIComponent('["0062-a9Fz"]')}`],
        [2, 'src/billing/webhook.ts#L13,28'],
        [3, 'src/billing/invoiceService.ts#L27,42'],
      ],
    );
  });

  it('offers a new unique code on a duplicate, which clears the duplicate once applied', async () => {
    const diagnostic = traceDiagnostics('src/auth/login.ts')[1];
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri('src/auth/login.ts') },
      range: diagnostic.range,
      context: { diagnostics: [diagnostic] },
    })) as CodeAction[];
    const assign = actions.find((a) => a.title.startsWith('Assign a new unique trace code'));
    assert.ok(assign, actions.map((a) => a.title).join(', '));
    assert.equal(assign.title, 'Assign a new unique trace code (0202)');
    const [edit] = assign.edit!.changes![uri('src/auth/login.ts')];
    assert.deepEqual(edit, { range: diagnostic.range, newText: '0202' });
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri('src/auth/login.ts'), version: 2 },
      contentChanges: [{ range: edit.range, text: edit.newText }],
    });
    await eventually(() => traceDiagnostics('src/auth/login.ts').length === 0 || undefined);
    assert.deepEqual((await lookup('0202')).sites.map((s) => s.line), [17]);
  });

  it('follows files changed on disk: a new duplicate across files shows on both', async () => {
    const file = path.join(dir, 'src/billing/webhook.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"0107"', '"0061"'));
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('src/billing/webhook.ts'), type: FileChangeType.Changed }] });
    await eventually(() => traceDiagnostics('src/auth/login.ts').some((d) => d.code === 'duplicate-trace-code') || undefined);
    const onWebhook = await eventually(() => traceDiagnostics('src/billing/webhook.ts').find((d) => d.code === 'duplicate-trace-code'));
    assert.equal(onWebhook.relatedInformation![0].location.uri, uri('src/auth/login.ts'));
  });

  it('completes a fresh code inside an empty site and offers codes for every site missing one', async () => {
    const text = ['import { CustomError } from "./errors";', 'export const a = () => { throw new CustomError("", "A"); };', 'export const b = () => { throw new CustomError(\'\', "B"); };', ''].join('\n');
    writeFileSync(path.join(dir, 'src/missing.ts'), text);
    await open('src/missing.ts', 'typescript', text);
    const character = text.split('\n')[1].indexOf('""') + 1;
    const items = (await server.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: uri('src/missing.ts') }, position: { line: 1, character } })) as CompletionItem[];
    const fresh = items.find((i) => i.detail === 'Plumbline: a fresh trace code');
    assert.equal(fresh?.label, '0203');
    const missing = await eventually(() => (traceDiagnostics('src/missing.ts').length === 2 ? traceDiagnostics('src/missing.ts') : undefined));
    assert.deepEqual(missing.map((d) => d.code), ['missing-trace-code', 'missing-trace-code']);
    const actions = (await server.connection.sendRequest(CodeActionRequest.type, {
      textDocument: { uri: uri('src/missing.ts') },
      range: missing[0].range,
      context: { diagnostics: [missing[0]] },
    })) as CodeAction[];
    const all = actions.find((a) => a.title === 'Assign codes to all 2 sites missing one');
    assert.ok(all, actions.map((a) => a.title).join(', '));
    assert.deepEqual(all.edit!.changes![uri('src/missing.ts')].map((e) => e.newText), ['0203', '0204']);
  });

  it('writes the registry append-only, retires codes that went away, and never hands a retired code out again', async () => {
    const first = TraceCodeRegistryRequest.result.parse(await server.connection.sendRequest(TraceCodeRegistryRequest.method, { check: false }));
    assert.equal(first.folders.length, 1);
    const registryFile = path.join(dir, 'trace-codes.json');
    const written = JSON.parse(readFileSync(registryFile, 'utf8')) as { codes: Record<string, { key?: string; sites: string[]; retired?: boolean }> };
    assert.deepEqual(Object.keys(written.codes), ['0061', '0062', '0108', '0201', '0202']);
    assert.deepEqual(written.codes['0201'], { key: 'InvoiceNotFound', sites: ['src/billing/invoiceService.ts:27'] });

    // 0202 leaves the code base: the next update retires it, and no fresh code reuses it.
    await server.connection.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uri('src/auth/login.ts'), version: 3 },
      contentChanges: [{ range: { start: { line: 17, character: 27 }, end: { line: 17, character: 31 } }, text: '0061' }],
    });
    await eventually(async () => ((await lookup('0202')).sites.length === 0 ? true : undefined));
    const second = TraceCodeRegistryRequest.result.parse(await server.connection.sendRequest(TraceCodeRegistryRequest.method, { check: false }));
    assert.deepEqual(second.folders[0].retired, ['0202']);
    const again = JSON.parse(readFileSync(registryFile, 'utf8')) as typeof written;
    assert.equal(again.codes['0202'].retired, true);
    const items = (await server.connection.sendRequest(CompletionRequest.type, {
      textDocument: { uri: uri('src/missing.ts') },
      position: { line: 1, character: 'export const a = () => { throw new CustomError("'.length },
    })) as CompletionItem[];
    assert.equal(items.find((i) => i.detail === 'Plumbline: a fresh trace code')?.label, '0203');
    assert.deepEqual(await server.connection.sendRequest(NewTraceCodeRequest.method, {}), { code: '0203' });

    const check = TraceCodeRegistryRequest.result.parse(await server.connection.sendRequest(TraceCodeRegistryRequest.method, { check: true }));
    assert.deepEqual(
      check.folders[0].problems.map((p) => `${p.problem}:${p.code}`),
      ['missing:', 'duplicate:0061', 'malformed:019'],
    );
  });

  it('never writes over a registry it cannot read', async () => {
    const registryFile = path.join(dir, 'trace-codes.json');
    writeFileSync(registryFile, '{ "codes": [oops');
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('trace-codes.json'), type: FileChangeType.Changed }] });
    const result = TraceCodeRegistryRequest.result.parse(await server.connection.sendRequest(TraceCodeRegistryRequest.method, { check: false }));
    assert.match(result.folders[0].error ?? '', /trace-codes\.json is not valid JSON .*never overwrites a registry it cannot read/);
    assert.equal(readFileSync(registryFile, 'utf8'), '{ "codes": [oops');
  });
});
