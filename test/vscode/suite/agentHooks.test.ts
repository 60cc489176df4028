import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { PlumblineApi } from '../../../client/extension';
import { storeClass } from '../../fixtures/storeClass';
import * as runner from './runner';

/**
 * "Plumbline: Connect Agent Hooks…" in a real VS Code, then the hook it configured run the way
 * Claude Code runs it (through a shell, the command from the config): with nothing else of
 * Plumbline installed, the launcher starts this extension's own CLI. Edits the hooks see reach
 * the window's hub: a clean edit is a run in Mission Control, a landed drop a finding on the file.
 */
const root = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const file = (relative: string) => path.join(root(), relative);
const launcher = path.join(os.homedir(), '.plumbline', 'bin', 'plumbline');
const methods = storeClass.slice(storeClass.indexOf('  load('), storeClass.indexOf('}\n', storeClass.indexOf('this.items.delete')) + 2);
const dropped = storeClass.replace(methods, '  // ... existing code ...\n');

interface Settings {
  hooks: Record<string, { matcher?: string; hooks: { type: string; command: string }[] }[]>;
}

describe('Agent hooks in a real VS Code', function () {
  let api: PlumblineApi;
  let launcherBefore: Buffer | undefined;

  /**
   * The hook command of the config, run through a shell with the payload on stdin, as the harness
   * does. Not spawnSync: the hub it reports to lives in this very process and must keep answering.
   */
  const runConfigured = (command: string, payload: unknown) =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn('sh', ['-c', command], { cwd: root() });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (status) => resolve({ status, stdout, stderr }));
      child.stdin.end(JSON.stringify(payload));
    });

  before(async function () {
    if (!runner.available) this.skip();
    api = await vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!.activate();
    await runner.eventually(async () => api.agents.hub, 'the hub to listen');
    launcherBefore = await readFile(launcher).catch(() => undefined);
    await mkdir(file('hook-work'), { recursive: true });
    await writeFile(file('hook-work/store.ts'), storeClass);
  });

  after(async () => {
    for (const q of api?.agents.engine.quarantines() ?? []) await api.agents.release(q.agentId);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await rm(file('hook-work'), { recursive: true, force: true });
    await rm(file('.claude'), { recursive: true, force: true });
    // The person's own launcher, if they had one, as it was.
    if (launcherBefore) await writeFile(launcher, launcherBefore, { mode: 0o755 });
  });

  it('shows the change as a diff, writes it merged into the settings there, and again changes nothing', async () => {
    await mkdir(file('.claude'), { recursive: true });
    const theirs = { permissions: { allow: ['Bash(npm test)'] }, hooks: { PostToolUse: [{ matcher: 'Write', hooks: [{ type: 'command', command: 'npx prettier --write' }] }] } };
    await writeFile(file('.claude/settings.json'), `${JSON.stringify(theirs, null, 2)}\n`);

    const change = await vscode.commands.executeCommand<{ file: string; changed: boolean }>('plumbline.connectAgentHooks', { harness: 'claude-code', scope: 'project', confirm: true });
    assert.deepEqual([change.file, change.changed], [file('.claude/settings.json'), true]);
    const diff = vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.input instanceof vscode.TabInputTextDiff);
    assert.ok(diff, 'the change was shown as a diff first');
    assert.match(diff.label, /\.claude\/settings\.json: connect Claude Code \(preview\)/);

    const settings = JSON.parse(await readFile(file('.claude/settings.json'), 'utf8')) as Settings & typeof theirs;
    assert.deepEqual(settings.permissions, theirs.permissions, 'the person\'s settings are kept');
    assert.deepEqual(settings.hooks.PostToolUse, theirs.hooks.PostToolUse, 'and their own hooks');
    assert.equal(settings.hooks.PreToolUse[0].matcher, 'Write|Edit|MultiEdit');
    assert.match(settings.hooks.PreToolUse[0].hooks[0].command, /plumbline" hook claude-code\b/);
    assert.match(settings.hooks.Stop[0].hooks[0].command, /plumbline" hook claude-code\b/);
    assert.match(await readFile(launcher, 'utf8'), /dist\/cli\.js'?\n/, 'the launcher runs this extension\'s CLI');

    const again = await vscode.commands.executeCommand<{ changed: boolean }>('plumbline.connectAgentHooks', { harness: 'claude-code', scope: 'project', confirm: true });
    assert.equal(again.changed, false);
  });

  it('the configured hook refuses a drop with the extension\'s own CLI, and a clean edit shows as a run of the window\'s hub', async () => {
    const settings = JSON.parse(await readFile(file('.claude/settings.json'), 'utf8')) as Settings;
    const command = settings.hooks.PreToolUse[0].hooks[0].command;
    const pre = (session: string, tool_input: unknown) => ({ session_id: session, transcript_path: '/dev/null', cwd: root(), hook_event_name: 'PreToolUse', tool_name: 'Edit', tool_input });

    const refused = await runConfigured(command, pre('vscode-test-1', { file_path: 'hook-work/store.ts', old_string: methods, new_string: '  // ... existing code ...\n' }));
    assert.equal(refused.status, 2, refused.stderr);
    assert.match(refused.stderr, /^Plumbline refused this edit to hook-work\/store\.ts:\n- line 8: .+class members `load`, `delete`/);
    assert.equal(await readFile(file('hook-work/store.ts'), 'utf8'), storeClass);

    const clean = await runConfigured(command, pre('vscode-test-2', { file_path: 'hook-work/store.ts', old_string: 'return this.items.get(key);', new_string: 'return this.items.get(key) ?? 0;' }));
    assert.deepEqual([clean.status, clean.stdout, clean.stderr], [0, '', '']);
    const run = await runner.eventually(async () => api.agents.hub!.hub.openRuns().find((r) => r.agentName === 'claude-code vscode-t'), 'the session\'s run in the hub');
    assert.equal(run.prompt, 'Edits reported by claude-code vscode-t');
  });

  it('a drop that has already landed (Cursor) shows on the file in the editor', async () => {
    await writeFile(file('hook-work/store.ts'), dropped);
    const landed = await runConfigured(`"${launcher}" hook cursor`, {
      hook_event_name: 'afterFileEdit',
      conversation_id: 'vscode-cursor',
      workspace_roots: [root()],
      file_path: file('hook-work/store.ts'),
      edits: [{ old_string: methods, new_string: '  // ... existing code ...\n' }],
    });
    assert.equal(landed.status, 0, landed.stderr);
    assert.match(landed.stdout, /additional_context/, landed.stderr);
    const diagnostics = await runner.eventually(async () => {
      const found = vscode.languages.getDiagnostics(vscode.Uri.file(file('hook-work/store.ts'))).filter((d) => d.source === 'Plumbline');
      return found.length ? found : undefined;
    }, 'the finding on the file');
    assert.equal(diagnostics[0].range.start.line, 7);
    assert.ok(api.agents.engine.quarantines().some((q) => q.agentId === 'hub:cursor vscode-c'));
  });
});
