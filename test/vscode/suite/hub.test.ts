import * as assert from 'node:assert/strict';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { PlumblineApi } from '../../../client/extension';
import { HubClient, HubRequestError } from '../../../engine/hub';
import { chatTitle } from '../../../engine/protocol/chatView';
import { Ask, ClaimTask, ErrorCode, ReportEdit, type HubNotification } from '../../../engine/protocol/hub';
import { missionControlTitle } from '../../../engine/protocol/missionControl';
import { storeClass } from '../../fixtures/storeClass';
import * as runner from './runner';

/**
 * The agent hub in a real VS Code (SPEC §6): an agent outside VS Code (a real ws client, found
 * through the lock file) claims a task, reports edits that the language server checks, asks
 * the person in the chat, shows in Mission Control, and obeys Stop All Agents.
 */
const root = () => vscode.workspace.workspaceFolders![0].uri;
const file = (relative: string) => path.join(root().fsPath, relative);
const plan = '# Hub work\n\n- [ ] T301 Count the items\n- [ ] T302 Document the store\n- [ ] T303 Rename the store\n';
const dropped = storeClass.replace(/ {2}load\(key: string\) \{[\s\S]*?\n {2}\}\n\n {2}delete\(key: string\) \{[\s\S]*?\n {2}\}\n/, '  // ... (other methods unchanged)\n');

describe('Agent hub in a real VS Code', function () {
  let api: PlumblineApi;
  const clients: HubClient[] = [];
  const connect = async (name: string) => {
    const client = await HubClient.connect({ name, cwd: root().fsPath });
    clients.push(client);
    return client;
  };
  const collect = (client: HubClient) => {
    const got: HubNotification[] = [];
    client.onNotification((n) => got.push(n));
    return got;
  };

  before(async function () {
    if (!runner.available) this.skip();
    api = await vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!.activate();
    await runner.eventually(async () => api.agents.hub, 'the hub to listen');
    await mkdir(file('hub-work'), { recursive: true });
    await writeFile(file('hub-work/tasks.md'), plan);
    await writeFile(file('hub-work/store.ts'), storeClass);
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    for (const q of api?.agents.engine.quarantines() ?? []) await api.agents.release(q.agentId);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(file('hub-work'), { recursive: true, force: true });
    // The next suite counts the workspace's plans: wait until the index has dropped this one.
    if (api) await runner.eventually(async () => !api.plans.all().some((p) => p.file.startsWith('hub-work/')), 'the hub plan to leave the index');
  });

  it('writes the lock file of SPEC §6 and gives terminals the port, not the token', async () => {
    const hub = api.agents.hub!;
    const lockFile = path.join(os.homedir(), '.plumbline', 'hub', `${hub.port}.lock`);
    assert.equal(hub.lockFile, lockFile);
    const lock = JSON.parse(await readFile(lockFile, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(lock).sort(), ['pid', 'port', 'token', 'workspaceFolders']);
    assert.deepEqual(lock.workspaceFolders, [root().fsPath]);
    assert.equal(lock.port, hub.port);
    assert.equal((await stat(lockFile)).mode & 0o777, 0o600);
    assert.equal((await stat(path.dirname(lockFile))).mode & 0o777, 0o700);

    const out = file('hub-work/terminal-env.txt');
    const terminal = vscode.window.createTerminal({ name: 'hub env', shellPath: '/bin/sh' });
    terminal.sendText(`echo "port=$PLUMBLINE_HUB_PORT token=$PLUMBLINE_HUB_TOKEN" > '${out}'`);
    const seen = await runner.eventually(async () => (await readFile(out, 'utf8').catch(() => '')).trim(), 'the terminal to write its environment', 20_000);
    terminal.dispose();
    assert.equal(seen, `port=${hub.port} token=`);
  });

  it('a claimed task is a live hub run in Mission Control; a question is answered in the chat', async () => {
    const agent = await connect('outside-agent');
    const { runId } = await agent.request(ClaimTask, { file: 'hub-work/tasks.md', id: 'T301' });
    assert.match(await readFile(file('hub-work/tasks.md'), 'utf8'), /^- \[\/\] T301 Count the items$/m);

    await vscode.commands.executeCommand('plumbline.openMissionControl');
    const row = await runner.eventually(async () => (await runner.webviewTexts(missionControlTitle, `tr[data-run-id="${runId}"]`))[0], 'the hub run in Mission Control');
    assert.match(row, /Running/);
    assert.match(row, /outside-agent \(hub\)/);
    assert.match(row, /T301/);
    await runner.screenshot('mission-control-hub-agent');

    const answered = agent.request(Ask, { question: 'Should count include deleted items?' });
    await vscode.commands.executeCommand('plumbline.chat.focus');
    let shown = '';
    await runner
      .eventually(async () => (shown = await runner.webviewText(chatTitle)).includes('Should count include deleted items?'), 'the question in the chat')
      .catch((err: Error) => assert.fail(`${err.message}; the chat shows:\n${shown}`));
    await runner.typeInWebview(chatTitle, 'vscode-textfield.field input', 'No, only live ones.', 'Enter');
    assert.deepEqual(await answered, { answer: 'No, only live ones.' });
  });

  it('a reported placeholder drop shows on the file, quarantines the agent and tells it; Release tells it too', async () => {
    const agent = await connect('outside-agent');
    const told = collect(agent);
    await writeFile(file('hub-work/store.ts'), dropped);
    const report = await agent.request(ReportEdit, { path: 'hub-work/store.ts', before: storeClass, after: dropped });
    assert.equal(report.quarantined, true);
    const placeholderLine = dropped.split('\n').findIndex((l) => l.includes('// ...'));
    assert.equal(report.violations[0].line, placeholderLine + 1);
    const diagnostics = await runner.eventually(async () => {
      const found = vscode.languages.getDiagnostics(vscode.Uri.file(file('hub-work/store.ts'))).filter((d) => d.source === 'Plumbline');
      return found.length ? found : undefined;
    }, 'the guard diagnostic on the file');
    assert.equal(diagnostics[0].range.start.line, placeholderLine);
    assert.equal(diagnostics[0].severity, vscode.DiagnosticSeverity.Error);
    await runner.eventually(async () => told.some((n) => n.method === 'quarantined'), 'the agent is told');
    assert.ok(api.agents.engine.quarantines().some((q) => q.agentId === 'hub:outside-agent'));
    await assert.rejects(agent.request(ClaimTask, { file: 'hub-work/tasks.md', id: 'T302' }), (err: HubRequestError) => err.code === ErrorCode.quarantined);

    assert.equal(await api.agents.release('hub:outside-agent'), true);
    await runner.eventually(async () => told.some((n) => n.method === 'released'), 'the agent is told it may work again');
    await writeFile(file('hub-work/store.ts'), storeClass);
  });

  it('"Stop All Agents" stops hub agents: they are told, and their runs end stopped', async () => {
    const agent = await connect('second-agent');
    const told = collect(agent);
    const { runId } = await agent.request(ClaimTask, { file: 'hub-work/tasks.md', id: 'T303' });
    await vscode.commands.executeCommand('plumbline.stopAllAgents');
    await runner.eventually(async () => told.find((n) => n.method === 'stop'), 'the stop notification');
    await runner.eventually(async () => api.agents.store?.getRun(runId)?.state === 'stopped', 'the run recorded as stopped');
    await assert.rejects(agent.request(ReportEdit, { path: 'hub-work/store.ts', before: storeClass, after: storeClass }), (err: HubRequestError) => err.code === ErrorCode.stopped);
  });
});
