import * as assert from 'node:assert/strict';
import { demoPlanFiles } from '../../fixtures/demoPlans';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import type { PlumblineApi } from '../../../client/extension';
import { plansBoardTitle } from '../../../engine/protocol/plansBoard';
import * as runner from './runner';

const root = () => vscode.workspace.workspaceFolders![0].uri;
const planUri = (relative: string) => vscode.Uri.joinPath(root(), relative);

async function api(): Promise<PlumblineApi> {
  const extension = vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!;
  const exports = await extension.activate();
  await runner.eventually(async () => exports.plans.isComplete, 'the first plan scan to read every plan');
  return exports;
}

async function openAt(relative: string, line: number): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(planUri(relative), { preview: false });
  editor.selection = new vscode.Selection(line, 0, line, 0);
  return editor;
}

function today(): string {
  const now = new Date();
  return `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
}

describe('Plans in a real VS Code', () => {
  let plumbline: PlumblineApi;
  before(async () => {
    plumbline = await api();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('the Plans tree lists the demo plans', async function () {
    assert.deepEqual(
      plumbline.plans.all().map((p) => p.file),
      demoPlanFiles,
    );
    if (!runner.available) return;
    await vscode.commands.executeCommand('workbench.view.extension.plumbline');
    await vscode.commands.executeCommand('plumbline.plans.focus');
    const tree = await runner.eventually(async () => {
      const text = await runner.workbenchText('.part.sidebar');
      return text.includes('plans/task-heading.md') ? text : '';
    }, 'the plan files in the Plans tree');
    assert.match(tree, /plans\/table\.md\s*3\/8 done/);
    assert.match(tree, /plans\/task-heading\.md\s*1\/4 done · 2 problem\(s\)/);
  });

  it('toggling a checkbox by command changes exactly one character of the document', async () => {
    const file = planUri('plans/crlf.md');
    const before = await readFile(file.fsPath);
    const editor = await openAt('plans/crlf.md', 6);
    const text = editor.document.getText();
    await vscode.commands.executeCommand('plumbline.toggleTaskCheckbox');
    await runner.eventually(async () => editor.document.getText() !== text, 'the checkbox to change');
    const after = editor.document.getText();
    const changed = [...after].map((c, i) => (c === text[i] ? -1 : i)).filter((i) => i >= 0);
    assert.equal(after.length, text.length);
    assert.deepEqual(changed.map((i) => after[i]), ['x']);
    assert.equal(editor.document.lineAt(6).text, '- [x] keep CRLF when toggling');
    // The file had no unsaved changes, so the edit is saved: on disk too exactly one byte differs, CRLF kept.
    await runner.eventually(async () => !editor.document.isDirty, 'the plan to be saved');
    const onDisk = await readFile(file.fsPath);
    assert.equal(onDisk.length, before.length);
    assert.equal([...onDisk].filter((b, i) => b !== before[i]).length, 1);
    assert.ok(onDisk.includes('\r\n'));
  });

  it('setting a task-heading task to done writes its Completed date and ticks its To-dos line; undo restores it', async () => {
    const editor = await openAt('plans/task-heading.md', 27);
    const original = editor.document.getText();
    await vscode.commands.executeCommand('plumbline.setTaskStatus', { uri: editor.document.uri.toString(), taskId: '2', status: 'done' });
    const text = await runner.eventually(async () => {
      const now = editor.document.getText();
      return now !== original ? now : '';
    }, 'the status edit');
    assert.match(text, /### Task 2: Harden the Webhook Endpoint\n\n\*\*Status\*\*: completed \| \*\*Priority\*\*: high/);
    assert.ok(text.includes(`**Started**: 2026-03-04\n**Completed**: ${today()}\n**Last Updated**: ${today()}`));
    assert.ok(text.includes('- [x] Complete Task 2: Harden the Webhook Endpoint'));
    await vscode.commands.executeCommand('undo');
    await runner.eventually(async () => editor.document.getText() === original, 'undo to restore the plan');
    await editor.document.save(); // the edit had been saved; put the file back as it was for the next tests
  });

  it('refuses a status edit made against an older version of the document', async () => {
    const editor = await openAt('plans/task-heading.md', 42);
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), ''));
    await editor.edit((b) => b.insert(new vscode.Position(2, 0), 'x'));
    const text = editor.document.getText();
    await vscode.commands.executeCommand('plumbline.setTaskStatus', {
      uri: editor.document.uri.toString(),
      taskId: '4',
      status: 'done',
      version: editor.document.version - 1,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(editor.document.getText(), text, 'nothing changed');
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('an unknown dependency shows a diagnostic on its task', async () => {
    const uri = planUri('plans/task-heading.md');
    const diagnostics = await runner.eventually(async () => {
      const found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Plumbline');
      return found.length ? found : undefined;
    }, 'Plumbline diagnostics on task-heading.md');
    const unknown = diagnostics!.find((d) => d.code === 'unknown-dependency');
    assert.ok(unknown, JSON.stringify(diagnostics));
    assert.equal(unknown.range.start.line, 41);
    assert.match(unknown.message, /depends on "7", which is no task/);
    assert.equal(unknown.severity, vscode.DiagnosticSeverity.Warning);
  });

  it('the board shows the right counts, read from its DOM, and saves a screenshot', async function () {
    if (!runner.available) this.skip();
    await vscode.commands.executeCommand('plumbline.openPlansBoard');
    const progress = await runner.eventually(async () => {
      const texts = await runner.webviewTexts(plansBoardTitle, '[data-plan="plans/table.md"] [data-progress]');
      return texts.length ? texts : undefined;
    }, 'the board to render the plans').catch(async (err: Error) => {
      // What the board showed instead tells a slow board from a wrong one.
      const shown = await runner.webviewTexts(plansBoardTitle, 'body').catch(() => ['(no board)']);
      const log = await runner.channelLog('Plumbline').catch(() => '(no log)');
      throw new Error(`${err.message}; the board shows: ${shown.join(' ').replace(/\s+/g, ' ').slice(0, 2000)}; the log ends: ${log.split('\n').slice(-25).join('\n')}`);
    });
    assert.deepEqual(progress, ['3/8 done']);
    assert.deepEqual(await runner.webviewTexts(plansBoardTitle, '[data-plan="plans/header-block.md"] [data-progress]'), ['6/15 done']);
    const groups = await runner.webviewTexts(plansBoardTitle, '[data-plan="plans/task-heading.md"] [data-group] h3');
    assert.deepEqual(groups.map((g) => g.replace(/\s+/g, ' ').toLowerCase()), ['in progress 1', 'to do 1', 'blocked 1', 'done 1']);
    await runner.screenshot('plans-board');
  });

  it('ticking a deliverable on the board edits the plan file on disk', async function () {
    if (!runner.available) this.skip();
    const file = planUri('plans/header-block.md').fsPath;
    const before = await readFile(file, 'utf8');
    await vscode.commands.executeCommand('plumbline.openPlansBoard');
    await runner.clickInWebview(plansBoardTitle, '[data-plan="plans/header-block.md"] vscode-checkbox[data-line="19"]');
    const after = await runner.eventually(async () => {
      const text = await readFile(file, 'utf8');
      return text !== before ? text : '';
    }, 'the plan on disk to change');
    assert.equal(after, before.replace('- [ ] Three-way merge', '- [x] Three-way merge'));
    await runner.eventually(
      async () => (await runner.webviewTexts(plansBoardTitle, '[data-plan="plans/header-block.md"] [data-progress]'))[0] === '7/15 done',
      'the board to count the ticked deliverable',
    );
  });

  it('ticking a deliverable in the Plans tree edits the plan file on disk', async function () {
    if (!runner.available) this.skip();
    const file = planUri('plans/crlf.md').fsPath;
    const before = await readFile(file, 'utf8');
    await vscode.commands.executeCommand('workbench.view.extension.plumbline');
    await vscode.commands.executeCommand('plumbline.plans.focus');
    const row = '.part.sidebar .monaco-list-row';
    await runner.clickInWorkbench(row, 'plans/crlf.md', '.monaco-tl-twistie');
    await runner.eventually(async () => (await runner.workbenchText('.part.sidebar')).includes('Windows line endings'), 'the task row');
    await runner.clickInWorkbench(row, '1: Windows line endings', '.monaco-tl-twistie');
    await runner.eventually(async () => (await runner.workbenchText('.part.sidebar')).includes('keep CRLF when toggling'), 'the deliverable rows');
    await runner.clickInWorkbench(row, 'keep CRLF when toggling', '.custom-view-tree-node-item-checkbox');
    const after = await runner.eventually(async () => {
      const text = await readFile(file, 'utf8');
      return text !== before ? text : '';
    }, 'the plan on disk to change');
    // An earlier test may have ticked this box; the tree flips it either way, and only it.
    const flipped = before.includes('- [x] keep CRLF')
      ? before.replace('- [x] keep CRLF', '- [ ] keep CRLF')
      : before.replace('- [ ] keep CRLF', '- [x] keep CRLF');
    assert.equal(after, flipped);
  });

  it('the tree and the board follow a plan written on disk by someone else', async () => {
    const file = path.join(root().fsPath, 'plans', 'TODO.agent.md');
    await writeFile(file, '# Agent notes\n\n- [ ] First thing\n- [x] Second thing\n');
    const plan = await runner.eventually(async () => plumbline.plans.get(vscode.Uri.file(file).toString()), 'the new plan');
    assert.deepEqual(plan!.tasks.map((t) => `${t.title}:${t.status}`), ['First thing:todo', 'Second thing:done']);
    await writeFile(file, '# Agent notes\n\n- [x] First thing\n- [x] Second thing\n');
    await runner.eventually(
      async () => plumbline.plans.get(vscode.Uri.file(file).toString())?.tasks.every((t) => t.status === 'done'),
      'the change on disk to reach the store',
    );
    if (runner.available) {
      await vscode.commands.executeCommand('plumbline.openPlansBoard');
      await runner.eventually(
        async () => (await runner.webviewTexts(plansBoardTitle, '[data-plan="plans/TODO.agent.md"] [data-progress]'))[0] === '2/2 done',
        'the board to show the change',
      );
    }
  });

  it('plans written by Kiro, spec-kit and Task Master show on the board and in the tree with the counts their authors mean', async function () {
    // The fixtures of test/fixtures/plan-formats, copied in the way those tools lay them out.
    const extension = vscode.extensions.getExtension('plumbline.plumbline')!;
    const fixtures = path.join(extension.extensionPath, 'test/fixtures/plan-formats');
    const files = ['.kiro/specs/offline-sync/tasks.md', 'specs/001-export/tasks.md', '.taskmaster/tasks/task_005.md', '.taskmaster/tasks/task_006.md', '.taskmaster/tasks/task_007.md'];
    for (const file of files) {
      await mkdir(path.dirname(path.join(root().fsPath, file)), { recursive: true });
      await copyFile(path.join(fixtures, file), path.join(root().fsPath, file));
    }
    try {
      const plans = await runner
        .eventually(async () => {
          const found = files.map((file) => plumbline.plans.get(planUri(file).toString()));
          return found.every(Boolean) ? found : undefined;
        }, 'the five plans in the store', 30_000)
        .catch(async (err: Error) => {
          const missing = files.filter((file) => !plumbline.plans.get(planUri(file).toString()));
          const log = await runner.channelLog('Plumbline').catch(() => '(no log)');
          throw new Error(`${err.message}: missing ${missing.join(', ')}; the log ends: ${log.split('\n').slice(-25).join('\n')}`);
        });
      assert.deepEqual(
        plans.map((p) => `${p!.file} ${p!.tasks.filter((t) => t.status === 'done').length}/${p!.tasks.length} ${p!.dialects.join(',')}`),
        [
          '.kiro/specs/offline-sync/tasks.md 3/10 checklist',
          'specs/001-export/tasks.md 3/7 checklist',
          '.taskmaster/tasks/task_005.md 1/1 task-master',
          '.taskmaster/tasks/task_006.md 0/1 task-master',
          '.taskmaster/tasks/task_007.md 1/4 task-master',
        ],
      );
      if (!runner.available) return;
      await vscode.commands.executeCommand('plumbline.openPlansBoard');
      const progress = async (file: string) => (await runner.webviewTexts(plansBoardTitle, `[data-plan="${file}"] [data-progress]`))[0];
      await runner.eventually(async () => (await progress('.taskmaster/tasks/task_007.md')) === '1/4 done', 'the board to show the Task Master task');
      assert.equal(await progress('.kiro/specs/offline-sync/tasks.md'), '3/10 done');
      assert.equal(await progress('specs/001-export/tasks.md'), '3/7 done');
      const groups = async (file: string) => (await runner.webviewTexts(plansBoardTitle, `[data-plan="${file}"] [data-group] h3`)).map((g) => g.replace(/\s+/g, ' ').trim().toLowerCase());
      assert.deepEqual(await groups('.kiro/specs/offline-sync/tasks.md'), ['in progress 2', 'to do 5', 'done 3']);
      assert.deepEqual(await groups('.taskmaster/tasks/task_007.md'), ['in progress 1', 'to do 1', 'paused 1', 'done 1']);
      await runner.screenshot('plans-board-formats');
      await vscode.commands.executeCommand('workbench.view.extension.plumbline');
      await vscode.commands.executeCommand('plumbline.plans.focus');
      // The tree draws only the rows in view: collapsed, the first rows are the new plans, and the last one is the spec-kit file.
      await vscode.commands.executeCommand('workbench.actions.treeView.plumbline.plans.collapseAll');
      const top = await runner.eventually(async () => {
        const text = await runner.workbenchText('.part.sidebar');
        return text.includes('task_007.md') ? text : '';
      }, 'the new plans in the Plans tree');
      assert.match(top, /\.kiro\/specs\/offline-sync\/tasks\.md\s*3\/10 done · 1 problem\(s\)/);
      assert.match(top, /\.taskmaster\/tasks\/task_005\.md\s*1\/1 done(?! ·)/);
      assert.match(top, /\.taskmaster\/tasks\/task_007\.md\s*1\/4 done(?! ·)/);
      // "Show in Plans Tree" on the spec-kit file, the last plan of the tree, scrolls to it.
      await vscode.window.showTextDocument(planUri('specs/001-export/tasks.md'), { preview: false });
      await vscode.commands.executeCommand('plumbline.revealPlan');
      const bottom = await runner.eventually(async () => {
        const text = await runner.workbenchText('.part.sidebar');
        return text.includes('specs/001-export') ? text : '';
      }, 'the spec-kit plan at the end of the Plans tree');
      assert.match(bottom, /specs\/001-export\/tasks\.md\s*3\/7 done(?! ·)/);
    } finally {
      for (const file of files) await rm(path.join(root().fsPath, file), { force: true });
    }
  });
});
