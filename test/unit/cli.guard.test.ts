import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './runCli';

/**
 * `plumbline check-edit` and `plumbline check` (SPEC §2, §7) on real files in a temporary
 * folder, and for `check` a real git repository. The CLI runs in-process with that folder as cwd.
 */
const cli = runCli;

/** One line on stderr, starting with "plumbline: ", and nothing that looks like a stack trace. */
function assertOneLineError(stderr: string, pattern: RegExp): void {
  assert.match(stderr, /^plumbline: [^\n]+\n$/, `one line: ${JSON.stringify(stderr)}`);
  assert.match(stderr, pattern);
  assert.doesNotMatch(stderr, /\n\s+at |internal error/);
}

// A class of several methods, and the same file after an agent replaced `load`, `delete` and
// `count` (lines 14-29, 1-based) with a placeholder comment.
const header = [
  'import { Database } from "./database";',
  'import { User, UserId } from "./types";',
  '',
  'export class UserRepository {',
  '  private readonly cache = new Map<UserId, User>();',
  '',
  '  constructor(private readonly db: Database) {}',
  '',
  '  async save(user: User): Promise<void> {',
  '    await this.db.upsert("users", { id: user.id, name: user.name });',
  '    this.cache.set(user.id, user);',
  '  }',
  '',
];
const dropped = [
  '  async load(id: UserId): Promise<User | undefined> {',
  '    const cached = this.cache.get(id);',
  '    if (cached) return cached;',
  '    const row = await this.db.findOne("users", { id });',
  '    return row ? { id: row.id, name: row.name } : undefined;',
  '  }',
  '',
  '  async delete(id: UserId): Promise<boolean> {',
  '    this.cache.delete(id);',
  '    const removed = await this.db.remove("users", { id });',
  '    return removed > 0;',
  '  }',
  '',
  '  async count(): Promise<number> {',
  '    return this.db.count("users");',
  '  }',
];
const footer = ['', '  clearCache(): void {', '    this.cache.clear();', '  }', '}', ''];
const placeholder = '  // ... (other methods unchanged)';
const added = [
  '',
  '  async findByEmail(email: string): Promise<User | undefined> {',
  '    const row = await this.db.findOne("users", { email });',
  '    return row ? { id: row.id, name: row.name } : undefined;',
  '  }',
];
const before = [...header, ...dropped, ...footer].join('\n');
const after = [...header, placeholder, ...footer].join('\n');
/** The same drop, where the agent also added a method after the placeholder. */
const afterWithAddition = [...header, placeholder, ...added, ...footer].join('\n');
const placeholderLine = header.length + 1; // 1-based, as the CLI prints lines

describe('plumbline check-edit (CLI)', () => {
  let dir: string;
  const write = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-cli-guard-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a placeholder drop exits 1 and reports the placeholder line and exactly the removed lines (JSON)', async () => {
    write('before.ts', before);
    write('after.ts', after);
    const { code, stdout, stderr } = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--json');
    assert.equal(code, 1);
    assert.equal(stderr, '');
    const { violations } = JSON.parse(stdout);
    assert.equal(violations.length, 1, stdout);
    const [v] = violations;
    assert.deepEqual(Object.keys(v), ['kind', 'severity', 'line', 'endLine', 'removedLines', 'text', 'message']);
    assert.equal(v.kind, 'placeholder-dropped');
    assert.equal(v.severity, 'critical');
    assert.equal(v.line, placeholderLine);
    assert.equal(v.endLine, placeholderLine);
    assert.equal(v.text, '// ... (other methods unchanged)');
    assert.deepEqual(v.removedLines, dropped);
    assert.equal(v.message, '`// ... (other methods unchanged)` replaced 16 lines: class members `load`, `delete`, `count`');
  });

  it('the restore the JSON makes possible gives back the original file byte for byte', async () => {
    write('before.ts', before);
    write('after.ts', after);
    const { violations } = JSON.parse((await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--json')).stdout);
    const [v] = violations;
    const lines = after.split('\n');
    lines.splice(v.line - 1, v.endLine - v.line + 1, ...v.removedLines);
    assert.equal(lines.join('\n'), before);
  });

  it('a drop next to code the agent added reports every dropped line, and restoring them keeps the addition', async () => {
    // The new method shares a line with `load` (`return row ? ...`): a line diff may pair them,
    // but the placeholder still stands for all of load, delete and count.
    write('before.ts', before);
    write('after.ts', afterWithAddition);
    const { code, stdout } = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--json');
    assert.equal(code, 1);
    const { violations } = JSON.parse(stdout);
    assert.equal(violations.length, 1, stdout);
    const [v] = violations;
    assert.equal(v.line, placeholderLine);
    assert.equal(v.message, '`// ... (other methods unchanged)` replaced 16 lines: class members `load`, `delete`, `count`');
    const lines = afterWithAddition.split('\n');
    lines.splice(v.line - 1, v.endLine - v.line + 1, ...v.removedLines);
    assert.equal(lines.join('\n'), [...header, ...dropped, ...added, ...footer].join('\n'));
  });

  it('without --json prints file:line, severity and the message', async () => {
    write('before.ts', before);
    write('after.ts', after);
    const { code, stdout } = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts');
    assert.equal(code, 1);
    assert.match(
      stdout,
      new RegExp(`^after\\.ts:${placeholderLine}: critical: \`// \\.\\.\\. \\(other methods unchanged\\)\` replaced \\d+ lines: class members \`load\`.* \\(placeholder-dropped\\)\n$`),
    );
  });

  it('a clean edit exits 0 with no violations', async () => {
    write('before.ts', before);
    write('after.ts', [...header, ...dropped, ...added, ...footer].join('\n'));
    const json = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--json');
    assert.equal(json.code, 0);
    assert.deepEqual(JSON.parse(json.stdout), { violations: [] });
    const human = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts');
    assert.equal(human.code, 0);
    assert.equal(human.stdout, 'no violations\n');
  });

  it('deleting a method outright (no placeholder) is not a violation', async () => {
    write('before.ts', before);
    write('after.ts', [...header, ...dropped.slice(0, 6), ...footer].join('\n'));
    const { code, stdout } = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--json');
    assert.equal(code, 0, stdout);
    assert.deepEqual(JSON.parse(stdout), { violations: [] });
  });

  it('rest parameters, spreads and "..." inside strings are not placeholders', async () => {
    // The edit removes code (the old bodies of log and warn) and adds `...` everywhere but in a comment.
    const old = [
      'export function log(message: string, fields: object): void {',
      '  console.log(message, fields);',
      '}',
      '',
      'export function warn(message: string, fields: object): void {',
      '  console.warn(message, fields);',
      '}',
      '',
    ].join('\n');
    const now = [
      'export function log(message: string, ...args: unknown[]): void {',
      '  console.log(format(message, ...args));',
      '}',
      '',
      'export function warn(...args: unknown[]): void {',
      '  const [message, ...rest] = args;',
      '  console.warn("// ... (other methods unchanged)", message, { ...rest });',
      '}',
      '',
      "const hint = '... rest of the file unchanged';",
      'const loading = `Loading ...`;',
      'function format(message: string, ...args: unknown[]): string {',
      '  return [message, ...args.map(String), hint, loading].join(" ");',
      '}',
      '',
    ].join('\n');
    write('before.ts', old);
    write('after.ts', now);
    const { code, stdout } = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--json');
    assert.equal(code, 0, stdout);
    assert.deepEqual(JSON.parse(stdout), { violations: [] });
  });

  it('--language reads files whose extension says nothing (a .txt pair checked as TypeScript)', async () => {
    write('before.txt', before);
    write('after.txt', after);
    const { code, stdout } = await cli(dir, 'check-edit', '--before', 'before.txt', '--after', 'after.txt', '--language', 'typescript', '--json');
    assert.equal(code, 1);
    const { violations } = JSON.parse(stdout);
    assert.deepEqual(
      violations.map((v: { kind: string; line: number }) => [v.kind, v.line]),
      [['placeholder-dropped', placeholderLine]],
    );
  });

  it('a missing --before or --after is a usage error: exit 2, one line', async () => {
    write('after.ts', after);
    for (const argv of [['--after', 'after.ts'], ['--before', 'after.ts'], []]) {
      const { code, stdout, stderr } = await cli(dir, 'check-edit', ...argv, '--json');
      assert.equal(code, 2, argv.join(' '));
      assert.equal(stdout, '');
      assertOneLineError(stderr, /check-edit needs --before FILE and --after FILE/);
    }
  });

  it('an unknown --language is refused with a one-line error, not checked as plain text', async () => {
    write('before.ts', before);
    write('after.ts', after);
    const { code, stdout, stderr } = await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'after.ts', '--language', 'klingon', '--json');
    assert.ok(code === 2 || code === 1, `exit ${code}, stdout ${stdout}`);
    assert.equal(stdout, '');
    assertOneLineError(stderr, /klingon/);
  });

  it('a file that does not exist: exit 1, one line naming it', async () => {
    write('after.ts', after);
    const { code, stdout, stderr } = await cli(dir, 'check-edit', '--before', 'gone.ts', '--after', 'after.ts', '--json');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assertOneLineError(stderr, /--before .*gone\.ts: no such file/);
  });

  it('a directory given as a file: exit 1, one line, no stack trace', async () => {
    write('after.ts', after);
    mkdirSync(path.join(dir, 'folder'));
    const { code, stdout, stderr } = await cli(dir, 'check-edit', '--before', 'folder', '--after', 'after.ts', '--json');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assertOneLineError(stderr, /--before .*folder/);
  });
});

describe('plumbline check (CLI, against a git revision)', () => {
  let dir: string;
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const write = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-cli-check-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function commitRepository(): void {
    git('init', '-q', '-b', 'main');
    write('src/repository.ts', before);
    write('src/util.ts', 'export function twice(n: number): number {\n  return n * 2;\n}\n');
    git('add', '.');
    git('commit', '-q', '-m', 'initial');
  }

  it('--base HEAD: a placeholder drop in one file exits 1 and reports that file only', async () => {
    commitRepository();
    write('src/repository.ts', after); // the agent's bad rewrite
    write('src/util.ts', 'export function twice(n: number): number {\n  return n * 2;\n}\n\nexport const half = (n: number) => n / 2;\n');
    write('src/added.ts', 'export const answer = 42;\n');
    git('add', 'src/added.ts');
    const { code, stdout, stderr } = await cli(dir, 'check', '--base', 'HEAD', '--json');
    assert.equal(stderr, '');
    assert.equal(code, 1);
    const { files } = JSON.parse(stdout);
    assert.ok(Array.isArray(files));
    const withFindings = files.filter((f: { violations: unknown[] }) => f.violations.length > 0);
    assert.equal(withFindings.length, 1, stdout);
    const [bad] = withFindings;
    assert.deepEqual(Object.keys(bad), ['file', 'violations']);
    assert.equal(bad.file, 'src/repository.ts');
    // The same finding, in the same shape, as check-edit on the committed and the current text.
    write('before.ts', before);
    const single = JSON.parse((await cli(dir, 'check-edit', '--before', 'before.ts', '--after', 'src/repository.ts', '--json')).stdout);
    assert.deepEqual(bad.violations, single.violations);
    assert.equal(bad.violations.length, 1);
    assert.equal(bad.violations[0].kind, 'placeholder-dropped');
    assert.equal(bad.violations[0].line, placeholderLine);
    // The clean files changed since HEAD are either not listed or listed with nothing found.
    for (const f of files) assert.ok(['src/repository.ts', 'src/util.ts', 'src/added.ts'].includes(f.file), f.file);
  });

  it('runs from a subfolder of the repository and defaults to HEAD', async () => {
    commitRepository();
    write('src/repository.ts', after);
    const { code, stdout } = await cli(path.join(dir, 'src'), 'check');
    assert.equal(code, 1);
    assert.match(stdout, new RegExp(`^src/repository\\.ts:${placeholderLine}: critical: .*\\(placeholder-dropped\\)$`, 'm'));
    assert.match(stdout, /1 file\(s\) checked against HEAD, 1 with findings\n$/);
  });

  it('checks files the agent created and never added to git', async () => {
    commitRepository();
    write('src/fresh.ts', 'export function parse(input: string): number {\n  throw new Error("Not implemented");\n}\n');
    const { code, stdout } = await cli(dir, 'check', '--json');
    assert.equal(code, 1);
    const [fresh] = JSON.parse(stdout).files;
    assert.equal(fresh.file, 'src/fresh.ts');
    assert.deepEqual(fresh.violations.map((v: { kind: string; line: number }) => `${v.kind}@${v.line}`), ['incomplete-code@2']);
  });

  it('a clean working tree, or clean changes only, exits 0', async () => {
    commitRepository();
    assert.deepEqual(JSON.parse((await cli(dir, 'check', '--json')).stdout), { files: [] });
    write('src/repository.ts', [...header, ...dropped, ...added, ...footer].join('\n'));
    const { code, stdout } = await cli(dir, 'check', '--json');
    assert.equal(code, 0);
    for (const f of JSON.parse(stdout).files) assert.deepEqual(f.violations, [], f.file);
  });

  it('an older --base sees a drop that was committed since', async () => {
    commitRepository();
    write('src/repository.ts', after);
    git('commit', '-q', '-am', 'agent rewrite');
    assert.equal((await cli(dir, 'check', '--json')).code, 0, 'nothing changed since HEAD');
    const { code, stdout } = await cli(dir, 'check', '--base', 'HEAD~1', '--json');
    assert.equal(code, 1);
    assert.deepEqual(
      JSON.parse(stdout).files.filter((f: { violations: unknown[] }) => f.violations.length).map((f: { file: string }) => f.file),
      ['src/repository.ts'],
    );
  });

  it('a revision that does not exist: exit 1, one line, no stack trace', async () => {
    commitRepository();
    const { code, stdout, stderr } = await cli(dir, 'check', '--base', 'no-such-branch', '--json');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assertOneLineError(stderr, /no-such-branch/);
  });

  it('outside a git repository: exit 1, one line saying so', async () => {
    write('src/repository.ts', before);
    const { code, stdout, stderr } = await cli(dir, 'check', '--json');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assertOneLineError(stderr, /not a git repository/);
  });

  it('an unexpected argument is a usage error: exit 2', async () => {
    commitRepository();
    const { code, stderr } = await cli(dir, 'check', 'HEAD');
    assert.equal(code, 2);
    assertOneLineError(stderr, /unexpected argument "HEAD"/);
  });
});
