import * as assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { PlumblineApi } from '../../../client/extension';
import * as runner from './runner';

const root = () => vscode.workspace.workspaceFolders![0].uri;
const fileUri = (relative: string) => vscode.Uri.joinPath(root(), relative);
const traceDiagnostics = (relative: string) =>
  vscode.languages.getDiagnostics(fileUri(relative)).filter((d) => String(typeof d.code === 'object' ? d.code.value : d.code).endsWith('trace-code'));

describe('Trace codes in a real VS Code', () => {
  before(async () => {
    const extension = vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!;
    await extension.activate();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('shows the duplicate code at both sites and hovers it with every site', async () => {
    const found = await runner.eventually(async () => (traceDiagnostics('src/auth/login.ts').length === 2 ? traceDiagnostics('src/auth/login.ts') : undefined), 'the duplicate-code diagnostics');
    assert.deepEqual(found.map((d) => d.range.start.line), [13, 17]);
    assert.equal(found[0].source, 'Plumbline');
    assert.equal(found[0].relatedInformation?.[0].location.range.start.line, 17);
    await vscode.window.showTextDocument(fileUri('src/auth/login.ts'), { selection: new vscode.Range(13, 29, 13, 29) });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', fileUri('src/auth/login.ts'), new vscode.Position(13, 29));
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /Trace code `0062`\*\* · 2 sites/);
    assert.match(text, /InvalidCredentials/);
    await runner.screenshot('trace-codes-duplicate');
  });

  it('links runtime codes in a log file to their site', async () => {
    await vscode.window.showTextDocument(fileUri('logs/app.log'));
    const links = await vscode.commands.executeCommand<vscode.DocumentLink[]>('vscode.executeLinkProvider', fileUri('logs/app.log'));
    const byLine = new Map(links.map((l) => [l.range.start.line, l.target?.toString(true) ?? '']));
    assert.match(byLine.get(3) ?? '', /src\/billing\/invoiceService\.ts#L27,42$/);
    assert.match(byLine.get(1) ?? '', /^command:plumbline\.goToTraceCode\?/);
    assert.equal(byLine.has(0), false, 'no link on a line without a known code');
  });

  it('"Go to Trace Code" opens the site of a pasted log line', async () => {
    await vscode.commands.executeCommand('plumbline.goToTraceCode', '2026-03-04T09:13:05.774Z ERROR billing  InvoiceNotFound inv_77 (0201-z8Kd)');
    const editor = await runner.eventually(async () => {
      const active = vscode.window.activeTextEditor;
      return active?.document.uri.path.endsWith('src/billing/invoiceService.ts') ? active : undefined;
    }, 'the site to open');
    assert.equal(editor.selection.start.line, 26);
    assert.equal(editor.document.getText(editor.selection), '0201');
  });

  it('assigns a new unique code to a duplicate with a quick fix', async () => {
    const uri = fileUri('src/auth/login.ts');
    const original = await readFile(uri.fsPath, 'utf8');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    try {
      const duplicate = traceDiagnostics('src/auth/login.ts')[1];
      const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, duplicate.range);
      const assign = actions.find((a) => a.title.startsWith('Assign a new unique trace code'));
      assert.ok(assign?.edit, actions.map((a) => a.title).join(', '));
      assert.equal(await vscode.workspace.applyEdit(assign.edit), true);
      assert.match(document.lineAt(17).text, /new CustomError\("0202", "InvalidCredentials"\)/);
      await runner.eventually(async () => traceDiagnostics('src/auth/login.ts').length === 0, 'the duplicate to go away');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
      await writeFile(uri.fsPath, original);
    }
  });

  it('completes a fresh code inside an empty `new CustomError("")`', async () => {
    const uri = fileUri('src/newError.ts');
    const line = 'export const fail = () => { throw new CustomError("", "Fresh"); };';
    await writeFile(uri.fsPath, `import { CustomError } from './errors';\n${line}\n`);
    const editor = await vscode.window.showTextDocument(uri);
    const position = new vscode.Position(1, line.indexOf('""') + 1);
    editor.selection = new vscode.Selection(position, position);
    const list = await runner.eventually(async () => {
      const items = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position, '"');
      return items.items.find((i) => i.detail === 'Plumbline: a fresh trace code');
    }, 'the fresh-code completion');
    assert.match(typeof list.label === 'string' ? list.label : list.label.label, /^0202$/);
    // "Plumbline: New Trace Code" types the same fresh code at the cursor.
    await vscode.commands.executeCommand('plumbline.newTraceCode');
    assert.equal(editor.document.lineAt(1).text, line.replace('""', '"0202"'));
    await vscode.commands.executeCommand('workbench.action.files.save');
  });

  it('"Update Trace Code Registry" writes trace-codes.json with every code', async () => {
    await vscode.commands.executeCommand('plumbline.updateTraceCodeRegistry');
    const registry = JSON.parse(await readFile(fileUri('trace-codes.json').fsPath, 'utf8')) as { codes: Record<string, { key?: string; sites: string[] }> };
    assert.deepEqual(registry.codes['0062'].sites, ['src/auth/login.ts:14', 'src/auth/login.ts:18']);
    assert.equal(registry.codes['0201'].key, 'InvoiceNotFound');
    assert.equal(registry.codes['019'], undefined, 'a malformed code is not registered');
  });
});
