import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  DidOpenTextDocumentNotification,
  InitializedNotification,
  PublishDiagnosticsNotification,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { NextTaskRequest, PlansChangedNotification } from '../../engine/protocol/lsp';
import { generateWorkspace } from '../fixtures/planGenerator';
import { eventually, startServer, type ServerUnderTest } from './languageServer';

/** The plan open in the editor when the server starts: its text there differs from the disk's. */
const onDisk = (status: string) => `# Wire the importer
Priority: HIGH
Status: ${status}
Dependencies: [Publish the importer docs, No such task anywhere]
ParentTask: None

**Key Deliverables:**
- [ ] Read the CSV header

# Map the columns
Priority: MEDIUM
Status: DONE
Dependencies: None
ParentTask: None

**Key Deliverables:**
- [ ] Guess the date format
`;

/**
 * A large workspace read cold (SPEC §9, issue 16): the plan open in the editor comes first, with
 * its diagnostics, then the rest as they are read; nothing is removed or replaced whole before
 * the end, and a reference to a plan not read yet is not called unknown.
 */
describe('the first scan of a large workspace over LSP', () => {
  let server: ServerUnderTest;
  let workspace: string;
  const events: ({ kind: 'plans'; params: PlansChangedNotification.Params } | { kind: 'diagnostics'; codes: string[] })[] = [];
  let plans = 0;
  const uri = (relative: string) => URI.file(path.join(workspace, relative)).toString();

  before(async () => {
    workspace = mkdtempSync(path.join(os.tmpdir(), 'plumbline-first-scan-'));
    // Enough plans that reading them takes seconds on this kind of machine.
    const files = generateWorkspace(300, 11, 2000);
    for (const file of files) {
      mkdirSync(path.dirname(path.join(workspace, 'many', file.name)), { recursive: true });
      writeFileSync(path.join(workspace, 'many', file.name), file.text);
    }
    writeFileSync(path.join(workspace, 'open.md'), onDisk('DONE'));
    mkdirSync(path.join(workspace, 'zz'));
    writeFileSync(path.join(workspace, 'zz/docs.md'), '# Publish the importer docs\nPriority: LOW\nStatus: TODO\nDependencies: None\nParentTask: None\n');
    plans = files.length + 2;
    server = startServer();
    server.connection.onNotification(PlansChangedNotification.method, (params: PlansChangedNotification.Params) => void events.push({ kind: 'plans', params }));
    server.connection.onNotification(PublishDiagnosticsNotification.type, (p) => {
      if (p.uri === uri('open.md')) events.push({ kind: 'diagnostics', codes: p.diagnostics.map((d) => `${d.code} ${d.message}`) });
    });
    await server.initialize(workspace);
    await server.connection.sendNotification(InitializedNotification.type, {});
  });
  after(async () => {
    await server.shutdown();
    rmSync(workspace, { recursive: true, force: true });
  });

  const announcements = () => events.flatMap((e) => (e.kind === 'plans' ? [e.params] : []));

  it('announces the open plan and its diagnostics first, then every plan, and answers "next task" only from all of them', async () => {
    await server.connection.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uri('open.md'), languageId: 'markdown', version: 1, text: onDisk('TODO') },
    });
    const next = NextTaskRequest.result.parse(await server.connection.sendRequest(NextTaskRequest.method, {}));
    assert.ok(announcements().some((p) => p.complete), 'the answer came after every plan was read');
    assert.ok(next, 'a next task among the plans');

    await eventually(() => announcements().find((p) => p.complete), 30_000);
    const all = announcements();
    const first = all[0];
    assert.equal(first.complete, false, 'the first announcement comes while the rest are still read');
    assert.deepEqual(first.changed.map((p) => p.file), ['open.md'], 'the open plan alone comes first');
    assert.equal(first.full, true, 'the first of the server\'s life replaces what a client held');
    const midway = all.filter((p) => !p.complete);
    assert.ok(midway.length >= 3, `plans shown as they are read (${midway.length} announcements before the end)`);
    assert.deepEqual(all.flatMap((p) => p.removed), [], 'nothing removed');
    assert.ok(all.slice(1).every((p) => !p.full), 'nothing replaced whole after the first');
    assert.equal(all.filter((p) => p.complete).length, 1, 'one announcement says every plan is read: the last');
    assert.equal(all.at(-1)!.complete, true);
    assert.equal(new Set(all.flatMap((p) => p.changed.map((plan) => plan.uri))).size, plans, 'every plan announced');
    assert.ok(all.every((p) => p.changed.length < plans / 2), 'no message carries the whole workspace');
    const openPlan = all.flatMap((p) => p.changed).filter((p) => p.file === 'open.md');
    assert.ok(openPlan.every((p) => p.tasks[0].status === 'todo'), 'always the editor\'s text, never the disk\'s');

    const diagnostics = events.flatMap((e) => (e.kind === 'diagnostics' ? [e.codes] : []));
    const firstPlans = events.findIndex((e) => e.kind === 'plans');
    assert.ok(events.slice(0, firstPlans).some((e) => e.kind === 'diagnostics'), 'the open plan\'s diagnostics come with it');
    const openItems = 'done-with-open-items task "map-the-columns" is done but 1 of its 1 deliverables are open';
    assert.deepEqual(diagnostics[0], [openItems], 'midway, the plan\'s own problems, and neither dependency called unknown: their plans may not be read yet');
    assert.deepEqual(diagnostics.at(-1), [
      `unknown-dependency task "wire-the-importer" depends on "No such task anywhere", which is no task in the workspace's plans`,
      openItems,
    ]);
  });
});
