import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { claudeCodeConfig } from '../../engine/hooks/install/claudeCode';
import { launcherScript } from '../../engine/hooks/install/launcher';
import { parseJsonText, valueOf } from '../../engine/hooks/install/jsonText';
import { storeClass } from '../fixtures/storeClass';
import { loadAndDelete } from './runHook';

/**
 * `plumbline hooks install|uninstall <harness>` as a person runs it: the built CLI in a project
 * folder, with a HOME of the test's own. For each harness, against no config and against a
 * realistic one (other settings and hooks, comments where the harness reads them, CRLF, tabs):
 * merged, once, idempotent, undone to the byte, and a config it cannot read left alone. Then the
 * command the config holds, run as the harness runs it (`sh -c`), refuses a drop through the
 * launcher.
 */
const cli = path.resolve(__dirname, '../../dist/cli.js');
const launcher = '"$HOME/.plumbline/bin/plumbline"';
/** What a config runs: the launcher, when there is one (a teammate without Plumbline gets nothing). */
const command = (harness: string) => `if [ -x ${launcher} ]; then ${launcher} hook ${harness}; fi`;

let root: string;
let home: string;
let proj: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'plumbline-hooks-install-'));
  home = path.join(root, 'home');
  proj = path.join(root, 'proj');
  mkdirSync(home);
  mkdirSync(proj);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** The variables that move a harness's folder are cleared, so the person's own never leak in. */
function env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, HOME: home, CLAUDE_CONFIG_DIR: '', CODEX_HOME: '', COPILOT_HOME: '', GEMINI_CLI_HOME: '', KIRO_HOME: '', PLUMBLINE_HUB_PORT: '', ...extra };
}

function plumbline(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, 'hooks', ...args], { cwd: proj, encoding: 'utf8', env: env(), timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function installJson(...args: string[]): { file: string; changed: boolean; launcher?: { file: string; changed: boolean } } {
  const run = plumbline(...args, '--json');
  assert.equal(run.status, 0, run.stderr);
  return JSON.parse(run.stdout) as { file: string; changed: boolean };
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function jsonOf(text: string): unknown {
  return valueOf(parseJsonText(text, { comments: true }));
}

/** The config without Plumbline's entries, and without the lists and objects that held only them. */
function withoutPlumbline(value: unknown, harness: string, original: unknown): unknown {
  const ours = (v: unknown) => JSON.stringify(v).includes(`hook ${harness}`);
  if (Array.isArray(value)) return value.filter((v) => !ours(v)).map((v, i) => withoutPlumbline(v, harness, Array.isArray(original) ? original[i] : undefined));
  if (value === null || typeof value !== 'object') return value;
  const before = (original ?? {}) as Record<string, unknown>;
  const kept: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const pruned = withoutPlumbline(v, harness, before[key]);
    const empty = Array.isArray(pruned) ? !pruned.length : pruned !== null && typeof pruned === 'object' && !Object.keys(pruned).length;
    if (!(key in before) && empty) continue;
    kept[key] = pruned;
  }
  return kept;
}

/** How often each harness's config holds Plumbline's command (one entry per event it hooks). */
const events: Record<string, number> = { 'claude-code': 2, codex: 2, copilot: 1, cursor: 2, gemini: 2, kiro: 1 };

interface JsonCase {
  harness: string;
  file: () => string;
  existing: string;
  /** A config install refuses; `shape`: JSON the harness would not read this way, which has no hook of Plumbline's to uninstall. */
  unparsable: { text: string; line: number; shape?: true };
  args?: string[];
}

const claudeSettings = JSON.stringify(
  {
    $schema: 'https://json.schemastore.org/claude-code-settings.json',
    permissions: { allow: ['Bash(npm run test:*)', 'Read(~/.zshrc)'], deny: ['Read(./.env)'] },
    env: { CLAUDE_CODE_ENABLE_TELEMETRY: '0' },
    hooks: {
      PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: '"$CLAUDE_PROJECT_DIR"/.claude/hooks/check-bash.sh', timeout: 10 }] }],
      PostToolUse: [{ matcher: 'Edit|Write', hooks: [{ type: 'command', command: 'npx prettier --write "$(jq -r .tool_input.file_path)"' }] }],
    },
  },
  null,
  2,
);

const cases: JsonCase[] = [
  {
    harness: 'claude-code',
    file: () => path.join(proj, '.claude', 'settings.json'),
    existing: `${claudeSettings}\n`,
    unparsable: { text: '{\n  // Claude Code refuses comments\n  "model": "opus"\n}\n', line: 2 },
  },
  {
    harness: 'claude-code',
    file: () => path.join(proj, '.claude', 'settings.json'),
    existing: `${claudeSettings.replace(/\n/g, '\r\n')}\r\n`,
    unparsable: { text: '{\r\n  "hooks": {\r\n    "Stop": {}\r\n  }\r\n}\r\n', line: 3, shape: true },
  },
  {
    harness: 'gemini',
    file: () => path.join(proj, '.gemini', 'settings.json'),
    existing: [
      '{',
      '\t// Gemini CLI strips comments: these stay.',
      '\t"general": {',
      '\t\t"vimMode": true',
      '\t},',
      '\t"hooks": {',
      '\t\t"BeforeTool": [',
      '\t\t\t{',
      '\t\t\t\t"matcher": "run_shell_command",',
      '\t\t\t\t"hooks": [',
      '\t\t\t\t\t{ "name": "security", "type": "command", "command": "$GEMINI_PROJECT_DIR/.gemini/hooks/security.sh", "timeout": 5000 }',
      '\t\t\t\t]',
      '\t\t\t}',
      '\t\t] /* shell commands only */',
      '\t}',
      '}',
      '',
    ].join('\n'),
    unparsable: { text: '{\n  "general": {\n    "vimMode": true,,\n  }\n}\n', line: 3 },
  },
  {
    harness: 'codex',
    file: () => path.join(proj, '.codex', 'hooks.json'),
    existing: `${JSON.stringify(
      {
        hooks: {
          SessionStart: [{ matcher: 'startup|resume', hooks: [{ type: 'command', command: 'python3 .codex/hooks/session_start.py', statusMessage: 'Loading context' }] }],
          PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'python3 .codex/hooks/pre_tool_use.py' }] }],
          Stop: [{ hooks: [{ type: 'command', command: 'python3 .codex/hooks/stop.py', timeout: 30 }] }],
        },
      },
      null,
      2,
    )}\n`,
    unparsable: { text: '{\n  "hooks": {\n    "PreToolUse": {}\n  }\n}\n', line: 3, shape: true },
  },
  {
    harness: 'cursor',
    file: () => path.join(proj, '.cursor', 'hooks.json'),
    existing: `${JSON.stringify({ version: 1, hooks: { beforeShellExecution: [{ command: './hooks/audit.sh' }], afterFileEdit: [{ command: './hooks/format.sh' }] } }, null, 4)}\n`,
    unparsable: { text: '{\n    "version": 1,\n    "hooks": {},\n}\n', line: 4 },
  },
  {
    harness: 'copilot',
    file: () => path.join(proj, '.github', 'hooks', 'plumbline.json'),
    // One line, as a generator writes it: the entry goes in on that line too.
    existing: '{"version":1,"hooks":{"sessionStart":[{"type":"command","bash":"echo started >> .github/hooks/session.log","timeoutSec":5}]}}',
    unparsable: { text: '{\n  "version": 1,\n  "hooks": {\n', line: 4 },
  },
  {
    harness: 'kiro',
    file: () => path.join(proj, '.kiro', 'agents', 'dev.json'),
    args: ['--agent', 'dev'],
    existing: `${JSON.stringify(
      {
        name: 'dev',
        description: 'Backend work',
        tools: ['*'],
        allowedTools: ['fs_read'],
        hooks: {
          agentSpawn: [{ command: 'git status' }],
          preToolUse: [{ matcher: 'execute_bash', command: '{ echo "$(date) - Bash command:"; cat; echo; } >> /tmp/bash_audit_log' }],
        },
        model: 'claude-sonnet-4',
      },
      null,
      2,
    )}\n`,
    unparsable: { text: '[\n  "not an agent"\n]\n', line: 1 },
  },
];

describe('plumbline hooks install / uninstall', () => {
  for (const c of cases) {
    const args = [c.harness, ...(c.args ?? [])];
    const label = `${c.harness}${c.existing.includes('\r\n') ? ' (CRLF)' : c.existing.includes('\t') ? ' (tabs, comments)' : ''}`;

    describe(label, () => {
      // Kiro's new agent has a test of its own below.
      if (!c.args) it('writes a new config with the hook once, keeps it on a second install, and deletes the file on uninstall', () => {
        const file = c.file();
        const first = installJson('install', ...args);
        assert.deepEqual({ file: first.file, changed: first.changed }, { file, changed: true });
        const text = readFileSync(file, 'utf8');
        assert.equal(text.split(`${launcher.replace(/"/g, '\\"')} hook ${c.harness}`).length - 1, events[c.harness], text);
        assert.ok(text.endsWith('}\n'));
        assert.equal(installJson('install', ...args).changed, false);
        assert.equal(readFileSync(file, 'utf8'), text);
        assert.equal(installJson('uninstall', ...args).changed, true);
        assert.equal(existsSync(file), false);
        assert.equal(installJson('uninstall', ...args).changed, false);
      });

      it('merges into a realistic config, keeps it on a second install, and uninstall gives the original bytes back', () => {
        const file = c.file();
        write(file, c.existing);
        assert.equal(installJson('install', ...args).changed, true);
        const merged = readFileSync(file, 'utf8');
        assert.equal(merged.split(`hook ${c.harness}`).length - 1, events[c.harness], merged);
        assert.deepEqual(withoutPlumbline(jsonOf(merged), c.harness, jsonOf(c.existing)), jsonOf(c.existing));
        if (c.existing.includes('\r\n')) assert.doesNotMatch(merged.replace(/\r\n/g, ''), /\n/, 'CRLF throughout');
        if (c.harness === 'gemini') assert.match(merged, /\/\/ Gemini CLI strips comments: these stay\.\n[\s\S]*\/\* shell commands only \*\//);
        assert.equal(installJson('install', ...args).changed, false);
        assert.equal(readFileSync(file, 'utf8'), merged);
        assert.equal(installJson('uninstall', ...args).changed, true);
        assert.equal(readFileSync(file, 'utf8'), c.existing);
      });

      it('refuses a config it cannot read, naming the file and line, and leaves it as it was', () => {
        const file = c.file();
        write(file, c.unparsable.text);
        for (const action of ['install', 'uninstall']) {
          const run = plumbline(action, ...args);
          if (action === 'uninstall' && c.unparsable.shape) {
            assert.deepEqual(run, { status: 0, stdout: `${path.relative(proj, file)} has no Plumbline hook: no change.\n`, stderr: '' });
            continue;
          }
          assert.equal(run.status, 1, run.stderr);
          assert.match(run.stderr, new RegExp(`^plumbline: ${path.relative(proj, file).replace(/[.]/g, '\\.')}:${c.unparsable.line}: .+; the file was not changed\\n$`));
          assert.equal(readFileSync(file, 'utf8'), c.unparsable.text);
        }
        assert.equal(existsSync(path.join(home, '.plumbline', 'bin', 'plumbline')), false, 'no launcher for a refused install');
      });
    });
  }

  it('replaces an older Plumbline entry (another command path) instead of adding a second', () => {
    const file = path.join(proj, '.claude', 'settings.json');
    const old = { matcher: 'Write|Edit', hooks: [{ type: 'command', command: 'node /opt/plumbline/dist/cli.js hook claude-code' }] };
    write(file, `${JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'Bash', hooks: [{ type: 'command', command: 'audit' }] }, old, { ...old, matcher: 'Write' }] } }, null, 2)}\n`);
    installJson('install', 'claude-code');
    const settings = JSON.parse(readFileSync(file, 'utf8')) as { hooks: { PreToolUse: unknown[]; Stop: unknown[] } };
    assert.deepEqual(settings.hooks.PreToolUse, [
      { matcher: 'Bash', hooks: [{ type: 'command', command: 'audit' }] },
      { matcher: 'Write|Edit|MultiEdit', hooks: [{ type: 'command', command: command('claude-code') }] },
    ]);
    assert.equal(settings.hooks.Stop.length, 1);
  });

  it("refuses an entry that runs Plumbline's hook together with another command", () => {
    const file = path.join(proj, '.codex', 'hooks.json');
    const text = `${JSON.stringify({ hooks: { PreToolUse: [{ matcher: 'apply_patch', hooks: [{ type: 'command', command: 'plumbline hook codex' }, { type: 'command', command: 'lint' }] }] } }, null, 2)}\n`;
    write(file, text);
    const run = plumbline('install', 'codex');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /^plumbline: \.codex\/hooks\.json:4: an entry runs Plumbline's hook together with other commands/);
    assert.equal(readFileSync(file, 'utf8'), text);
  });

  it('writes the user config with --user, in the folder the harness variable names', () => {
    assert.equal(installJson('install', 'claude-code', '--user').file, path.join(home, '.claude', 'settings.json'));
    const codexHome = path.join(root, 'codex-home');
    const run = spawnSync(process.execPath, [cli, 'hooks', 'install', 'codex', '--user', '--json'], { cwd: proj, encoding: 'utf8', env: env({ CODEX_HOME: codexHome }) });
    assert.equal((JSON.parse(run.stdout) as { file: string }).file, path.join(codexHome, 'hooks.json'));
    assert.equal(existsSync(path.join(proj, '.claude')), false);
  });

  it('says what it wrote, as a diff, and what runs the hook', () => {
    write(path.join(proj, '.cursor', 'hooks.json'), '{\n  "version": 1,\n  "hooks": {}\n}\n');
    const run = plumbline('install', 'cursor');
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /^Wrote \.cursor\/hooks\.json:\n--- \.cursor\/hooks\.json\n\+\+\+ \.cursor\/hooks\.json\n@@ -1,4 \+1,15 @@\n \{\n {3}"version": 1,\n- {2}"hooks": \{\}\n\+ {2}"hooks": \{\n\+ {4}"afterFileEdit": \[/);
    assert.match(run.stdout, /\nCursor's hook runs ~\/\.plumbline\/bin\/plumbline \(written now\), which starts .*dist\/cli\.js\.\n$/);
    assert.match(plumbline('install', 'cursor').stdout, /^\.cursor\/hooks\.json already runs Plumbline's Cursor hook: no change\.\n/);
  });

  it('refuses wrong usage with exit 2', () => {
    for (const args of [[], ['enable', 'codex'], ['install'], ['install', 'aider'], ['install', 'codex', 'extra'], ['install', 'codex', '--project', '--user'], ['install', 'codex', '--agent', 'dev']]) {
      const run = plumbline(...args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, /^plumbline: .+ \(see plumbline --help\)\n$/);
    }
  });

  describe('copilot', () => {
    it("writes its own file among the project's hook files and leaves the others alone", () => {
      const other = path.join(proj, '.github', 'hooks', 'format.json');
      write(other, '{"hooks":{"PostToolUse":[{"type":"command","command":"npx prettier --write ."}]}}');
      installJson('install', 'copilot');
      assert.deepEqual(JSON.parse(readFileSync(path.join(proj, '.github', 'hooks', 'plumbline.json'), 'utf8')), {
        version: 1,
        hooks: { preToolUse: [{ type: 'command', bash: command('copilot'), timeoutSec: 30 }] },
      });
      installJson('uninstall', 'copilot');
      assert.equal(readFileSync(other, 'utf8'), '{"hooks":{"PostToolUse":[{"type":"command","command":"npx prettier --write ."}]}}');
      assert.deepEqual(readdirSync(path.join(proj, '.github', 'hooks')), ['format.json']);
    });
  });

  describe('kiro (an agent config)', () => {
    it('creates a "plumbline" agent with every tool when none is set up, says how to use it, and deletes it on uninstall', () => {
      const run = plumbline('install', 'kiro');
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /kiro-cli chat --agent plumbline/);
      const file = path.join(proj, '.kiro', 'agents', 'plumbline.json');
      const agent = JSON.parse(readFileSync(file, 'utf8')) as { name: string; tools: string[]; hooks: unknown };
      assert.equal(agent.name, 'plumbline');
      assert.deepEqual(agent.tools, ['*']);
      assert.deepEqual(agent.hooks, { preToolUse: [{ matcher: 'fs_write', command: command('kiro') }] });
      installJson('uninstall', 'kiro');
      assert.equal(existsSync(file), false);
    });

    it("puts the hook in the agent Kiro starts with (chat.defaultAgent), and never hides a global agent with a new project one", () => {
      write(path.join(home, '.kiro', 'settings', 'cli.json'), '{"chat.defaultAgent": "reviewer"}');
      assert.equal(installJson('install', 'kiro', '--user').file, path.join(home, '.kiro', 'agents', 'reviewer.json'));
      const run = plumbline('install', 'kiro');
      assert.equal(run.status, 1);
      assert.match(run.stderr, /the agent "reviewer" is in .*\.kiro\/agents\/reviewer\.json; install with --user/);
      assert.equal(existsSync(path.join(proj, '.kiro')), false);
    });
  });

  describe('cline (a hook script)', () => {
    const script = () => path.join(proj, '.clinerules', 'hooks', 'PreToolUse');

    it('writes an executable PreToolUse script that runs the launcher, and deletes it on uninstall', () => {
      write(path.join(proj, '.clinerules', 'hooks', 'PostToolUse'), '#!/bin/sh\necho done\n');
      assert.equal(installJson('install', 'cline').changed, true);
      const text = readFileSync(script(), 'utf8');
      assert.equal(text.split('\n')[0], '#!/bin/sh');
      assert.match(text.split('\n')[1], /^# plumbline-hook: cline /);
      assert.equal(text.split('\n').slice(2).join('\n'), `${command('cline')}\n`);
      assert.equal(statSync(script()).mode & 0o777, 0o755);
      assert.equal(installJson('install', 'cline').changed, false);
      assert.equal(installJson('uninstall', 'cline').changed, true);
      assert.equal(existsSync(script()), false);
      assert.equal(readFileSync(path.join(proj, '.clinerules', 'hooks', 'PostToolUse'), 'utf8'), '#!/bin/sh\necho done\n');
    });

    it("never overwrites or deletes someone else's PreToolUse script", () => {
      write(script(), '#!/usr/bin/env node\nconsole.log("{}")\n');
      const run = plumbline('install', 'cline');
      assert.equal(run.status, 1);
      assert.match(run.stderr, /^plumbline: \.clinerules\/hooks\/PreToolUse: it is a PreToolUse hook script that is not Plumbline's; .+; the file was not changed\n$/);
      assert.equal(installJson('uninstall', 'cline').changed, false);
      assert.equal(readFileSync(script(), 'utf8'), '#!/usr/bin/env node\nconsole.log("{}")\n');
    });
  });

  describe('end to end: the command in the config, run by a shell as the harness runs it, refuses a drop', () => {
    let file: string;
    beforeEach(() => {
      file = path.join(proj, 'store.ts');
      writeFileSync(file, storeClass);
    });

    function runConfigured(command: string, payload: unknown): { status: number | null; stdout: string; stderr: string } {
      const result = spawnSync('sh', ['-c', command], { cwd: proj, input: JSON.stringify(payload), encoding: 'utf8', env: env(), timeout: 30_000 });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }
    // Claude Code and Gemini CLI: the settings file, the event whose first group is Plumbline's, and the edit tool.
    for (const [harness, settingsFile, event, tool] of [
      ['claude-code', '.claude/settings.json', 'PreToolUse', 'Edit'],
      ['gemini', '.gemini/settings.json', 'BeforeTool', 'replace'],
    ] as const) {
      it(harness, () => {
        installJson('install', harness);
        const settings = JSON.parse(readFileSync(path.join(proj, settingsFile), 'utf8')) as { hooks: Record<string, { hooks: { command: string }[] }[]> };
        const answer = runConfigured(settings.hooks[event][0].hooks[0].command, {
          session_id: 's1',
          cwd: proj,
          hook_event_name: event,
          timestamp: '2026-12-05T12:00:00Z',
          tool_name: tool,
          tool_input: { file_path: file, old_string: loadAndDelete, new_string: '  // ... existing code ...\n' },
        });
        assert.equal(answer.status, 2, answer.stderr);
        assert.match(answer.stderr, /^Plumbline refused this edit to store\.ts:\n- line 8: .* replaced 7 lines: class members `load`, `delete`/);
        assert.equal(readFileSync(file, 'utf8'), storeClass);
      });
    }

    it('cline: the script itself', () => {
      installJson('install', 'cline');
      const result = spawnSync(path.join(proj, '.clinerules', 'hooks', 'PreToolUse'), [], {
        cwd: proj,
        encoding: 'utf8',
        env: env(),
        input: JSON.stringify({ hookName: 'PreToolUse', workspaceRoots: [proj], preToolUse: { toolName: 'replace_in_file', parameters: { path: 'store.ts', diff: `------- SEARCH\n${loadAndDelete}=======\n  // ... existing code ...\n+++++++ REPLACE\n` } } }),
      });
      assert.equal(result.status, 0, result.stderr);
      assert.equal((JSON.parse(result.stdout) as { cancel: boolean }).cancel, true);
    });

    it('a launcher whose CLI is gone passes, with one line on stderr', () => {
      installJson('install', 'claude-code');
      const launcherFile = path.join(home, '.plumbline', 'bin', 'plumbline');
      writeFileSync(launcherFile, readFileSync(launcherFile, 'utf8').replace(/^cli=.*$/m, `cli=${path.join(root, 'gone', 'cli.js')}`));
      const answer = runConfigured(command('claude-code'), { cwd: proj, hook_event_name: 'PreToolUse', tool_name: 'Write', tool_input: { file_path: file, content: '' } });
      assert.equal(answer.status, 0);
      assert.equal(answer.stdout, '');
      assert.match(answer.stderr, /^plumbline: .*gone\/cli\.js is gone \(Plumbline was moved or uninstalled\), so nothing was checked; run `plumbline hooks install <harness>` again\n$/);
      // Installing again points it back at this CLI.
      assert.equal(installJson('install', 'claude-code').launcher?.changed, true);
    });

    it("without a launcher (a teammate who checked out the project's config) passes silently", () => {
      installJson('install', 'copilot');
      rmSync(path.join(home, '.plumbline'), { recursive: true });
      const config = JSON.parse(readFileSync(path.join(proj, '.github', 'hooks', 'plumbline.json'), 'utf8')) as { hooks: { preToolUse: { bash: string }[] } };
      assert.deepEqual(runConfigured(config.hooks.preToolUse[0].bash, { cwd: proj, toolName: 'edit', toolArgs: {} }), { status: 0, stdout: '', stderr: '' });
    });
  });

  it("the launcher runs VS Code's Electron as Node", () => {
    const script = launcherScript({ cli: '/ext/dist/cli.js', node: "/Applications/Visual Studio Code.app/Contents/MacOS/Electron's", electron: true });
    assert.match(script, /^node='\/Applications\/Visual Studio Code\.app\/Contents\/MacOS\/Electron'\\''s'$/m);
    assert.match(script, /\nELECTRON_RUN_AS_NODE=1\nexport ELECTRON_RUN_AS_NODE\nexec "\$node" "\$cli" "\$@"\n$/);
    assert.doesNotMatch(launcherScript({ cli: '/x/cli.js', node: '/usr/bin/node', electron: false }), /ELECTRON/);
  });

  it('gives back the bytes of any settings file it merged into (generated: other keys, other hooks, one line or indented, CRLF)', () => {
    const group = fc.record({ matcher: fc.string(), hooks: fc.array(fc.record({ type: fc.constant('command'), command: fc.string() }), { minLength: 1, maxLength: 2 }) });
    const hooks = fc.dictionary(fc.constantFrom('PreToolUse', 'PostToolUse', 'Stop', 'Notification'), fc.array(group, { minLength: 1, maxLength: 3 }), { minKeys: 1 });
    const settings = fc.record({ other: fc.dictionary(fc.string().filter((k) => k !== 'hooks'), fc.jsonValue({ maxDepth: 2 })), hooks: fc.option(hooks) });
    const target = { command: command('claude-code'), file: 'settings.json' };
    fc.assert(
      fc.property(settings, fc.constantFrom<string | number>(0, 2, 4, '\t'), fc.constantFrom('\n', '\r\n'), fc.boolean(), ({ other, hooks: h }, indent, eol, newline) => {
        const text = JSON.stringify(h ? { ...other, hooks: h } : other, null, indent).replace(/\n/g, eol) + (newline ? eol : '');
        // `{}` and a newline is what install writes for no file at all, and what uninstall deletes.
        fc.pre(text !== '{}\n');
        const merged = claudeCodeConfig.install(text, target);
        const value = JSON.parse(merged) as { hooks: Record<string, unknown[]> };
        assert.equal(value.hooks.PreToolUse.filter((g) => JSON.stringify(g).includes('hook claude-code')).length, 1);
        assert.equal(claudeCodeConfig.install(merged, target), merged);
        assert.equal(claudeCodeConfig.uninstall(merged, target), text);
      }),
      { numRuns: 300 },
    );
  });
});
