import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { PlumblineApi } from '../../../client/extension';
import type { ModelStatus } from '../../../client/models';
import type { RunResult } from '../../../engine/agent/run';
import { chatTitle } from '../../../engine/protocol/chatView';
import { reply, startProviderServer, type ProviderServer } from '../../fixtures/providerServer';
import * as runner from './runner';

/**
 * Plumbline's own agent in a real VS Code (SPEC §4, §5, §8), against the scripted local model
 * server running inside this extension host: the model configured through the command, runs on
 * a plan task, a placeholder drop that quarantines the agent, Stop All, and the key kept only in
 * SecretStorage. Runs first (files run in name order), so the chat starts with no model.
 */
const root = () => vscode.workspace.workspaceFolders![0].uri;
const file = (relative: string) => path.join(root().fsPath, relative);
/** A key no file, log or database may contain. */
const apiKey = 'sk-plumbline-test-7f3c9a1e';
const agentId = 'own:openai:test-model';

const hello = "export function hello(): string {\n  return 'hi';\n}\n";
const plan = '# Agent work\n\n- [ ] T101 Add a greeting in agent-work/hello.ts\n- [ ] T102 Keep the store whole\n';
const kept = ['export class Store {', '  private readonly items = new Map<string, string>();', '', '  set(key: string, value: string): void {', '    this.items.set(key, value);', '  }', ''];
const dropped = ['  get(key: string): string | undefined {', '    return this.items.get(key);', '  }', '', '  delete(key: string): boolean {', '    return this.items.delete(key);', '  }', '', '  size(): number {', '    return this.items.size;', '  }'];
const storeText = [...kept, ...dropped, '}', ''].join('\n');

const call = (name: string, args: object) => ({ name, fragments: [JSON.stringify(args)] });
const runAgent = async (arg: object) => vscode.commands.executeCommand<RunResult | undefined>('plumbline.runAgent', arg);

describe('Agent runs in a real VS Code', () => {
  let api: PlumblineApi;
  let server: ProviderServer;

  before(async () => {
    api = await vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!.activate();
    await runner.eventually(async () => api.languageClient.state === State.Running, 'the language server to run');
    await api.agents.ready;
    server = await startProviderServer();
    await mkdir(file('agent-work'), { recursive: true });
    await writeFile(file('agent-work/tasks.md'), plan);
    await writeFile(file('agent-work/hello.ts'), hello);
    await writeFile(file('agent-work/store.ts'), storeText);
  });

  after(async () => {
    api.agents.stopAll();
    await api.agents.release(agentId);
    await server?.close();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(file('agent-work'), { recursive: true, force: true });
  });

  it('the chat says no model is configured and offers the choices; a run is not started', async function () {
    assert.equal(await runAgent({ prompt: 'anything' }), undefined, 'no run without a model');
    assert.equal(server.requests.length, 0);
    if (!runner.available) this.skip();
    await vscode.commands.executeCommand('plumbline.chat.focus');
    const chat = await runner.eventually(async () => {
      const text = await runner.webviewText(chatTitle);
      return text.includes('No model configured') ? text : '';
    }, 'the chat to say no model is configured');
    for (const choice of ['Local Ollama', 'OpenAI-compatible', 'Anthropic']) assert.ok(chat.includes(choice), `${choice} in:\n${chat}`);
    await runner.screenshot('chat-no-model');

    // A choice in the chat runs "Configure Model" there: Ollama needs no key, so the model name is next.
    await runner.clickInWebview(chatTitle, 'vscode-button[data-choice="ollama"]');
    await runner.eventually(async () => /Model name|Which model/.test(await runner.workbenchText('.quick-input-widget')), 'the model name input');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.equal((await api.models.status()).configured, false, 'cancelled: still no model');
  });

  it('"Configure Model" with an argument sets the model; the key goes to SecretStorage only', async () => {
    const status = await vscode.commands.executeCommand<ModelStatus>('plumbline.configureModel', { provider: 'openai', baseUrl: server.openaiBaseUrl, model: 'test-model', apiKey });
    assert.equal(status.configured, true);
    assert.equal(status.description, `test-model at ${server.openaiBaseUrl}`);
    assert.ok(await api.models.hasKey({ provider: 'openai', baseUrl: server.openaiBaseUrl, model: 'test-model' }), 'the key is in SecretStorage');
    const settings = vscode.workspace.getConfiguration('plumbline.agent');
    assert.equal(settings.inspect('provider')?.globalValue, 'openai');
    assert.equal(settings.inspect('baseUrl')?.globalValue, server.openaiBaseUrl);
    assert.equal(settings.inspect('model')?.globalValue, 'test-model');
    assert.ok(!JSON.stringify(settings).includes(apiKey), 'no setting holds the key');
    if (runner.available) {
      await runner.eventually(async () => (await runner.webviewText(chatTitle)).includes('Agents use test-model'), 'the chat to show the model');
    }
  });

  it('a run on a plan task reads, edits and finishes: the file, the ticked task and the Runs tree say so; Undo restores the file', async () => {
    server.script(
      reply.toolCalls([call('get_task', { file: 'agent-work/tasks.md', id: 'T101' })]),
      reply.toolCalls([call('read_file', { path: 'agent-work/hello.ts' })]),
      reply.toolCalls([call('edit_file', { path: 'agent-work/hello.ts', oldText: "return 'hi';", newText: "return 'Hello, world!';" })], { usage: { input: 100, output: 20 } }),
      reply.toolCalls([call('finish', { success: true, summary: 'The greeting is in place.' })]),
    );
    const first = server.requests.length;
    const result = await runAgent({ task: { file: 'agent-work/tasks.md', id: 'T101' } });
    assert.ok(result);
    assert.equal(result.state, 'done', JSON.stringify(result));
    assert.equal(result.steps, 4);
    assert.equal(await readFile(file('agent-work/hello.ts'), 'utf8'), hello.replace("'hi'", "'Hello, world!'"));
    assert.match(await readFile(file('agent-work/tasks.md'), 'utf8'), /^- \[x\] T101 Add a greeting/m);
    assert.equal(server.requests[first].headers.authorization, `Bearer ${apiKey}`, 'the key from SecretStorage reached the model server');

    const row = api.runs.list().find((r) => r.id === result.runId);
    assert.deepEqual([row?.state, row?.steps, row?.task?.id], ['done', 4, 'T101']);
    assert.equal(api.agents.store?.getRun(result.runId)?.state, 'done', 'recorded in the store');
    if (runner.available) {
      await vscode.commands.executeCommand('plumbline.runs.focus');
      await runner.eventually(async () => {
        const text = await runner.workbenchText('.part.sidebar');
        return /T101 · agent-work\/tasks\.md\s*done · 4 steps · [\d,]+ tokens/.test(text);
      }, 'the finished run in the Runs tree');
      // The Plans tree learns of the ticked task from the file watcher, which may report after the run ends.
      await runner.eventually(async () => /agent-work\/tasks\.md1\/2 done/.test(await runner.workbenchText('.part.sidebar')), 'the Plans tree to count the ticked task');
      await runner.screenshot('agent-runs');
    }

    const restored = await vscode.commands.executeCommand<string[]>('plumbline.undoRun', result.runId);
    assert.deepEqual(restored.map((f) => path.basename(f)), ['hello.ts']);
    assert.equal(await readFile(file('agent-work/hello.ts'), 'utf8'), hello);
  });

  it('an edit that drops code behind a placeholder quarantines the agent: the run ends, the file shows the finding, runs are refused until release', async () => {
    const rewritten = [...kept, '  // ... (other methods unchanged)', '}', ''].join('\n');
    server.script(
      reply.toolCalls([call('read_file', { path: 'agent-work/store.ts' })]),
      reply.toolCalls([call('write_file', { path: 'agent-work/store.ts', content: rewritten })]),
    );
    const result = await runAgent({ prompt: 'Tidy up agent-work/store.ts', task: { file: 'agent-work/tasks.md', id: 'T102' } });
    assert.equal(result?.state, 'quarantined', JSON.stringify(result));
    assert.equal(await readFile(file('agent-work/store.ts'), 'utf8'), rewritten, 'the agent\'s content stays for the person to see');
    assert.doesNotMatch(await readFile(file('agent-work/tasks.md'), 'utf8'), /- \[x\] T102/, 'never done on a quarantine');

    const uri = vscode.Uri.file(file('agent-work/store.ts'));
    const [finding] = await runner.eventually(async () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Plumbline' && d.code === 'placeholder-dropped');
      return found.length ? found : undefined;
    }, 'the placeholder-dropped diagnostic on the file', 30_000);
    assert.equal(finding.range.start.line, kept.length);
    assert.equal(finding.severity, vscode.DiagnosticSeverity.Error);

    assert.deepEqual(api.agents.engine.quarantines().map((q) => q.agentId), [agentId]);
    assert.equal(api.agents.store?.getAgent(agentId)?.state, 'quarantined');
    const requests = server.requests.length;
    await assert.rejects(runAgent({ prompt: 'Try again' }), /quarantined/);
    assert.equal(server.requests.length, requests, 'a refused run asks the model nothing');

    assert.equal(await vscode.commands.executeCommand<boolean>('plumbline.releaseAgent', agentId), true);
    assert.equal(api.agents.store?.getAgent(agentId)?.state, 'active');
    server.script(reply.text(['Nothing ', 'to do.']));
    assert.equal((await runAgent({ prompt: 'Say hello' }))?.state, 'done', 'released: runs again');
  });

  it('"Stop All Agents" during a slow stream ends the run as stopped within a second', async () => {
    server.script(reply.text(Array.from({ length: 100 }, (_, i) => `chunk ${i} `), { delayMs: 200 }));
    const requests = server.requests.length;
    const pending = runAgent({ prompt: 'Write a long essay' });
    await runner.eventually(async () => server.requests.length > requests && api.runs.list()[0]?.state === 'running', 'the run to stream');
    await new Promise((resolve) => setTimeout(resolve, 500));
    const stoppedAt = Date.now();
    assert.equal(await vscode.commands.executeCommand<number>('plumbline.stopAllAgents'), 1);
    const result = await pending;
    assert.ok(result);
    assert.equal(result.state, 'stopped', JSON.stringify(result));
    assert.ok(Date.now() - stoppedAt < 1000, `stopped after ${Date.now() - stoppedAt} ms`);
    await runner.eventually(async () => api.runs.list().find((r) => r.id === result.runId)?.state === 'stopped', 'the Runs tree to show it stopped');
  });

  it('an agent never writes over a file with unsaved changes in the editor', async () => {
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file('agent-work/hello.ts')));
    const editor = await vscode.window.showTextDocument(document);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), '// my unsaved note\n'));
    assert.ok(document.isDirty);
    server.script(
      reply.toolCalls([call('edit_file', { path: 'agent-work/hello.ts', oldText: "return 'hi';", newText: "return 'hey';" })]),
      reply.toolCalls([call('finish', { success: false, summary: 'The file has unsaved changes.' })]),
    );
    const result = await runAgent({ prompt: 'Change the greeting' });
    assert.equal(result?.state, 'failed', JSON.stringify(result));
    assert.equal(await readFile(file('agent-work/hello.ts'), 'utf8'), hello, 'the file on disk is untouched');
    assert.ok(document.isDirty && document.getText().startsWith('// my unsaved note'), 'the person\'s unsaved text is still in the editor');
    const toolResult = api.agents.store?.eventsOf(result.runId).find((e) => e.type === 'tool-result');
    assert.match(JSON.stringify(toolResult?.data), /has unsaved changes in the user's editor/);
    // Take the note out and save the text the disk already has: unlike "Revert" (which acts on
    // whichever editor is active after the run), this cannot leave the note for the next test.
    const edit = new vscode.WorkspaceEdit();
    edit.delete(document.uri, new vscode.Range(0, 0, 1, 0));
    assert.ok(await vscode.workspace.applyEdit(edit));
    // Newer VS Code may see the text is what was saved and call the editor clean: then there is nothing to save.
    if (document.isDirty) assert.ok(await document.save());
    assert.ok(!document.isDirty);
    assert.equal(await readFile(file('agent-work/hello.ts'), 'utf8'), hello);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('the key is in no settings file, log or database', async () => {
    const store = api.agents.store!;
    await store.flush();
    assert.ok(!(await readFile(store.file)).includes(apiKey), 'not in the database');
    assert.ok(store.listRuns().length >= 4, 'the runs are in the database');
    // User settings sit beside workspaceStorage/<id>/<extension> in the user data folder.
    const userSettings = path.resolve(path.dirname(store.file), '../../../settings.json');
    assert.ok(existsSync(userSettings), userSettings);
    const written = await readFile(userSettings, 'utf8');
    assert.match(written, /"plumbline\.agent\.model": "test-model"/);
    assert.ok(!written.includes(apiKey), 'not in the user settings');
    const workspaceSettings = file('.vscode/settings.json');
    if (existsSync(workspaceSettings)) assert.ok(!(await readFile(workspaceSettings, 'utf8')).includes(apiKey), 'not in the workspace settings');
    if (runner.available) assert.ok(!(await runner.channelLog('Plumbline')).includes(apiKey), 'not in the log');
  });

  it('runs on a language model VS Code offers: tool calls and their results go through the Language Model API, tokens are counted', async () => {
    // test/vscode/lmFixture registers this scripted model the way Copilot registers its models.
    const fixture = vscode.extensions.getExtension('plumbline-test.lm-fixture');
    assert.ok(fixture, 'the test model\'s extension is installed');
    await fixture.activate();
    const [model] = await runner.eventually(async () => {
      const found = await vscode.lm.selectChatModels({ id: 'plumbline-test-model' });
      return found.length ? found : undefined;
    }, 'the test language model');
    assert.equal(model.vendor, 'plumbline-test');
    assert.equal((await api.models.status()).languageModels, true, 'the chat may offer VS Code language models');
    await vscode.commands.executeCommand('plumblineTestLm.script', [
      { text: 'Reading it first. ', toolCalls: [{ id: 'c1', name: 'read_file', input: { path: 'agent-work/hello.ts' } }] },
      { toolCalls: [{ id: 'c2', name: 'edit_file', input: { path: 'agent-work/hello.ts', oldText: "return 'hi';", newText: "return 'Hi from a VS Code model';" } }] },
      { toolCalls: [{ id: 'c3', name: 'finish', input: { success: true, summary: 'The greeting changed.' } }] },
    ]);
    const status = await vscode.commands.executeCommand<ModelStatus>('plumbline.configureModel', { provider: 'vscode-lm', model: 'plumbline-test-model' });
    assert.equal(status.description, 'plumbline-test-model (VS Code language model)');

    const result = await runAgent({ prompt: 'Change the greeting' });
    assert.equal(result?.state, 'done', JSON.stringify(result));
    assert.deepEqual([result.steps, result.outcome?.summary], [3, 'The greeting changed.']);
    assert.ok(result.tokens.input > 0 && result.tokens.output > 0, `tokens counted with the model's tokenizer: ${JSON.stringify(result.tokens)}`);
    assert.equal(await readFile(file('agent-work/hello.ts'), 'utf8'), hello.replace("'hi'", "'Hi from a VS Code model'"));

    type Part = { type: string; value?: string; callId?: string; name?: string; content?: Part[] };
    const requests = await vscode.commands.executeCommand<{ messages: { role: string; content: Part[] }[]; tools: string[] }[]>('plumblineTestLm.requests');
    assert.equal(requests.length, 3);
    assert.ok(['read_file', 'edit_file', 'finish', 'set_task_status'].every((t) => requests[0].tools.includes(t)), requests[0].tools.join(', '));
    // The second request carries the first answer back: its text and call, then the call's result.
    const [answer, results] = requests[1].messages.slice(-2);
    assert.equal(answer.role, 'assistant');
    assert.deepEqual(answer.content.map((p) => [p.type, p.value ?? p.name]), [['text', 'Reading it first. '], ['tool-call', 'read_file']]);
    assert.equal(results.role, 'user');
    assert.deepEqual([results.content[0].type, results.content[0].callId], ['tool-result', 'c1']);
    assert.ok(results.content[0].content?.some((p) => p.value?.includes("return 'hi';")), 'the file went back to the model');
  });
});
