import * as assert from 'node:assert/strict';
import path from 'node:path';
import { InitializedNotification, TextDocumentSyncKind } from 'vscode-languageserver-protocol/node';
import { startServer, type ServerUnderTest } from './languageServer';

describe('the language server process', () => {
  let server: ServerUnderTest;
  afterEach(() => {
    if (server.process.exitCode === null) server.process.kill();
  });

  it('answers initialize with its name, version and capabilities, and logs that it started', async () => {
    server = startServer();
    const result = await server.initialize(path.resolve(__dirname, '../../demo'));
    assert.equal(result.serverInfo?.name, 'Plumbline');
    assert.match(result.serverInfo?.version ?? '', /^\d+\.\d+\.\d+/);
    assert.deepEqual(result.capabilities.textDocumentSync, { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } });
    await server.connection.sendNotification(InitializedNotification.type, {});
    const started = server.logs.find((l) => /Plumbline language server \S+ started/.test(l.message));
    assert.ok(started, `a start line among: ${JSON.stringify(server.logs)}`);
    assert.match(started.message, /1 workspace folder\(s\)/);
  });

  it('shuts down cleanly on shutdown + exit', async () => {
    server = startServer();
    await server.initialize(path.resolve(__dirname, '../../demo'));
    assert.equal(await server.shutdown(), 0);
  });

  it('survives a request it does not know and keeps answering', async () => {
    server = startServer();
    await server.initialize(path.resolve(__dirname, '../../demo'));
    await assert.rejects(server.connection.sendRequest('plumbline/noSuchThing', { x: 1 }), /Unhandled method|not found/i);
    assert.equal(await server.shutdown(), 0);
  });
});
