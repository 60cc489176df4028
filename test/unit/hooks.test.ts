import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { storeClass } from '../fixtures/storeClass';
import { hookHarnesses } from '../../engine/cli/commands';
import { harnesses } from '../../engine/hooks';
import { hookConfigs } from '../../engine/hooks/install';
import { dropped, loadAndDelete, runHook } from './runHook';

/**
 * `plumbline hook <harness>` as each harness runs it: the built CLI as its own process, the
 * harness's own hook JSON on stdin, its answer read from the exit code and the streams.
 */

const home = mkdtempSync(path.join(os.tmpdir(), 'plumbline-hook-home-'));
const hook = (harness: string, payload: unknown) => runHook(harness, payload, home);

describe('plumbline hook', () => {
  after(() => rmSync(home, { recursive: true, force: true }));
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-hook-'));
    file = path.join(dir, 'store.ts');
    writeFileSync(file, storeClass);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const untouched = () => assert.equal(readFileSync(file, 'utf8'), storeClass, 'a pre-edit hook never writes the file');
  const base = () => ({ session_id: 's1', transcript_path: path.join(dir, 't.jsonl'), cwd: dir });

  describe('claude-code (PreToolUse, exit 2 with the reason on stderr)', () => {
    const pre = (tool_name: string, tool_input: unknown) => ({ ...base(), hook_event_name: 'PreToolUse', tool_name, tool_input });

    it('refuses an Edit that replaces two methods with a placeholder, naming what it drops', () => {
      const answer = hook('claude-code', pre('Edit', { file_path: file, old_string: loadAndDelete, new_string: '  // ... existing code ...\n', replace_all: false }));
      assert.equal(answer.status, 2);
      assert.equal(answer.stdout, '');
      assert.match(answer.stderr, /^Plumbline refused this edit to store\.ts:\n- line 8: `\/\/ \.\.\. existing code \.\.\.` replaced 7 lines: class members `load`, `delete`\n/);
      assert.match(answer.stderr, /written out in full/);
      untouched();
    });

    it('refuses a Write of the whole file with the drop, and a MultiEdit whose edits drop it together', () => {
      assert.equal(hook('claude-code', pre('Write', { file_path: 'store.ts', content: dropped })).status, 2);
      const multi = hook('claude-code', pre('MultiEdit', { file_path: file, edits: [{ old_string: '  load(key: string) {\n    return this.items.get(key);\n  }\n', new_string: '  // ... existing code ...\n' }, { old_string: '\n  delete(key: string) {\n    this.items.delete(key);\n  }\n', new_string: '' }] }));
      assert.equal(multi.status, 2, multi.stderr);
      untouched();
    });

    it('lets a clean edit, a tool that is no edit, and a file outside the workspace pass silently', () => {
      for (const payload of [
        pre('Edit', { file_path: file, old_string: 'return this.items.get(key);', new_string: 'return this.items.get(key) ?? 0;' }),
        pre('Bash', { command: 'rm -rf /' }),
        pre('Write', { file_path: path.join(os.tmpdir(), 'elsewhere.ts'), content: '// ... existing code ...\n' }),
        { ...pre('Edit', {}), hook_event_name: 'PostToolUse' },
      ]) {
        assert.deepEqual(hook('claude-code', payload), { status: 0, stdout: '', stderr: '' });
      }
      untouched();
    });

    it('passes a payload it cannot read, with one line on stderr', () => {
      for (const payload of ['not json', { tool_name: 'Edit' }, pre('Edit', { file_path: 3 })]) {
        const answer = hook('claude-code', payload);
        assert.equal(answer.status, 0);
        assert.equal(answer.stdout, '');
        assert.match(answer.stderr, /^plumbline hook claude-code: .+; the edit was not checked\n$/);
      }
    });
  });

  describe('gemini (BeforeTool, exit 2 with the reason on stderr)', () => {
    const before = (tool_name: string, tool_input: unknown) => ({ ...base(), hook_event_name: 'BeforeTool', timestamp: '2026-12-05T12:00:00Z', tool_name, tool_input });

    it('refuses a replace that drops two methods and a write_file of the dropped text', () => {
      const replace = hook('gemini', before('replace', { file_path: file, old_string: loadAndDelete, new_string: '  // ... existing code ...\n' }));
      assert.equal(replace.status, 2);
      assert.match(replace.stderr, /class members `load`, `delete`/);
      assert.equal(hook('gemini', before('write_file', { file_path: file, content: dropped })).status, 2);
      untouched();
    });

    it('passes a clean replace, another tool and an unreadable payload (with a warning)', () => {
      assert.deepEqual(hook('gemini', before('replace', { file_path: file, old_string: 'this.items.set(key, value);', new_string: 'this.items.set(key, value);\n    return this;' })), { status: 0, stdout: '', stderr: '' });
      assert.deepEqual(hook('gemini', before('run_shell_command', { command: 'ls' })), { status: 0, stdout: '', stderr: '' });
      const bad = hook('gemini', before('replace', { file_path: file }));
      assert.equal(bad.status, 0);
      assert.match(bad.stderr, /^plumbline hook gemini: replace: old_string: .+; the edit was not checked\n$/);
      untouched();
    });
  });

  describe('codex (PreToolUse on apply_patch, the patch applied in memory, exit 2 with the reason on stderr)', () => {
    const patch = (command: string) => ({ ...base(), hook_event_name: 'PreToolUse', tool_name: 'apply_patch', tool_input: { command }, model: 'gpt-5-codex', turn_id: 't1' });
    const dropPatch = [
      '*** Begin Patch',
      '*** Update File: store.ts',
      '@@ export class Store {',
      '   }',
      ' ',
      '-  load(key: string) {',
      '-    return this.items.get(key);',
      '-  }',
      '-',
      '-  delete(key: string) {',
      '-    this.items.delete(key);',
      '-  }',
      '+  // ... existing code ...',
      ' }',
      '*** End Patch',
    ].join('\n');

    it('refuses an update patch that drops two methods', () => {
      const answer = hook('codex', patch(dropPatch));
      assert.equal(answer.status, 2, answer.stderr);
      assert.match(answer.stderr, /store\.ts:\n- line 8: .* replaced 7 lines: class members `load`, `delete`/);
      untouched();
    });

    it('checks every file of a multi-file patch, and a new file added with a stub', () => {
      writeFileSync(path.join(dir, 'other.ts'), storeClass);
      const multi = [
        '*** Begin Patch',
        '*** Update File: other.ts',
        '@@',
        '-    this.items.set(key, value);',
        '+    this.items.set(key, value * 2);',
        '*** Add File: util.ts',
        '+export function clamp(value: number, min: number, max: number): number {',
        '+  throw new Error("not implemented");',
        '+}',
        ...dropPatch.split('\n').slice(1, -1),
        '*** End Patch',
      ].join('\n');
      const answer = hook('codex', patch(multi));
      assert.equal(answer.status, 2, answer.stderr);
      assert.match(answer.stderr, /edit to util\.ts:\n- line 2: incomplete code added/);
      assert.match(answer.stderr, /edit to store\.ts:\n- line 8: /);
      assert.doesNotMatch(answer.stderr, /other\.ts/, 'the clean file is not named');
      untouched();
    });

    it('lets a clean patch, a shell call and a patch that does not apply pass; warns on a broken envelope', () => {
      const clean = ['*** Begin Patch', '*** Update File: store.ts', '@@', '-    return this.items.get(key);', '+    return this.items.get(key) ?? 0;', '*** End Patch'].join('\n');
      assert.deepEqual(hook('codex', patch(clean)), { status: 0, stdout: '', stderr: '' });
      assert.deepEqual(hook('codex', { ...patch(''), tool_name: 'Bash', tool_input: { command: 'ls' } }), { status: 0, stdout: '', stderr: '' });
      const stale = ['*** Begin Patch', '*** Update File: store.ts', '@@', '-  nothing like this', '+  // ... existing code ...', '*** End Patch'].join('\n');
      assert.deepEqual(hook('codex', patch(stale)), { status: 0, stdout: '', stderr: '' });
      const broken = hook('codex', patch('*** Begin Patch\n*** Frobnicate File: x\n*** End Patch'));
      assert.equal(broken.status, 0);
      assert.match(broken.stderr, /^plumbline hook codex: apply_patch: line 2: expected/);
      untouched();
    });
  });

  describe('copilot (VS Code agent hooks and Copilot CLI: JSON on stdout that denies the call)', () => {
    const vscode = (tool_name: string, tool_input: unknown) => ({ timestamp: '2026-12-05T12:00:00Z', cwd: dir, sessionId: 's1', hook_event_name: 'PreToolUse', tool_name, tool_input, tool_use_id: 'tool-1' });
    const denial = (stdout: string) => {
      const answer = JSON.parse(stdout) as { permissionDecision: string; hookSpecificOutput: { hookEventName: string; permissionDecision: string; permissionDecisionReason: string } };
      assert.equal(answer.permissionDecision, 'deny');
      assert.equal(answer.hookSpecificOutput.hookEventName, 'PreToolUse');
      assert.equal(answer.hookSpecificOutput.permissionDecision, 'deny');
      return answer.hookSpecificOutput.permissionDecisionReason;
    };

    it('denies a replace_string_in_file that drops two methods, with the reason', () => {
      const answer = hook('copilot', vscode('replace_string_in_file', { filePath: file, oldString: loadAndDelete, newString: '  // ... existing code ...\n' }));
      assert.equal(answer.status, 0);
      assert.match(denial(answer.stdout), /class members `load`, `delete`/);
      untouched();
    });

    it('denies a Copilot CLI edit (toolArgs as JSON text) and a multi-replace; passes a clean create, another tool and insert_edit_into_file', () => {
      const cli = hook('copilot', { timestamp: 1733400000000, cwd: dir, toolName: 'edit', toolArgs: JSON.stringify({ path: file, old_str: loadAndDelete, new_str: '  // ... existing code ...\n' }) });
      assert.match(denial(cli.stdout), /store\.ts/);
      const multi = hook('copilot', vscode('copilot_multiReplaceString', { replacements: [{ filePath: file, oldString: loadAndDelete, newString: '  // ... (other methods)\n' }] }));
      assert.match(denial(multi.stdout), /other methods/);
      for (const payload of [
        vscode('create_file', { filePath: path.join(dir, 'fresh.ts'), content: 'export const answer = 42;\n' }),
        vscode('run_in_terminal', { command: 'ls' }),
        vscode('insert_edit_into_file', { filePath: file, code: '// ...existing code...\n  size() { return this.items.size; }\n// ...existing code...', explanation: 'add size' }),
      ]) {
        assert.deepEqual(hook('copilot', payload), { status: 0, stdout: '', stderr: '' });
      }
      const bad = hook('copilot', { cwd: dir, toolName: 'edit', toolArgs: '{not json' });
      assert.equal(bad.status, 0);
      assert.match(bad.stderr, /^plumbline hook copilot: edit: toolArgs is not JSON; the edit was not checked\n$/);
      untouched();
    });
  });

  describe('cline (PreToolUse script: JSON on stdout that cancels, with context for the model)', () => {
    const pre = (toolName: string, parameters: unknown) => ({ clineVersion: '3.36.0', hookName: 'PreToolUse', timestamp: '1733400000000', taskId: 'task-1', workspaceRoots: [dir], userId: 'u1', preToolUse: { toolName, parameters } });
    const diff = ['------- SEARCH', ...loadAndDelete.replace(/\n$/, '').split('\n'), '=======', '  // ... existing code ...', '+++++++ REPLACE'].join('\n');

    it('cancels a replace_in_file whose SEARCH/REPLACE block drops two methods', () => {
      const answer = hook('cline', pre('replace_in_file', { path: 'store.ts', diff }));
      assert.equal(answer.status, 0);
      const reply = JSON.parse(answer.stdout) as { cancel: boolean; errorMessage: string; contextModification: string };
      assert.equal(reply.cancel, true);
      assert.equal(reply.errorMessage, 'Plumbline refused this edit to store.ts:');
      assert.match(reply.contextModification, /class members `load`, `delete`[\s\S]*written out in full/);
      untouched();
    });

    it('cancels a write_to_file of the dropped text; passes a clean diff (old markers too), another tool, and warns on an open block', () => {
      assert.match(hook('cline', pre('write_to_file', { path: 'store.ts', content: dropped })).stdout, /"cancel":true/);
      const clean = ['<<<<<<< SEARCH', '    return this.items.get(key);', '=======', '    return this.items.get(key) ?? 0;', '>>>>>>> REPLACE'].join('\n');
      assert.deepEqual(hook('cline', pre('replace_in_file', { path: 'store.ts', diff: clean })), { status: 0, stdout: '', stderr: '' });
      assert.deepEqual(hook('cline', pre('execute_command', { command: 'ls' })), { status: 0, stdout: '', stderr: '' });
      const open = hook('cline', pre('replace_in_file', { path: 'store.ts', diff: '------- SEARCH\nx\n=======' }));
      assert.equal(open.status, 0);
      assert.match(open.stderr, /^plumbline hook cline: replace_in_file: a SEARCH\/REPLACE block is not closed; the edit was not checked\n$/);
      untouched();
    });
  });

  describe('kiro (preToolUse on fs_write, exit 2 with the reason on stderr)', () => {
    const pre = (tool_input: unknown, tool_name = 'fs_write') => ({ hook_event_name: 'preToolUse', cwd: dir, tool_name, tool_input });

    it('refuses a str_replace that drops two methods and a create of the dropped text', () => {
      const answer = hook('kiro', pre({ command: 'str_replace', path: 'store.ts', old_str: loadAndDelete, new_str: '  // ... existing code ...\n' }));
      assert.equal(answer.status, 2);
      assert.match(answer.stderr, /class members `load`, `delete`/);
      assert.equal(hook('kiro', pre({ command: 'create', path: file, file_text: dropped })).status, 2);
      untouched();
    });

    it('passes an append of new code, another tool, and warns on a write it cannot read', () => {
      assert.deepEqual(hook('kiro', pre({ command: 'append', path: 'store.ts', new_str: 'export const stores = new Set<Store>();\n' })), { status: 0, stdout: '', stderr: '' });
      assert.deepEqual(hook('kiro', pre({ command: 'ls' }, 'execute_bash')), { status: 0, stdout: '', stderr: '' });
      const bad = hook('kiro', pre({ command: 'rename', path: 'store.ts' }));
      assert.equal(bad.status, 0);
      assert.match(bad.stderr, /^plumbline hook kiro: fs_write: command: .+; the edit was not checked\n$/);
      untouched();
    });
  });

  describe('cursor (afterFileEdit: the edit has landed; the finding goes back as additional_context)', () => {
    const after = (file_path: string, edits: { old_string: string; new_string: string }[]) => ({
      hook_event_name: 'afterFileEdit',
      conversation_id: 'c1',
      generation_id: 'g1',
      workspace_roots: [dir],
      file_path,
      edits,
    });

    it('tells the agent what its landed edit dropped, working out the text before by undoing the edit', () => {
      writeFileSync(file, dropped); // Cursor has written it already
      const answer = hook('cursor', after(file, [{ old_string: loadAndDelete, new_string: '  // ... existing code ...\n' }]));
      assert.equal(answer.status, 0, 'an after-edit hook cannot refuse');
      const context = (JSON.parse(answer.stdout) as { additional_context: string }).additional_context;
      assert.match(context, /^Plumbline found a problem in your edit to store\.ts:\n- line 8: .+class members `load`, `delete`/);
      assert.match(context, /Put that code back, written out in full/);
      assert.equal(readFileSync(file, 'utf8'), dropped, 'the hook never writes the file');
    });

    it('lets a clean edit, a new file and another event pass silently; warns when the edit cannot be undone', () => {
      const clean = storeClass.replace('return this.items.get(key);', 'return this.items.get(key) ?? 0;');
      writeFileSync(file, clean);
      assert.deepEqual(hook('cursor', after(file, [{ old_string: 'return this.items.get(key);', new_string: 'return this.items.get(key) ?? 0;' }])), { status: 0, stdout: '', stderr: '' });
      const created = path.join(dir, 'notes.ts');
      writeFileSync(created, 'export const notes: string[] = [];\n');
      assert.deepEqual(hook('cursor', after(created, [{ old_string: '', new_string: 'export const notes: string[] = [];\n' }])), { status: 0, stdout: '', stderr: '' });
      assert.deepEqual(hook('cursor', { hook_event_name: 'beforeShellExecution', workspace_roots: [dir], command: 'ls' }), { status: 0, stdout: '', stderr: '' });
      const lost = hook('cursor', after(file, [{ old_string: 'a', new_string: 'text that is not in the file' }]));
      assert.equal(lost.status, 0);
      assert.equal(lost.stdout, '');
      assert.match(lost.stderr, /^plumbline hook cursor: cannot tell what store\.ts held before the edit \(an edit's new_string is not in the file\); the edit was not checked\n$/);
      const bad = hook('cursor', { hook_event_name: 'afterFileEdit', workspace_roots: [dir], file_path: file });
      assert.match(bad.stderr, /^plumbline hook cursor: afterFileEdit: edits: .+; the edit was not checked\n$/);
      assert.equal(readFileSync(file, 'utf8'), clean);
    });
  });

  it('lists in its help exactly the harnesses it has a module for, each with an install module (the help is known without loading them)', () => {
    assert.deepEqual([...hookHarnesses], harnesses.map((h) => h.name).sort());
    assert.deepEqual([...hookHarnesses], hookConfigs.map((c) => c.harness).sort(), '`hooks install` configures the same harnesses');
  });

  it('refuses an unknown harness as a usage error', () => {
    const answer = hook('notepad', {});
    assert.equal(answer.status, 2);
    assert.match(answer.stderr, /hook needs a harness: claude-code, cline, codex, copilot, cursor, gemini, kiro/);
  });
});
