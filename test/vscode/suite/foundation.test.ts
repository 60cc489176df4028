import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { PlumblineApi } from '../../../client/extension';
import { chatTitle } from '../../../engine/protocol/chatView';
import * as runner from './runner';

async function activate(): Promise<PlumblineApi> {
  const extension = vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline');
  assert.ok(extension, 'the Plumbline extension is installed');
  return extension.activate();
}

describe('Plumbline in a real VS Code', () => {
  let api: PlumblineApi;

  before(async () => {
    api = await activate();
  });

  it('activates and starts its language server, which answers initialize and logs a line', async () => {
    await runner.eventually(async () => api.languageClient.state === State.Running, 'the language server to run');
    assert.equal(api.languageClient.initializeResult?.serverInfo?.name, 'Plumbline');
    if (!runner.available) return;
    const log = await runner.eventually(
      () => runner.channelLog('Plumbline'),
      'the server start line in the Plumbline log',
    );
    assert.match(log, /Plumbline language server \S+ started \(pid \d+, 1 workspace folder\(s\)\)/);
  });

  it('registers its commands in the "Plumbline" category', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const id of ['plumbline.showOutput', 'plumbline.restartServer']) assert.ok(all.includes(id), `${id} is registered`);
  });

  it('shows the Plumbline container with Plans and Runs, the chat in a container of its own, and a status bar item', async function () {
    if (!runner.available) this.skip();
    await vscode.commands.executeCommand('workbench.view.extension.plumbline');
    const sidebar = await runner.eventually(async () => {
      const text = await runner.workbenchText('.part.sidebar');
      return /PLANS/i.test(text) && /RUNS/i.test(text) && text.includes('plans/checklist.md') ? text : '';
    }, 'the Plumbline container', 30_000);
    assert.doesNotMatch(sidebar, /\bCHAT\b/, 'the chat does not share the side bar with Plans and Runs');
    await vscode.commands.executeCommand('workbench.view.extension.plumbline-chat');
    assert.match(await runner.eventually(async () => runner.workbenchText('.part.sidebar'), 'the chat container'), /PLUMBLINE CHAT/i);

    // The chat's line with the version comes from the host's `state` message: proof the round trip works.
    const chat = await runner.eventually(async () => {
      const text = await runner.webviewText(chatTitle);
      return text.includes('Plumbline 0.1.0') ? text : '';
    }, 'the chat view to render the host state');
    assert.match(chat, /Show Output/);
    assert.match(chat, /Plumbline 0\.1\.0 · demo/);

    const statusBar = await runner.workbenchText('.part.statusbar');
    assert.match(statusBar, /Plumbline/);
    await runner.screenshot('workbench-plumbline');
  });

  it('rejects and logs a webview message of the wrong shape, and the view keeps working', async function () {
    if (!runner.available) this.skip();
    await vscode.commands.executeCommand('plumbline.chat.focus');
    await runner.postFromWebview(chatTitle, { method: 'deleteEverything', params: {} });
    await runner.postFromWebview(chatTitle, { method: 'reportProblem', params: { message: 42 } });
    await runner.postFromWebview(chatTitle, 'not even an object');
    const log = await runner.eventually(async () => {
      const text = await runner.channelLog('Plumbline');
      return text.includes('not a {method, params} message') ? text : '';
    }, 'the rejections in the log');
    assert.match(log, /chat view: rejected a message: unknown method "deleteEverything"/);
    assert.match(log, /chat view: rejected a message: bad params for "reportProblem"/);

    // Still working: a well-formed message is handled (it reaches the host log through the view's handler).
    await runner.postFromWebview(chatTitle, { method: 'reportProblem', params: { message: 'still listening' } });
    await runner.eventually(
      async () => (await runner.channelLog('Plumbline')).includes('chat view: still listening'),
      'the well-formed message to be handled',
    );
    assert.match(await runner.webviewText(chatTitle), /Plumbline 0\.1\.0 · demo/);
  });

  it('"Plumbline: Show Output" opens the Plumbline log, and the server restarts on command', async function () {
    await vscode.commands.executeCommand('plumbline.showOutput');
    if (runner.available) {
      await runner.eventually(async () => /Plumbline/.test(await runner.workbenchText('.part.panel')), 'the output panel');
    }
    await vscode.commands.executeCommand('plumbline.restartServer');
    await runner.eventually(async () => api.languageClient.state === State.Running, 'the server to run again');
    if (runner.available) {
      await runner.eventually(
        async () => ((await runner.channelLog('Plumbline')).match(/language server \S+ started/g) ?? []).length >= 2,
        'a second start line after the restart',
      );
    }
  });
});
