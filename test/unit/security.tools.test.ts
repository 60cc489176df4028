import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { filePlanAccess } from '../../engine/agent/plans';
import { toolHarness } from '../fixtures/toolContext';

/**
 * The agent's file and plan tools attacked as a hostile repository or a careless agent would
 * (issue 11): links out of the workspace, protected names behind links, bytes that are not UTF-8,
 * special files. Each asserts that nothing outside the workspace was read or written and that no
 * byte outside an edit changed.
 */
describe('agent tools under attack', () => {
  let dir: string;
  let ws: string;
  let outside: string;
  const secret = 'TOP-SECRET-OUTSIDE-THE-WORKSPACE';
  const file = (relative: string) => path.join(ws, relative);

  beforeEach(() => {
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'plumbline-attack-')));
    ws = path.join(dir, 'ws');
    outside = path.join(dir, 'outside');
    mkdirSync(path.join(ws, 'src'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), `${secret}\n`);
    writeFileSync(path.join(outside, 'plan.md'), `# Outside\n\n- [ ] ${secret} task\n`);
    writeFileSync(file('src/app.ts'), 'export const app = 1;\n');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const outsideUnchanged = () => {
    assert.deepEqual(readdirSync(outside).sort(), ['plan.md', 'secret.txt']);
    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), `${secret}\n`);
  };

  describe('reading through links', () => {
    beforeEach(() => {
      symlinkSync(outside, file('linkdir'));
      symlinkSync(path.join(outside, 'secret.txt'), file('src/linkfile.txt'));
      symlinkSync(path.join(outside, 'plan.md'), file('outside-plan.md'));
      writeFileSync(file('src/real.txt'), 'inside text: needle\n');
      symlinkSync(file('src/real.txt'), file('src/inner-link.txt'));
    });

    it('search_text never reads a linked file or folder outside the workspace, literal or regex', async () => {
      const tools = toolHarness(ws);
      for (const args of [{ query: secret }, { query: 'TOP-SECRET.*', regex: true }, { query: secret, path: 'src' }]) {
        const result = await tools.call('search_text', args);
        assert.equal(result.isError, undefined, result.content);
        assert.equal(result.content, 'No match.');
      }
      const inside = await tools.call('search_text', { query: 'needle' });
      assert.deepEqual(inside.content.split('\n').sort(), ['src/inner-link.txt:1: inside text: needle', 'src/real.txt:1: inside text: needle']);
      outsideUnchanged();
    });

    it('list_files shows links that lead out as links and never lists what is behind them', async () => {
      const result = await toolHarness(ws).call('list_files', { recursive: true });
      const names = result.content.split('\n');
      assert.ok(names.includes('linkdir@'), result.content);
      assert.ok(names.includes('src/linkfile.txt@'), result.content);
      assert.ok(names.includes('src/inner-link.txt'), 'a link to a file inside is a file');
      assert.ok(!names.some((n) => n.startsWith('linkdir/')));
    });

    it('read_file and the plan tools refuse a link that leads out; the plan scan never lists it', async () => {
      const tools = toolHarness(ws);
      for (const [name, args] of [
        ['read_file', { path: 'src/linkfile.txt' }],
        ['read_file', { path: 'linkdir/secret.txt' }],
        ['get_task', { file: 'outside-plan.md', id: '1' }],
      ] as const) {
        const result = await tools.call(name, args);
        assert.equal(result.isError, true);
        assert.match(result.content, /outside the workspace \(through a symbolic link\)/);
        assert.ok(!result.content.includes(secret));
      }
      const plans = await tools.call('list_plans', {});
      assert.ok(!plans.content.includes(secret), plans.content);
      outsideUnchanged();
    });
  });

  describe('protected names behind links', () => {
    it('a protected name that is a link to an unprotected place still needs approval, and without it nothing changes', async () => {
      mkdirSync(file('plain'));
      writeFileSync(file('plain/settings.json'), '{}\n');
      writeFileSync(file('plain/agents.txt'), 'be nice\n');
      writeFileSync(file('plain/claude.json'), '{}\n');
      symlinkSync(file('plain'), file('.vscode'));
      symlinkSync(file('plain/agents.txt'), file('AGENTS.md'));
      mkdirSync(file('.claude'));
      symlinkSync(file('plain/claude.json'), file('.claude/settings.json'));
      const tools = toolHarness(ws);
      const attempts: [string, string][] = [
        ['.vscode/settings.json', '.vscode/settings.json'],
        ['AGENTS.md', 'AGENTS.md'],
        ['.claude/settings.json', '.claude/settings.json'],
        ['.VSCode/settings.json', '.vscode (case)'],
        ['src/../AGENTS.md', 'AGENTS.md after normalization'],
        ['pkg/AGENTS.md', 'AGENTS.md in a subfolder'],
        ['sub/.git', 'a .git file (gitdir:)'],
        ['.github/workflows/ci.yml', 'a CI workflow'],
      ];
      for (const [requested, what] of attempts) {
        const result = await tools.call('write_file', { path: requested, content: 'hijacked\n' });
        assert.equal(result.isError, true, `${what}: ${result.content}`);
        assert.match(result.content, /was not approved \(.* is a protected path\)/, what);
      }
      assert.equal(tools.approvals.length, attempts.length);
      assert.equal(readFileSync(file('plain/settings.json'), 'utf8'), '{}\n');
      assert.equal(readFileSync(file('plain/agents.txt'), 'utf8'), 'be nice\n');
      assert.equal(readFileSync(file('plain/claude.json'), 'utf8'), '{}\n');
      assert.ok(!existsSync(file('pkg')) && !existsSync(file('sub')) && !existsSync(file('.github')));
    });

    it('an unprotected name that is a link to a protected file is protected by its real name', async () => {
      mkdirSync(file('.vscode'));
      writeFileSync(file('.vscode/settings.json'), '{}\n');
      symlinkSync(file('.vscode'), file('notes'));
      const result = await toolHarness(ws).call('edit_file', { path: 'notes/settings.json', oldText: '{}', newText: '{"x":1}' });
      assert.match(result.content, /\.vscode\/settings\.json is a protected path/);
      assert.equal(readFileSync(file('.vscode/settings.json'), 'utf8'), '{}\n');
    });
  });

  describe('bytes outside an edit never change', () => {
    const latin1 = Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\nline two\n', 'latin1');

    it('edit_file changes a Latin-1 file byte for byte; write_file refuses to re-encode it', async () => {
      writeFileSync(file('menu.txt'), latin1);
      const tools = toolHarness(ws);
      const read = await tools.call('read_file', { path: 'menu.txt' });
      assert.match(read.content, /not valid UTF-8/);
      const rewrite = await tools.call('write_file', { path: 'menu.txt', content: read.content });
      assert.equal(rewrite.isError, true);
      assert.match(rewrite.content, /not valid UTF-8/);
      assert.deepEqual(readFileSync(file('menu.txt')), latin1);
      const edit = await tools.call('edit_file', { path: 'menu.txt', oldText: 'line two', newText: 'line 2' });
      assert.equal(edit.isError, undefined, edit.content);
      assert.deepEqual(readFileSync(file('menu.txt')), Buffer.from('caf\xe9 cr\xe8me br\xfbl\xe9e\nline 2\n', 'latin1'));
      const withReplacement = await tools.call('edit_file', { path: 'menu.txt', oldText: 'caf\uFFFD', newText: 'cafe' });
      assert.equal(withReplacement.isError, true);
      assert.match(withReplacement.content, /cannot include the bytes shown as/);
      // The checkpoint for undo holds the exact original bytes.
      assert.deepEqual(Buffer.from(tools.checkpoints.get(file('menu.txt'))!), latin1);
    });

    it('keeps a BOM, CRLF and trailing spaces outside the edited text', async () => {
      const original = '\uFEFFalpha  \r\nbeta\r\ngamma \r\n';
      writeFileSync(file('crlf.txt'), original);
      await toolHarness(ws).call('edit_file', { path: 'crlf.txt', oldText: 'beta', newText: 'BETA' });
      assert.equal(readFileSync(file('crlf.txt'), 'utf8'), original.replace('beta', 'BETA'));
    });

    it('the plan tools (and so MCP and the hub) refuse to edit a plan that is not valid UTF-8', async () => {
      const plan = Buffer.from('# Caf\xe9\n\n- [ ] T001 Write the menu\n', 'latin1');
      writeFileSync(file('tasks.md'), plan);
      const tools = toolHarness(ws);
      for (const [name, args] of [
        ['set_task_status', { file: 'tasks.md', id: 'T001', status: 'done' }],
        ['toggle_deliverable', { file: 'tasks.md', line: 3 }],
      ] as const) {
        const result = await tools.call(name, args);
        assert.equal(result.isError, true);
        assert.match(result.content, /tasks\.md is not valid UTF-8/);
        assert.ok(!result.content.includes(ws), 'no absolute path in the error');
      }
      await assert.rejects(filePlanAccess(ws).setStatus('tasks.md', 'T001', 'done'), /not valid UTF-8/);
      assert.deepEqual(readFileSync(file('tasks.md')), plan);
    });
  });

  describe('plans behind links, new folders, clear errors', () => {
    it('editing a plan that is a link edits its target and the link stays a link', async () => {
      mkdirSync(file('docs'));
      writeFileSync(file('docs/real-plan.md'), '# Plan\n\n- [ ] T001 First\n- [ ] T002 Second\n');
      symlinkSync('docs/real-plan.md', file('tasks.md'));
      const tools = toolHarness(ws);
      const listed = await tools.call('list_plans', {});
      assert.match(listed.content, /T001/);
      assert.equal((await tools.call('set_task_status', { file: 'tasks.md', id: 'T001', status: 'done' })).isError, undefined);
      assert.equal((await tools.call('edit_file', { path: 'tasks.md', oldText: 'Second', newText: 'Second step' })).isError, undefined);
      assert.ok(lstatSync(file('tasks.md')).isSymbolicLink());
      assert.equal(readFileSync(file('docs/real-plan.md'), 'utf8'), '# Plan\n\n- [x] T001 First\n- [ ] T002 Second step\n');
    });

    it('write_file creates the folders it needs inside the workspace, never through a link that leads out', async () => {
      symlinkSync(outside, file('out'));
      const tools = toolHarness(ws);
      const made = await tools.call('write_file', { path: 'notes/new/deeper/file.txt', content: 'hello\n' });
      assert.equal(made.isError, undefined, made.content);
      assert.equal(readFileSync(file('notes/new/deeper/file.txt'), 'utf8'), 'hello\n');
      const out = await tools.call('write_file', { path: 'out/new/file.txt', content: 'x' });
      assert.equal(out.isError, true);
      assert.match(out.content, /outside the workspace/);
      outsideUnchanged();
    });

    it('errors name files relative to the workspace, never an absolute or temporary path', async () => {
      mkdirSync(file('a-folder'));
      writeFileSync(file('blocker'), 'a file where a folder should be\n');
      const tools = toolHarness(ws);
      for (const [name, args] of [
        ['write_file', { path: 'a-folder', content: 'x' }],
        ['write_file', { path: 'blocker/inner.txt', content: 'x' }],
        ['read_file', { path: 'a-folder' }],
      ] as const) {
        const result = await tools.call(name, args);
        assert.equal(result.isError, true, `${name} ${JSON.stringify(args)}: ${result.content}`);
        assert.ok(!result.content.includes(dir), result.content);
        assert.ok(!/plumbline-tmp|\.tmp\b/.test(result.content), result.content);
      }
      assert.deepEqual(readdirSync(ws).sort(), ['a-folder', 'blocker', 'src']);
    });
  });

  describe('special files', () => {
    it('never opens a FIFO: read_file refuses it at once, search_text and list_files go past it', async function () {
      if (process.platform === 'win32') this.skip();
      execFileSync('mkfifo', [file('src/pipe')]);
      writeFileSync(file('src/notes.txt'), 'needle\n');
      const tools = toolHarness(ws);
      const read = await tools.call('read_file', { path: 'src/pipe' });
      assert.equal(read.isError, true);
      assert.match(read.content, /not a regular file/);
      const search = await tools.call('search_text', { query: 'needle' });
      assert.equal(search.content, 'src/notes.txt:1: needle');
      const list = await tools.call('list_files', { path: 'src' });
      assert.match(list.content, /pipe \(not a regular file\)/);
      const edit = await tools.call('edit_file', { path: 'src/pipe', oldText: 'a', newText: 'b' });
      assert.equal(edit.isError, true);
    });
  });

  describe('plan tools obey the rules of file tools', () => {
    const checklist = '# Plan\n\n- [ ] T001 First\n';

    it('a plan on a protected path needs approval; a plan folder such as .cursor/plans does not', async () => {
      mkdirSync(file('.claude'), { recursive: true });
      mkdirSync(file('.cursor/plans'), { recursive: true });
      writeFileSync(file('AGENTS.md'), checklist);
      writeFileSync(file('.claude/tasks.md'), checklist);
      writeFileSync(file('.cursor/plans/feature.plan.md'), checklist);
      const tools = toolHarness(ws);
      for (const plan of ['AGENTS.md', '.claude/tasks.md']) {
        const result = await tools.call('set_task_status', { file: plan, id: 'T001', status: 'done' });
        assert.match(result.content, /was not approved \(.* is a protected path\)/, plan);
        assert.equal(readFileSync(file(plan), 'utf8'), checklist);
      }
      const cursor = await tools.call('set_task_status', { file: '.cursor/plans/feature.plan.md', id: 'T001', status: 'done' });
      assert.equal(cursor.isError, undefined, cursor.content);
      assert.match(readFileSync(file('.cursor/plans/feature.plan.md'), 'utf8'), /- \[x\] T001/);
      // write_file to the same plan folder is still a protected write.
      const raw = await tools.call('write_file', { path: '.cursor/plans/feature.plan.md', content: 'x' });
      assert.match(raw.content, /is a protected path/);
    });

    it('when edits are not auto-approved, plan edits ask too, and a refusal writes nothing', async () => {
      writeFileSync(file('tasks.md'), checklist);
      const tools = toolHarness(ws, { autoApproveEdits: false, approve: false });
      const result = await tools.call('toggle_deliverable', { file: 'tasks.md', line: 3 });
      assert.match(result.content, /was not approved \(edits need approval in this workspace\)/);
      assert.equal(readFileSync(file('tasks.md'), 'utf8'), checklist);
    });
  });
});
