import * as assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { State } from 'vscode-languageclient/node';
import type { PlumblineApi } from '../../../client/extension';
import * as runner from './runner';

/**
 * The guard in a real VS Code (SPEC §2): a file rewritten on disk by someone other than the
 * person (an agent outside VS Code), with methods replaced by a placeholder comment, gets an
 * error diagnostic with the dropped code, and the quick fixes "Restore the N dropped lines" and
 * "Accept this edit" do what they say.
 */
const root = () => vscode.workspace.workspaceFolders![0].uri;

const header = [
  'export interface User {',
  '  id: string;',
  '  name: string;',
  '}',
  '',
  'export class UserStore {',
  '  private readonly users = new Map<string, User>();',
  '',
  '  save(user: User): void {',
  '    this.users.set(user.id, { ...user });',
  '  }',
  '',
];
const dropped = [
  '  load(id: string): User | undefined {',
  '    const user = this.users.get(id);',
  '    return user ? { ...user } : undefined;',
  '  }',
  '',
  '  remove(id: string): boolean {',
  '    return this.users.delete(id);',
  '  }',
  '',
  '  count(): number {',
  '    return this.users.size;',
  '  }',
];
const footer = ['', '  clear(): void {', '    this.users.clear();', '  }', '}', ''];
const placeholder = '  // ... (other methods unchanged)';
const original = [...header, ...dropped, ...footer].join('\n');
/** What the agent wrote: load, remove and count replaced by one comment. */
const rewritten = [...header, placeholder, ...footer].join('\n');
const placeholderLine = header.length; // 0-based, as VS Code counts

async function api(): Promise<PlumblineApi> {
  const exports = await vscode.extensions.getExtension<PlumblineApi>('plumbline.plumbline')!.activate();
  await runner.eventually(async () => exports.languageClient.state === State.Running, 'the language server to run');
  return exports;
}

function guardDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Plumbline');
}

/**
 * Writes `text` as a new file in the workspace and lets the server see it: the document is
 * opened (not edited), and a request on it returns only after the server has handled didOpen,
 * so that text is the file's baseline.
 */
async function seenByServer(relative: string, text: string): Promise<{ uri: vscode.Uri; document: vscode.TextDocument }> {
  const uri = vscode.Uri.joinPath(root(), relative);
  await mkdir(path.dirname(uri.fsPath), { recursive: true });
  await writeFile(uri.fsPath, text);
  const document = await vscode.workspace.openTextDocument(uri);
  assert.equal(document.getText(), text);
  await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', uri);
  return { uri, document };
}

/** An agent outside the editor rewrites the file; VS Code reloads the (clean) document. */
async function writeFromOutside(document: vscode.TextDocument, text: string): Promise<void> {
  assert.equal(document.isDirty, false);
  await writeFile(document.uri.fsPath, text);
  await runner.eventually(async () => document.getText() === text, 'VS Code to reload the document from disk');
}

async function waitForGuardDiagnostic(uri: vscode.Uri, what: string): Promise<vscode.Diagnostic[]> {
  return runner
    .eventually(async () => {
      const found = guardDiagnostics(uri);
      return found.length ? found : undefined;
    }, what, 30_000)
    .catch(async (err: Error) => {
      // What the server did meanwhile tells a slow check from a missed one.
      const log = await runner.channelLog('Plumbline').catch(() => '(no log)');
      throw new Error(`${err.message}; all diagnostics: ${JSON.stringify(vscode.languages.getDiagnostics(uri))}; the log ends: ${log.split('\n').slice(-30).join('\n')}`);
    });
}

async function quickFixes(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  const all = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range);
  return all.filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
}

describe('Guard in a real VS Code', () => {
  before(async () => {
    await api();
  });
  afterEach(() => vscode.commands.executeCommand('workbench.action.closeAllEditors'));

  it('a placeholder drop written from outside gets an Error on the placeholder line, with the dropped code and both quick fixes', async () => {
    const { uri, document } = await seenByServer('src/guard/userStore.ts', original);
    await writeFromOutside(document, rewritten);

    const [diagnostic, ...others] = await waitForGuardDiagnostic(uri, 'a Plumbline diagnostic on the rewritten file');
    assert.deepEqual(others, [], 'one finding');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, placeholderLine);
    assert.equal(document.lineAt(diagnostic.range.start.line).text, placeholder);
    assert.equal(diagnostic.code, 'placeholder-dropped');
    // The message names the placeholder, how many lines it replaced and (at least) the first dropped method.
    const count = Number(/^`\/\/ \.\.\. \(other methods unchanged\)` replaced (\d+) lines: class members `load`/.exec(diagnostic.message)?.[1]);
    assert.ok(count > 0, diagnostic.message);
    // Related information shows that many dropped lines, exactly as they were.
    const related = diagnostic.relatedInformation ?? [];
    assert.equal(related.length, 1);
    assert.equal(related[0].location.uri.toString(), uri.toString());
    assert.equal(related[0].message, `Dropped code:\n${dropped.slice(0, count).join('\n')}`);

    // What a person sees: the file with the squiggle, and the Problems panel listing it.
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    editor.selection = new vscode.Selection(placeholderLine, 4, placeholderLine, 4);
    editor.revealRange(diagnostic.range, vscode.TextEditorRevealType.InCenter);
    await vscode.commands.executeCommand('workbench.actions.view.problems');
    if (runner.available) {
      const problems = await runner.eventually(async () => {
        const text = await runner.workbenchText('.part.panel');
        return text.includes('(other methods unchanged)') ? text : '';
      }, 'the finding in the Problems panel');
      assert.match(problems, /userStore\.ts/);
      assert.match(problems, /Dropped code:/);
    }
    await runner.screenshot('guard-placeholder-diagnostic');

    const fixes = await quickFixes(uri, diagnostic.range);
    const titles = fixes.map((f) => f.title);
    assert.ok(titles.includes(`Restore the ${count} dropped lines`), titles.join(', '));
    assert.ok(titles.includes('Accept this edit'), titles.join(', '));
    const restore = fixes.find((f) => f.title === `Restore the ${count} dropped lines`)!;
    assert.equal(restore.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.ok(restore.isPreferred, 'Restore is the preferred fix');
    assert.deepEqual(
      restore.edit?.get(uri).map((e) => [e.range.start.line, e.newText]),
      [[placeholderLine, dropped.slice(0, count).join('\n')]],
      'the restore fix puts the dropped lines where the placeholder is',
    );
  });

  it('the message names every dropped method, and "Restore" gives back the original bytes and clears the finding', async () => {
    const { uri, document } = await seenByServer('src/guard/restoredStore.ts', original);
    await writeFromOutside(document, rewritten);
    const [diagnostic] = await waitForGuardDiagnostic(uri, 'a Plumbline diagnostic on the rewritten file');
    assert.equal(diagnostic.message, '`// ... (other methods unchanged)` replaced 12 lines: class members `load`, `remove`, `count`');
    assert.equal(diagnostic.relatedInformation?.[0].message, `Dropped code:\n${dropped.join('\n')}`);

    const restore = (await quickFixes(uri, diagnostic.range)).find((f) => f.title === 'Restore the 12 dropped lines');
    assert.ok(restore?.edit, 'a "Restore the 12 dropped lines" fix with an edit');
    assert.ok(await vscode.workspace.applyEdit(restore.edit));
    if (restore.command) await vscode.commands.executeCommand(restore.command.command, ...(restore.command.arguments ?? []));
    assert.ok(await document.save());
    assert.equal(document.getText(), original, 'the document is the original text again');
    assert.equal(await readFile(uri.fsPath, 'utf8'), original, 'on disk: the original bytes');
    await runner.eventually(async () => guardDiagnostics(uri).length === 0, 'the finding to go away after the restore', 30_000);
  });

  it('"Accept this edit" clears the finding, and the same content is not flagged again', async () => {
    const { uri, document } = await seenByServer('src/guard/acceptedStore.ts', original);
    await writeFromOutside(document, rewritten);
    const [diagnostic] = await waitForGuardDiagnostic(uri, 'a Plumbline diagnostic on the rewritten file');
    assert.equal(diagnostic.range.start.line, placeholderLine);

    const accept = (await quickFixes(uri, diagnostic.range)).find((f) => f.title === 'Accept this edit');
    assert.ok(accept?.command, 'an "Accept this edit" fix with a command');
    assert.equal(accept.edit, undefined, 'accepting changes no text');
    await vscode.commands.executeCommand(accept.command.command, ...(accept.command.arguments ?? []));
    await runner.eventually(async () => guardDiagnostics(uri).length === 0, 'the finding to go away after Accept', 30_000);
    assert.equal(await readFile(uri.fsPath, 'utf8'), rewritten, 'the accepted text stays as it is');

    // The agent writes the accepted text again, then drops `clear` too. Only the new drop is
    // reported: the accepted one is now part of the baseline.
    await writeFile(uri.fsPath, rewritten);
    const secondDrop = [...header, placeholder, '', '  // ... rest of the class unchanged', '}', ''].join('\n');
    await writeFromOutside(document, secondDrop);
    const after = await waitForGuardDiagnostic(uri, 'a Plumbline diagnostic for the second drop');
    assert.deepEqual(
      after.map((d) => [d.range.start.line, d.message]),
      [[placeholderLine + 2, '`// ... rest of the class unchanged` replaced 3 lines: class members `clear`']],
    );
  });

  it('an agent inside the editor: a WorkspaceEdit that replaces two methods with a placeholder, then a save, gets the Error, and Restore gives back the exact bytes', async () => {
    const { uri, document } = await seenByServer('src/guard/editorStore.ts', original);
    await vscode.window.showTextDocument(document, { preview: false });
    // What Copilot's agent mode or Cline does: one WorkspaceEdit on the open document, then save.
    const edit = new vscode.WorkspaceEdit();
    const first = header.length;
    const secondEnd = first + 8; // load and remove, with the blank line after them
    edit.replace(uri, new vscode.Range(first, 0, secondEnd, 0), '  // ... existing code ...\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(await document.save());
    const [diagnostic, ...others] = await waitForGuardDiagnostic(uri, 'a Plumbline diagnostic on the edited document');
    assert.deepEqual(others, [], 'one finding');
    assert.equal(diagnostic.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(diagnostic.range.start.line, first);
    assert.equal(diagnostic.message, '`// ... existing code ...` replaced 8 lines: class members `load`, `remove`');
    // Saving did not bless it: still there a moment later.
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(guardDiagnostics(uri).length, 1);
    const restore = (await quickFixes(uri, diagnostic.range)).find((f) => f.title === 'Restore the 8 dropped lines');
    assert.ok(restore?.edit, 'a "Restore the 8 dropped lines" fix');
    assert.ok(await vscode.workspace.applyEdit(restore.edit));
    assert.ok(await document.save());
    assert.equal(await readFile(uri.fsPath, 'utf8'), original, 'on disk: the original bytes');
    await runner.eventually(async () => guardDiagnostics(uri).length === 0, 'the finding to go away after the restore', 30_000);
  });

  it('a person typing a new empty function key by key in the editor gets no finding', async function () {
    if (!runner.available) this.skip();
    const { uri, document } = await seenByServer('src/guard/typedStore.ts', original);
    const editor = await vscode.window.showTextDocument(document, { preview: false });
    // At the end of the class body, as a person would: click into the editor, then type.
    const line = original.split('\n').length - 3; // the `}` that closes clear()
    editor.selection = new vscode.Selection(line, 3, line, 3);
    // The focused text editor's input, not the chat's (newer VS Code opens a chat input beside it):
    // a textarea.inputarea on 1.99, an EditContext element (.native-edit-context) on newer ones.
    const input = '.part.editor .monaco-editor.focused :is(.native-edit-context, textarea.inputarea)';
    await runner.typeInWorkbench(input, '\n\n  reset(): void {\n');
    await runner.typeInWorkbench(input, '// TODO: implement\n');
    await runner.eventually(async () => document.getText().includes('reset(): void {'), 'the typed text in the document');
    await new Promise((resolve) => setTimeout(resolve, 800));
    assert.deepEqual(guardDiagnostics(uri).map((d) => `${d.code} ${d.message}`), []);
  });
});
