import * as assert from 'node:assert/strict';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { PlumblineApi } from '../../../client/extension';
import { chatTitle } from '../../../engine/protocol/chatView';
import { missionControlTitle } from '../../../engine/protocol/missionControl';
import { plansBoardTitle } from '../../../engine/protocol/plansBoard';
import { reply, startProviderServer, type ProviderServer } from '../../fixtures/providerServer';
import * as runner from './runner';

/**
 * The chat and Mission Control in a real VS Code (SPEC §5): a whole run driven from the chat's
 * composer against the scripted model server, with an approval and a question answered in the
 * chat; then Mission Control shows it; then "Run agent" on a task from the Plans board.
 */
const root = () => vscode.workspace.workspaceFolders![0].uri;
const file = (relative: string) => path.join(root().fsPath, relative);
const call = (name: string, args: object) => ({ name, fragments: [JSON.stringify(args)] });
const plan = '# Chat work\n\n- [ ] T201 Greet in chat-work/greet.ts\n- [ ] T202 Say goodbye in chat-work/greet.ts\n';
const greet = "export const greeting = 'hi';\n";

describe('Chat and Mission Control in a real VS Code', function () {
  let api: PlumblineApi;
  let server: ProviderServer;

  before(async function () {
    if (!runner.available) this.skip();
    api = await vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!.activate();
    await api.agents.ready;
    server = await startProviderServer();
    await mkdir(file('chat-work'), { recursive: true });
    await writeFile(file('chat-work/tasks.md'), plan);
    await writeFile(file('chat-work/greet.ts'), greet);
    await vscode.commands.executeCommand('plumbline.configureModel', { provider: 'openai', baseUrl: server.openaiBaseUrl, model: 'chat-model', apiKey: 'sk-chat-test' });
  });

  after(async () => {
    api?.agents.stopAll();
    await server?.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(file('chat-work'), { recursive: true, force: true });
    // The next suites count the workspace's plans: wait until the index has dropped this one.
    if (api) await runner.eventually(async () => !api.plans.all().some((p) => p.file.startsWith('chat-work/')), 'the chat plan to leave the index', 30_000);
  });

  it('runs a whole task from the chat: streamed text, tool cards, an approval and a question answered inline, the file and the plan written', async () => {
    server.script(
      reply.toolCalls([call('read_file', { path: 'chat-work/greet.ts' })], { text: ['I will **read** ', 'the file first.'] }),
      reply.toolCalls([call('run_command', { command: 'echo checked' })]),
      reply.toolCalls([call('ask_user', { question: 'Which greeting do you want?' })]),
      reply.toolCalls([call('edit_file', { path: 'chat-work/greet.ts', oldText: "'hi'", newText: "'Hello from the chat'" })]),
      reply.toolCalls([call('set_task_status', { file: 'chat-work/tasks.md', id: 'T201', status: 'done' })]),
      reply.toolCalls([call('finish', { success: true, summary: 'Greeting updated and T201 ticked.' })]),
    );
    await vscode.commands.executeCommand('plumbline.chat.focus');
    await runner.clickInWebview(chatTitle, 'vscode-button[aria-label="New conversation"]');
    await runner.typeInWebview(chatTitle, 'vscode-textarea.message textarea', 'Work on task T201 of chat-work/tasks.md', 'Enter');

    // The run asks before it runs a command that is not allow-listed: the card waits in the chat.
    await runner.eventually(async () => (await runner.webviewText(chatTitle)).includes('echo checked'), 'the approval card');
    await runner.clickInWebview(chatTitle, 'vscode-button.approve');
    await runner.eventually(async () => (await runner.webviewText(chatTitle)).includes('Which greeting do you want?'), 'the question');
    await runner.typeInWebview(chatTitle, 'vscode-textfield.field input', 'Hello from the chat', 'Enter');

    const text = await runner.eventually(async () => {
      const shown = await runner.webviewText(chatTitle);
      return shown.includes('Greeting updated and T201 ticked.') ? shown : '';
    }, 'the run to finish in the chat');
    for (const expected of ['Work on task T201 of chat-work/tasks.md', 'I will read the file first.', 'read_file', 'run_command', 'Approved', 'Your answer:', 'Hello from the chat', 'edit_file', 'Open diff', 'set_task_status', '6 steps']) {
      assert.ok(text.includes(expected), `"${expected}" in the chat:\n${text}`);
    }
    assert.equal(api.agents.chat.list()[0].title, 'Work on task T201 of chat-work/tasks.md', 'a new conversation is named after its first prompt');
    const bold = await runner.webviewTexts(chatTitle, 'strong');
    assert.ok(bold.includes('read'), 'the model\'s markdown is rendered');
    await runner.screenshot('chat-run');
    // Room for the chat: its own container gives the transcript the window's height (1400×900).
    const box = await runner.webviewBox(chatTitle, 'plumbline-transcript');
    assert.ok(box.height / box.lineHeight >= 20, `the transcript shows ${(box.height / box.lineHeight).toFixed(1)} lines (${box.height}px at ${box.lineHeight}px a line)`);

    // Hidden and shown again (the webview is rebuilt): the same conversation is back.
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('plumbline.chat.focus');
    await runner.eventually(async () => (await runner.webviewText(chatTitle)).includes('Greeting updated and T201 ticked.'), 'the conversation after the view was shown again');

    assert.equal(await readFile(file('chat-work/greet.ts'), 'utf8'), "export const greeting = 'Hello from the chat';\n");
    assert.match(await readFile(file('chat-work/tasks.md'), 'utf8'), /^- \[x\] T201 Greet/m);
    const commandResult = server.requests.at(-4)?.body as { messages?: { role: string; content?: unknown }[] } | undefined;
    assert.match(JSON.stringify(commandResult?.messages?.at(-1)), /exit code 0\\nchecked/, 'the approved command ran');

    // Open diff: VS Code's diff editor of the checkpoint against the file now.
    await runner.clickInWebview(chatTitle, 'vscode-button[aria-label="Open diff of chat-work/greet.ts"]');
    await runner.eventually(async () => vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputTextDiff, 'the diff editor');
    const diff = vscode.window.tabGroups.activeTabGroup.activeTab!.input as vscode.TabInputTextDiff;
    assert.equal((await vscode.workspace.openTextDocument(diff.original)).getText(), greet, 'the left side is the file before the run');
  });

  it('Mission Control lists the run live with its timeline and events, and charts the day', async () => {
    await vscode.commands.executeCommand('plumbline.openMissionControl');
    // The list and the history arrive as separate messages: wait for both before reading them.
    const row = 'tr[data-run-id]:has-text("Work on task T201")';
    const now = new Date();
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    const [rowText] = await runner.eventually(async () => {
      const texts = await runner.webviewTexts(missionControlTitle, row);
      const charted = (await runner.webviewTexts(missionControlTitle, `[data-point="${today}"]`)).length > 0;
      return texts.length && charted ? texts : undefined;
    }, 'the run in the list and today in the charts');
    assert.match(rowText, /^\s*Done\b/, `the run's row starts with its state: ${JSON.stringify(rowText)}`);
    await runner.clickInWebview(missionControlTitle, 'tr[data-run-id]:has-text("Work on task T201")');
    let last = '';
    const detail = await runner
      .eventually(async () => {
        last = await runner.webviewText(missionControlTitle);
        return last.includes('edit_file chat-work/greet.ts') ? last : '';
      }, 'the run\'s timeline')
      .catch((err: Error) => assert.fail(`${err.message}; Mission Control shows:\n${last}`));
    for (const expected of ['model step 1', 'run_command echo checked', 'approval-request', 'tool-result']) assert.ok(detail.includes(expected), `"${expected}" in:\n${detail}`);
    await runner.screenshot('mission-control');
  });

  it('"Run agent" on a task of the Plans board starts a run tied to the task, in its own conversation; the task follows the run', async () => {
    server.script(
      reply.toolCalls([call('edit_file', { path: 'chat-work/greet.ts', oldText: 'export const greeting', newText: "export const farewell = 'bye';\nexport const greeting" })], { delayMs: 300 }),
      reply.toolCalls([call('finish', { success: true, summary: 'Said goodbye.' })]),
    );
    // While the model answers its first call, the task is in progress: a checklist task gets `[/]`.
    let duringRun = '';
    const watch = api.agents.onRunEvent((event) => {
      if (event.type === 'model-request' && !duringRun) void readFile(file('chat-work/tasks.md'), 'utf8').then((text) => (duringRun = text));
    });
    const ended = new Promise<void>((resolve) => {
      const done = api.agents.onRunEvent((event) => event.type === 'result' && (done.dispose(), resolve()));
    });
    await vscode.commands.executeCommand('plumbline.openPlansBoard');
    await runner.clickInWebview(plansBoardTitle, '[data-plan="chat-work/tasks.md"] [data-task-id="T202"] vscode-button[title="Run an agent on this task"]');
    await ended;
    watch.dispose();
    assert.match(duringRun, /^- \[\/\] T202 Say goodbye/m);
    assert.match(await readFile(file('chat-work/tasks.md'), 'utf8'), /^- \[x\] T202 Say goodbye/m);
    const conversation = api.agents.chat.list()[0];
    assert.equal(conversation.title, 'T202 · chat-work/tasks.md');
    await runner.eventually(async () => (await runner.webviewText(chatTitle)).includes('Said goodbye.'), 'the run in the chat');
  });
});
