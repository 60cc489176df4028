import * as assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Store } from '../../engine/store';
import { storeClass } from '../fixtures/storeClass';

/**
 * `plumbline hub` as a shell agent uses it (SPEC §6, §7): the real `hub serve` in a child
 * process with its own HOME (so its lock file is the test's), and docs/examples/agent-loop.sh
 * driving the CLI against it, one process per command.
 */
const repo = path.resolve(__dirname, '../..');
const bin = path.join(repo, 'engine/cli/bin.ts');
const loop = path.join(repo, 'docs/examples/agent-loop.sh');
/** tsx's own CLI: it finds its loader wherever the command runs (the workspace has no node_modules). */
const tsx = path.join(repo, 'node_modules/tsx/dist/cli.mjs');
/** The CLI from source, as one command line for $PLUMBLINE (the script splits it into words). */
const plumbline = `${process.execPath} ${tsx} ${bin}`;

const plan = '# Tasks\n\n- [ ] T1 Add a count method\n- [ ] T2 Write the notes\n';
const withCount = storeClass.replace(/\n\}\n$/, '\n\n  count() {\n    return this.items.size;\n  }\n}\n');
const dropped = storeClass.replace(/ {2}load\(key: string\) \{[\s\S]*?\n {2}\}\n\n {2}delete\(key: string\) \{[\s\S]*?\n {2}\}\n/, '  // ... (rest unchanged)\n');

/** An agent step: T1 edits src/store.ts (cleanly, or dropping two methods), T2 writes a new file. */
const agentScript = `
const fs = require('node:fs');
if (process.env.TASK_ID === 'T1') fs.writeFileSync('src/store.ts', process.env.DROP ? ${JSON.stringify(dropped)} : ${JSON.stringify(withCount)});
else fs.writeFileSync('src/notes.ts', 'export const notes = [' + JSON.stringify(process.env.TASK_TITLE) + '];\\n');
`;

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('plumbline hub (CLI, a real hub serve process)', function () {
  this.timeout(60_000);
  let dir: string;
  let home: string;
  let ws: string;
  let dbFile: string;
  let agent: string;
  const children = new Set<ChildProcessWithoutNullStreams>();

  /** A child process with a time limit; resolves when it has exited. */
  const run = (command: string, args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 45_000): Promise<Exit> =>
    new Promise((resolve) => {
      const child = spawn(command, args, { cwd: ws, env: { ...process.env, HOME: home, PLUMBLINE_HUB_PORT: '', ...env } });
      children.add(child);
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (code) => {
        clearTimeout(timer);
        children.delete(child);
        resolve({ code, stdout, stderr });
      });
    });
  const cli = (...args: string[]) => run(process.execPath, [tsx, bin, ...args]);
  const agentLoop = (env: NodeJS.ProcessEnv = {}) => run('bash', [loop], { PLUMBLINE: plumbline, AGENT_CMD: `${process.execPath} ${agent}`, ...env });

  /** Starts `hub serve` and waits for its {"port"} line. */
  const serve = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', bin, 'hub', 'serve', '--workspace', ws, '--db', dbFile], { cwd: repo, env: { ...process.env, HOME: home } });
    children.add(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      const timer = setTimeout(() => reject(new Error(`hub serve printed no port in 20 s: ${stderr}`)), 20_000);
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        const line = stdout.split('\n').find((l) => l.startsWith('{'));
        if (line && stdout.includes('\n')) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { port: number }).port);
        }
      });
      void exited.then((code) => reject(new Error(`hub serve exited ${code}: ${stderr}`)));
    });
    const lockFile = path.join(home, '.plumbline/hub', `${port}.lock`);
    /** SIGTERM, and the exit code. */
    const stop = async () => {
      child.kill('SIGTERM');
      const code = await exited;
      children.delete(child);
      return code;
    };
    return { child, port, lockFile, stop, stderr: () => stderr };
  };

  /** The runs `hub serve` recorded (read after it exited: it holds the database's lock while it runs). */
  const recordedRuns = async () => {
    const store = await Store.open(dbFile);
    try {
      assert.equal(store.readOnly, undefined);
      return store.listRuns();
    } finally {
      await store.close();
    }
  };

  beforeEach(() => {
    // The real path: the CLI finds its hub by comparing its cwd (always real) with the lock's folders.
    dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'plumbline-hubcli-')));
    home = path.join(dir, 'home');
    ws = path.join(dir, 'ws');
    dbFile = path.join(dir, 'state.db');
    agent = path.join(dir, 'agent.cjs');
    mkdirSync(home);
    mkdirSync(path.join(ws, 'plans'), { recursive: true });
    mkdirSync(path.join(ws, 'src'));
    writeFileSync(path.join(ws, 'plans/tasks.md'), plan);
    writeFileSync(path.join(ws, 'src/store.ts'), storeClass);
    writeFileSync(agent, agentScript);
    const git = spawnSync('git', ['init', '-q', ws]);
    assert.equal(git.status, 0, git.stderr?.toString());
  });
  afterEach(() => {
    for (const child of children) child.kill('SIGKILL');
    children.clear();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes ~/.plumbline/hub/<port>.lock (pid, port, token, workspaceFolders; 0600 in 0700), and SIGTERM removes it and exits 0', async () => {
    const hub = await serve();
    assert.ok(existsSync(hub.lockFile), `no lock file at ${hub.lockFile}`);
    const lock = JSON.parse(readFileSync(hub.lockFile, 'utf8')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(lock).sort(), ['pid', 'port', 'token', 'workspaceFolders']);
    assert.equal(lock.pid, hub.child.pid);
    assert.equal(lock.port, hub.port);
    assert.match(String(lock.token), /^[0-9a-f]{32}$/);
    assert.deepEqual(lock.workspaceFolders, [ws]);
    assert.equal(statSync(hub.lockFile).mode & 0o777, 0o600);
    assert.equal(statSync(path.dirname(hub.lockFile)).mode & 0o777, 0o700);
    // A client in the workspace finds the hub through the lock file. (This also keeps SIGTERM
    // from arriving right after the port line: hub serve prints it before it handles SIGTERM.)
    const list = await cli('hub', 'task', 'list', '--json');
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual((JSON.parse(list.stdout) as { plans: { tasks: { id: string }[] }[] }).plans[0].tasks.map((t) => t.id), ['T1', 'T2']);
    assert.equal(await hub.stop(), 0, hub.stderr());
    assert.equal(existsSync(hub.lockFile), false, 'the lock file is gone');
  });

  it('the example agent loop does both tasks: files as the agent wrote them, both done in the plan, two hub runs done', async () => {
    const hub = await serve();
    const result = await agentLoop();
    assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}\n${hub.stderr()}`);
    assert.match(result.stdout, /agent-loop: no task is ready/);
    assert.match(result.stdout, /claimed: plans\/tasks\.md:3 +in-progress +T1/);
    assert.equal(readFileSync(path.join(ws, 'src/store.ts'), 'utf8'), withCount);
    assert.equal(readFileSync(path.join(ws, 'src/notes.ts'), 'utf8'), 'export const notes = ["Write the notes"];\n');
    assert.equal(readFileSync(path.join(ws, 'plans/tasks.md'), 'utf8'), plan.replace(/\[ \]/g, '[x]'));

    assert.equal(await hub.stop(), 0, hub.stderr());
    const runs = await recordedRuns();
    assert.deepEqual(
      runs.map((r) => [r.taskId, r.provider, r.model, r.state]).sort(),
      [
        ['T1', 'hub', 'shell', 'done'],
        ['T2', 'hub', 'shell', 'done'],
      ],
    );
  });

  it('an agent that drops code behind a placeholder stops the loop, its run is quarantined, and its next claim is refused', async () => {
    const hub = await serve();
    const result = await agentLoop({ DROP: '1' });
    assert.notEqual(result.code, 0, result.stdout);
    assert.match(result.stdout, /placeholder|critical/, result.stdout);
    assert.match(result.stdout, /the agent is quarantined until a person releases it/);
    assert.match(result.stderr, /agent-loop: T1 is not done; stopping/);
    assert.equal(readFileSync(path.join(ws, 'src/store.ts'), 'utf8'), dropped, 'the hub checks edits, it does not undo them');

    const claim = await cli('hub', 'task', 'claim', 'plans/tasks.md', 'T2');
    assert.equal(claim.code, 1, claim.stdout);
    assert.match(claim.stderr, /^plumbline: shell is quarantined \(.+\); a person must release it/);
    assert.equal(claim.stderr.split('\n').length, 2, `one line: ${claim.stderr}`);
    assert.match(readFileSync(path.join(ws, 'plans/tasks.md'), 'utf8'), /- \[ \] T2/, 'T2 was not claimed');

    assert.equal(await hub.stop(), 0, hub.stderr());
    const runs = await recordedRuns();
    assert.deepEqual(
      runs.map((r) => [r.taskId, r.provider, r.state]),
      [['T1', 'hub', 'quarantined']],
    );
  });
});
