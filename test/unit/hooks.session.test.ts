import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../engine/store';
import { storeClass } from '../fixtures/storeClass';
import { dropped, loadAndDelete, runHook } from './runHook';

/**
 * What a hook remembers across the calls of one agent session, each its own process: the stop
 * hooks that send the agent back to fix what the session left broken (Claude Code `Stop`, Codex
 * `Stop`, Gemini `AfterAgent`, Cursor `stop`), and the edits reported to a running hub.
 */
describe('plumbline hook: the session, the stop hooks and the hub', function () {
  this.timeout(90_000);
  let dir: string;
  let home: string;
  let file: string;
  const hook = (harness: string, payload: unknown) => runHook(harness, payload, home);
  const sessions = () => readdirSync(path.join(home, '.plumbline/hooks')).filter((n) => !n.startsWith('.'));

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'plumbline-hook-session-')));
    home = path.join(dir, 'home');
    mkdirSync(home);
    mkdirSync(path.join(dir, 'ws'));
    file = path.join(dir, 'ws/store.ts');
    writeFileSync(file, storeClass);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const claude = (session: string) => ({
    pre: (tool_name: string, tool_input: unknown) => ({ session_id: session, transcript_path: '/dev/null', cwd: path.dirname(file), hook_event_name: 'PreToolUse', tool_name, tool_input }),
    stop: (active = false) => ({ session_id: session, transcript_path: '/dev/null', cwd: path.dirname(file), hook_event_name: 'Stop', stop_hook_active: active }),
  });
  const cleanEdit = { file_path: 'store.ts', old_string: 'return this.items.get(key);', new_string: 'return this.items.get(key) ?? 0;' };

  it('claude-code: a drop made behind the edit tools (a shell write) keeps Claude going at Stop until it is fixed', () => {
    const s1 = claude('s1');
    assert.deepEqual(hook('claude-code', s1.pre('Edit', cleanEdit)), { status: 0, stdout: '', stderr: '' });
    writeFileSync(file, dropped); // e.g. `cat > store.ts` from Bash: no edit hook saw it
    const stop = hook('claude-code', s1.stop());
    assert.equal(stop.status, 0, stop.stderr);
    const answer = JSON.parse(stop.stdout) as { decision: string; reason: string };
    assert.equal(answer.decision, 'block');
    assert.match(answer.reason, /^Before you finish, fix what this session left behind\.\n\nstore\.ts still has what Plumbline would have refused:\n- line 8: .+class members `load`, `delete`/);
    assert.match(answer.reason, /Put that code back, written out in full/);

    // Another session of the same workspace changed nothing: it stops freely.
    assert.deepEqual(hook('claude-code', claude('s2').stop()), { status: 0, stdout: '', stderr: '' });

    writeFileSync(file, storeClass.replace('return this.items.get(key);', 'return this.items.get(key) ?? 0;'));
    assert.deepEqual(hook('claude-code', s1.stop(true)), { status: 0, stdout: '', stderr: '' });
    assert.deepEqual(sessions(), [], 'a clean end of turn forgets the session: the next turn starts from the files as they are');
  });

  it('claude-code: a finding the agent cannot fix sends it back three times, then lets it stop and says so', () => {
    const s1 = claude('s1');
    hook('claude-code', s1.pre('Edit', cleanEdit));
    writeFileSync(file, dropped);
    for (let i = 0; i < 3; i++) assert.equal(JSON.parse(hook('claude-code', s1.stop(i > 0)).stdout).decision, 'block');
    const last = hook('claude-code', s1.stop(true));
    assert.deepEqual([last.status, last.stdout], [0, '']);
    assert.match(last.stderr, /^plumbline hook claude-code: findings are still open after 3 reminders; letting the agent stop\n$/);
  });

  it('the first text of a file is the session baseline: a refused drop, then a clean edit, leave nothing open', () => {
    const s1 = claude('s1');
    assert.equal(hook('claude-code', s1.pre('Edit', { file_path: 'store.ts', old_string: loadAndDelete, new_string: '  // ... existing code ...\n' })).status, 2);
    assert.equal(hook('claude-code', s1.pre('Edit', cleanEdit)).status, 0);
    writeFileSync(file, storeClass.replace('return this.items.get(key);', 'return this.items.get(key) ?? 0;'));
    assert.deepEqual(hook('claude-code', s1.stop()), { status: 0, stdout: '', stderr: '' });
  });

  it('gemini AfterAgent denies the answer and codex Stop blocks, each with the open findings', () => {
    const ws = path.dirname(file);
    const gemini = { session_id: 'g1', transcript_path: '', cwd: ws, timestamp: '2026-12-05T12:00:00Z' };
    assert.equal(hook('gemini', { ...gemini, hook_event_name: 'BeforeTool', tool_name: 'replace', tool_input: cleanEdit }).status, 0);
    const codexPatch = ['*** Begin Patch', '*** Add File: notes.ts', '+export const notes: string[] = [];', '*** End Patch'].join('\n');
    const codex = { session_id: 'x1', transcript_path: null, cwd: ws, model: 'gpt-5-codex' };
    assert.equal(hook('codex', { ...codex, hook_event_name: 'PreToolUse', tool_name: 'apply_patch', tool_input: { command: codexPatch } }).status, 0);
    writeFileSync(file, dropped);
    writeFileSync(path.join(ws, 'notes.ts'), 'export function notes(): string[] {\n  // TODO: implement\n}\n');

    const afterAgent = hook('gemini', { ...gemini, hook_event_name: 'AfterAgent', prompt: 'tidy the store', prompt_response: 'Done.', stop_hook_active: false });
    const denied = JSON.parse(afterAgent.stdout) as { decision: string; reason: string };
    assert.equal(denied.decision, 'deny');
    assert.match(denied.reason, /store\.ts still has .+\n- line 8: .+`load`, `delete`/);
    assert.doesNotMatch(denied.reason, /notes\.ts/, 'gemini did not touch notes.ts in its session');

    const stop = JSON.parse(hook('codex', { ...codex, hook_event_name: 'Stop', stop_hook_active: false, last_assistant_message: 'Done.' }).stdout) as { decision: string; reason: string };
    assert.equal(stop.decision, 'block');
    assert.match(stop.reason, /notes\.ts still has what Plumbline would have refused:\n- line 2: /);
    assert.doesNotMatch(stop.reason, /store\.ts/, 'codex did not touch store.ts in its session');
  });

  it('cursor: a landed drop comes back at stop as a followup_message; an aborted turn is left alone', () => {
    const roots = [path.dirname(file)];
    writeFileSync(file, dropped);
    const edit = hook('cursor', { hook_event_name: 'afterFileEdit', conversation_id: 'c1', generation_id: 'g1', workspace_roots: roots, file_path: file, edits: [{ old_string: loadAndDelete, new_string: '  // ... existing code ...\n' }] });
    assert.match(edit.stdout, /additional_context/);
    const stop = (status: string) => hook('cursor', { hook_event_name: 'stop', conversation_id: 'c1', generation_id: 'g2', workspace_roots: roots, status, loop_count: 0 });
    assert.deepEqual(stop('aborted'), { status: 0, stdout: '', stderr: '' });
    const completed = stop('completed');
    assert.match((JSON.parse(completed.stdout) as { followup_message: string }).followup_message, /store\.ts still has [\s\S]+`load`, `delete`/);
  });

  describe('with a hub serving the workspace', () => {
    const children = new Set<ChildProcessWithoutNullStreams>();
    afterEach(() => {
      for (const child of children) child.kill('SIGKILL');
      children.clear();
    });

    /** `plumbline hub serve` in its own process with the test's HOME; resolves with a stop that waits for its exit. */
    const serve = async (db: string) => {
      const child = spawn(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), 'hub', 'serve', '--workspace', path.dirname(file), '--db', db], { env: { ...process.env, HOME: home } });
      children.add(child);
      let out = '';
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`hub serve printed no port: ${err}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('"port"')) {
            clearTimeout(timer);
            resolve();
          }
        });
      });
      return async () => {
        child.kill('SIGTERM');
        await exited;
      };
    };

    it('a clean edit shows as the session\'s run; a refused drop is not reported; a landed drop quarantines the session', async () => {
      const db = path.join(dir, 'state.db');
      const stopHub = await serve(db);
      assert.deepEqual(hook('claude-code', claude('a1b2c3d4e5').pre('Edit', cleanEdit)), { status: 0, stdout: '', stderr: '' });
      assert.equal(hook('claude-code', claude('ffff0000').pre('Write', { file_path: 'store.ts', content: dropped })).status, 2);
      writeFileSync(file, dropped);
      const cursor = hook('cursor', { hook_event_name: 'afterFileEdit', conversation_id: 'c9', workspace_roots: [path.dirname(file)], file_path: file, edits: [{ old_string: loadAndDelete, new_string: '  // ... existing code ...\n' }] });
      assert.equal(cursor.stderr, '');
      await stopHub();

      const store = await Store.open(db);
      try {
        const runs = store.listRuns(10).map((r) => [r.prompt, r.provider, r.state]).sort();
        assert.deepEqual(runs, [
          ['Edits reported by claude-code a1b2c3d4', 'hub', 'stopped'],
          ['Edits reported by cursor c9', 'hub', 'quarantined'],
        ]);
      } finally {
        await store.close();
      }
    });

    it('a hub that is gone (its lock left behind) costs the hook nothing', () => {
      const locks = path.join(home, '.plumbline/hub');
      mkdirSync(locks, { recursive: true, mode: 0o700 });
      writeFileSync(path.join(locks, '40000.lock'), JSON.stringify({ pid: 2 ** 22 + 7, port: 40000, token: 'a'.repeat(32), workspaceFolders: [path.dirname(file)] }), { mode: 0o600 });
      assert.deepEqual(hook('claude-code', claude('s1').pre('Edit', cleanEdit)), { status: 0, stdout: '', stderr: '' });
      assert.ok(existsSync(file) && readFileSync(file, 'utf8') === storeClass);
    });
  });
});
