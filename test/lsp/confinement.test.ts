import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DidChangeWatchedFilesNotification, FileChangeType, InitializedNotification } from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { PlansChangedNotification } from '../../engine/protocol/lsp';
import { eventually, startServer, type ServerUnderTest } from './languageServer';

/** The language server on a workspace holding links that lead out of it (issue 11): what is behind them is never read. */
describe('a workspace with links that lead out, over LSP', () => {
  let server: ServerUnderTest;
  let dir: string;
  let workspace: string;
  const secret = 'SECRET-PLAN-OUTSIDE';
  const announced: PlansChangedNotification.Params[] = [];
  const uri = (relative: string) => URI.file(path.join(workspace, relative)).toString();
  const seen = () => JSON.stringify(announced);

  before(async () => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'plumbline-lsp-links-')));
    workspace = path.join(dir, 'ws');
    mkdirSync(path.join(dir, 'outside'));
    mkdirSync(path.join(workspace, 'plans'), { recursive: true });
    writeFileSync(path.join(dir, 'outside/tasks.md'), `# Outside\n\n- [ ] T900 ${secret}\n`);
    writeFileSync(path.join(workspace, 'plans/tasks.md'), '# Inside\n\n- [ ] T001 Inside task\n');
    symlinkSync(path.join(dir, 'outside/tasks.md'), path.join(workspace, 'leak.plan.md'));
    symlinkSync(path.join(dir, 'outside'), path.join(workspace, 'linked-folder'));
    symlinkSync(path.join(workspace, 'plans/tasks.md'), path.join(workspace, 'inner.plan.md'));
    server = startServer();
    server.connection.onNotification(PlansChangedNotification.method, (p: PlansChangedNotification.Params) => void announced.push(p));
    await server.initialize(workspace);
    await server.connection.sendNotification(InitializedNotification.type, {});
    await eventually(() => announced.length > 0 || undefined);
  });
  after(async () => {
    await server.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the first scan lists plans inside, a link to a plan inside too, and nothing behind a link that leads out', () => {
    const files = announced[0].changed.map((p) => p.file).sort();
    assert.deepEqual(files, ['inner.plan.md', 'plans/tasks.md']);
    assert.ok(!seen().includes(secret));
  });

  it('a change reported on a link that leads out is not read', async () => {
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, {
      changes: [
        { uri: uri('leak.plan.md'), type: FileChangeType.Changed },
        { uri: uri('linked-folder/tasks.md'), type: FileChangeType.Created },
        { uri: uri('plans/tasks.md'), type: FileChangeType.Changed },
      ],
    });
    const before = announced.length;
    writeFileSync(path.join(workspace, 'plans/tasks.md'), '# Inside\n\n- [x] T001 Inside task\n');
    await server.connection.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: uri('plans/tasks.md'), type: FileChangeType.Changed }] });
    await eventually(() => (announced.length > before ? true : undefined));
    assert.ok(!seen().includes(secret), 'the outside plan never reached the client');
  });
});
