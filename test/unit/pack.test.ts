import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * The package `npm pack` builds (after `node esbuild.mjs`), installed the way a CI job on a
 * fresh machine installs it: offline, into an empty prefix, with an empty HOME and a working
 * folder outside this repository, so nothing of the repository (its node_modules, its dist)
 * can stand in for what the package lacks.
 */
const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

interface Packed {
  filename: string;
  files: { path: string }[];
}

describe('the npm package (npm pack)', function () {
  this.timeout(180_000);
  let tmp: string;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let packed: Packed;
  let tarball: string;
  let plumbline: string;

  const run = (command: string, args: string[], cwd = work) => {
    const result = spawnSync(command, args, { cwd, env, encoding: 'utf8' });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  before(function () {
    if (!existsSync(path.join(root, 'dist/cli.js'))) throw new Error('dist/cli.js is missing: run `node esbuild.mjs` first');
    tmp = mkdtempSync(path.join(os.tmpdir(), 'plumbline-pack-'));
    work = path.join(tmp, 'work');
    for (const dir of ['home', 'prefix', 'work']) mkdirSync(path.join(tmp, dir));
    // npm hands its settings to scripts as npm_config_* variables; under `npm test` they would
    // reach these npm calls too (a cache, a registry, a prefix).
    env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE_OPTIONS'));
    env.HOME = path.join(tmp, 'home');
    env.npm_config_update_notifier = 'false'; // it would ask the registry for npm's latest version
    const pack = run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', tmp], root);
    assert.equal(pack.code, 0, pack.stderr);
    [packed] = JSON.parse(pack.stdout) as Packed[];
    tarball = path.join(tmp, packed.filename);
    plumbline = path.join(tmp, 'prefix/node_modules/.bin/plumbline');
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('holds the CLI and what it loads at run time, nothing else', () => {
    const files = packed.files.map((f) => f.path).sort();
    for (const needed of ['dist/cli.js', 'dist/cli/main.mjs', 'dist/sql-wasm.wasm', 'dist/tree-sitter/tree-sitter.wasm', 'dist/tree-sitter/tree-sitter-typescript.wasm', 'package.json', 'README.md']) {
      assert.ok(files.includes(needed), `${needed} is in the package`);
    }
    const unexpected = files.filter((f) => !/^(package\.json|README\.md|dist\/(cli\.js|cli\/[\w-]+\.m?js|tree-sitter\/[\w-]+\.wasm|sql-wasm\.wasm))$/.test(f));
    assert.deepEqual(unexpected, [], 'no sources, tests, source maps or extension bundles');
    assert.deepEqual(Object.keys(pkg.dependencies ?? {}), [], 'everything is bundled: installing needs no registry');
  });

  it('installs offline into an empty prefix, and its bin runs', () => {
    const install = run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--prefix', path.join(tmp, 'prefix'), tarball]);
    assert.equal(install.code, 0, install.stderr);
    const version = run(plumbline, ['--version']);
    assert.equal(version.code, 0, version.stderr);
    assert.equal(version.stdout, `plumbline ${pkg.version}\n`);
  });

  it('the installed CLI refuses a drop with check-edit, naming the dropped code', () => {
    const members = ['load', 'remove', 'count'].map((name) => [`  async ${name}(id: string): Promise<number> {`, `    return this.db.${name}("users", id);`, '  }', '']);
    const head = ['export class UserStore {', '  constructor(private readonly db: Db) {}', ''];
    writeFileSync(path.join(work, 'before.ts'), [...head, ...members.flat(), '}', ''].join('\n'));
    writeFileSync(path.join(work, 'after.ts'), [...head, '  // ... (other methods unchanged)', '}', ''].join('\n'));
    const { code, stdout, stderr } = run(plumbline, ['check-edit', '--before', 'before.ts', '--after', 'after.ts']);
    assert.equal(code, 1, stderr);
    assert.match(stdout, /^after\.ts:4: critical: `\/\/ \.\.\. \(other methods unchanged\)` replaced \d+ lines: .*`load`, `remove`, `count`.* \(placeholder-dropped\)$/m);
  });

  it('the installed CLI checks a git working tree: check --base HEAD --format sarif', () => {
    const repo = path.join(work, 'repo');
    mkdirSync(repo);
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.invalid', ...args], { cwd: repo, env });
    git('init', '-q');
    const lines = Array.from({ length: 12 }, (_, i) => `  total += step(${i});`);
    writeFileSync(path.join(repo, 'sum.ts'), ['export function sum(): number {', '  let total = 0;', ...lines, '  return total;', '}', ''].join('\n'));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    writeFileSync(path.join(repo, 'sum.ts'), ['export function sum(): number {', '  let total = 0;', '  // ... rest unchanged', '  return total;', '}', ''].join('\n'));
    const { code, stdout, stderr } = run(plumbline, ['check', '--base', 'HEAD', '--format', 'sarif'], repo);
    assert.equal(code, 1, stderr);
    const [result] = JSON.parse(stdout).runs[0].results;
    assert.equal(result.ruleId, 'placeholder-dropped');
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uri, 'sum.ts');
    assert.equal(result.locations[0].physicalLocation.region.startLine, 3);
    assert.ok(result.message.text.includes('  total += step(11);'), result.message.text);
  });

  it('runs through npx from the tarball, as docs/ci.md has CI run it', () => {
    const { code, stdout, stderr } = run('npx', ['--offline', '--yes', `--package=${tarball}`, '--', 'plumbline', '--version']);
    assert.equal(code, 0, stderr);
    assert.equal(stdout, `plumbline ${pkg.version}\n`);
  });
});
