import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * `plumbline check --format github|sarif` and `plans --check --format github|sarif` (issue 14's
 * CI part), run as CI runs them: the built dist/cli.js in a real git repository whose working
 * tree drops most of a 48-line function. SARIF is checked against the SARIF 2.1.0 JSON schema
 * that @microsoft/jest-sarif ships (2.1.0-rtm.5, the text OASIS standardised as 2.1.0).
 */
const bin = path.resolve(__dirname, '../../dist/cli.js');

function cli(cwd: string, ...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// A file name GitHub's property escaping has to handle: `,` ends a property, `:` the list.
const file = 'src/report,v2:final.ts';
const head = [
  'import type { Row, Summary } from "./types";',
  '',
  'export function summarize(rows: Row[]): Summary {',
  '  const total = rows.length;',
];
const body = [
  '  let paid = 0;',
  '  let overdue = 0;',
  '  for (const row of rows) {',
  '    if (row.paidAt) paid += 1;',
  '    else if (row.dueAt < Date.now()) overdue += 1;',
  '  }',
  // `%` must reach the annotation as `%25`, and the dropped text must survive that.
  '  const share = total ? `${Math.round((paid / total) * 100)}%` : "n/a";',
  ...Array.from({ length: 37 }, (_, i) => `  const bucket${i} = rows.filter((r) => r.amount > ${i * 100}).length;`),
  '  return { total, paid, overdue, share };',
];
const tail = ['}', '', 'export const version = 2;', ''];
const placeholder = '  // ... rest of the function unchanged';
const baseText = [...head, ...body, ...tail].join('\n');
const droppedText = [...head, placeholder, ...tail].join('\n');
const placeholderLine = head.length + 1; // 1-based
const droppedFrom = head.length + 1; // 1-based, in the base

/** What the Actions runner does to a workflow command's data and properties. */
const unescape = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');

interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  raw: string;
}

function workflowCommands(stdout: string): WorkflowCommand[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('::'))
    .map((raw) => {
      const match = /^::(\w+) ([^:]*)::(.*)$/.exec(raw);
      assert.ok(match, `a workflow command: ${raw}`);
      const properties = Object.fromEntries(match[2].split(',').map((p) => [p.slice(0, p.indexOf('=')), unescape(p.slice(p.indexOf('=') + 1))]));
      return { command: match[1], properties, data: unescape(match[3]), raw };
    });
}

const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.invalid', ...args], { cwd });

/** A temporary git repository with one commit of these files. */
function committedRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-ci-'));
  git(dir, 'init', '-q');
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

function sarifValidator() {
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8'));
  // The schema's `language` pattern has a stray `]`, an error only in unicode mode.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (log: unknown) => {
    const valid = validate(log);
    assert.ok(valid, `valid SARIF 2.1.0: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
  };
}

describe('CI formats: check and plans --check as GitHub annotations and SARIF', function () {
  this.timeout(60_000);
  let repo: string;
  const validSarif = sarifValidator();

  before(() => {
    repo = committedRepo({ [file]: baseText, 'src/clean.ts': 'export const a = 1;\n' });
    writeFileSync(path.join(repo, file), droppedText);
    writeFileSync(path.join(repo, 'src/clean.ts'), 'export const a = 2;\n');
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('--format github: an error on the placeholder line of the escaped file, with the dropped code in the message', () => {
    const { code, stdout, stderr } = cli(repo, 'check', '--base', 'HEAD', '--format', 'github');
    assert.equal(code, 1, stderr);
    const commands = workflowCommands(stdout);
    const drop = commands.find((c) => c.properties.title === 'Plumbline placeholder-dropped');
    assert.ok(drop, stdout);
    assert.equal(drop.command, 'error');
    assert.ok(drop.raw.startsWith(`::error file=src/report%2Cv2%3Afinal.ts,line=${placeholderLine},endLine=${placeholderLine},title=Plumbline placeholder-dropped::`), drop.raw);
    assert.deepEqual(drop.properties, { file, line: String(placeholderLine), endLine: String(placeholderLine), title: 'Plumbline placeholder-dropped' });
    assert.match(drop.raw, /replaced \d+ lines%0ADropped/, 'newlines escaped');
    assert.match(drop.raw, /%25/, '`%` escaped');
    const lines = drop.data.split('\n');
    assert.match(lines[0], /^`\/\/ \.\.\. rest of the function unchanged` replaced \d+ lines/);
    assert.equal(lines[1], `Dropped (base lines ${droppedFrom}-${droppedFrom + body.length - 1}):`);
    assert.deepEqual(lines.slice(2, 9), body.slice(0, 7), 'the dropped code, as it was');
    assert.equal(lines.length, 2 + 40 + 1, 'the first 40 dropped lines, then how many more');
    assert.equal(lines.at(-1), `... and ${body.length - 40} more lines`);
    assert.equal(stdout.trimEnd().split('\n').at(-1), '2 file(s) checked against HEAD, 1 with findings');
    assert.ok(commands.every((c) => c.properties.file === file), 'the clean file has no annotation');
  });

  it('--format sarif: valid SARIF 2.1.0 with the rule, the lines, the snippet and the dropped code', () => {
    const { code, stdout, stderr } = cli(repo, 'check', '--base', 'HEAD', '--format', 'sarif');
    assert.equal(code, 1, stderr);
    const log = JSON.parse(stdout);
    validSarif(log);
    assert.throws(() => validSarif({ version: '2.1.0', runs: [{ tool: { driver: {} }, results: [] }] }), /name/, 'the schema is enforced');
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'Plumbline');
    assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+/);
    assert.deepEqual(
      run.tool.driver.rules.map((r: { id: string }) => r.id),
      ['placeholder-dropped', 'incomplete-code', 'malformed-syntax'],
    );
    const result = run.results.find((r: { ruleId: string }) => r.ruleId === 'placeholder-dropped');
    assert.equal(result.level, 'error');
    assert.equal(run.tool.driver.rules[result.ruleIndex].id, 'placeholder-dropped');
    const location = result.locations[0].physicalLocation;
    assert.deepEqual(location.artifactLocation, { uri: 'src/report%2Cv2%3Afinal.ts', uriBaseId: '%SRCROOT%' });
    assert.deepEqual(location.region, { startLine: placeholderLine, endLine: placeholderLine, snippet: { text: placeholder.trim() } });
    for (const line of body.slice(0, 40)) assert.ok(result.message.text.includes(`\n${line}\n`), `dropped line in the message: ${line}`);
    assert.match(result.partialFingerprints['plumbline/v1'], /^[0-9a-f]{32}$/);

    // Stable across runs, and across a shift of the lines above the finding.
    const again = JSON.parse(cli(repo, 'check', '--base', 'HEAD', '--format', 'sarif').stdout).runs[0].results;
    assert.deepEqual(again.map((r: typeof result) => r.partialFingerprints), run.results.map((r: typeof result) => r.partialFingerprints));
    writeFileSync(path.join(repo, file), `// a header comment\n${droppedText}`);
    try {
      const shifted = JSON.parse(cli(repo, 'check', '--base', 'HEAD', '--format', 'sarif').stdout).runs[0].results;
      const moved = shifted.find((r: typeof result) => r.ruleId === 'placeholder-dropped');
      assert.equal(moved.locations[0].physicalLocation.region.startLine, placeholderLine + 1);
      assert.deepEqual(moved.partialFingerprints, result.partialFingerprints);
    } finally {
      writeFileSync(path.join(repo, file), droppedText);
    }
  });

  it('a clean tree: no annotation, a valid SARIF log with no results, exit 0', () => {
    writeFileSync(path.join(repo, file), baseText);
    writeFileSync(path.join(repo, 'src/clean.ts'), 'export const a = 1;\n');
    try {
      const github = cli(repo, 'check', '--base', 'HEAD', '--format', 'github');
      assert.equal(github.code, 0, github.stderr);
      assert.equal(github.stdout, '0 file(s) checked against HEAD, 0 with findings\n');
      const sarif = cli(repo, 'check', '--base', 'HEAD', '--format', 'sarif');
      assert.equal(sarif.code, 0);
      const log = JSON.parse(sarif.stdout);
      validSarif(log);
      assert.deepEqual(log.runs[0].results, []);
    } finally {
      writeFileSync(path.join(repo, file), droppedText);
      writeFileSync(path.join(repo, 'src/clean.ts'), 'export const a = 2;\n');
    }
  });

  it('a file moved and cut is checked against what it was', () => {
    const methods = ['load', 'save', 'remove', 'count', 'clear'].flatMap((name) => [`  async ${name}(id: string): Promise<number> {`, `    return this.db.${name}("users", id);`, '  }', '']);
    const moved = committedRepo({ 'src/store.ts': ['export class UserStore {', '  constructor(private readonly db: Db) {}', '', ...methods, '}', ''].join('\n') });
    try {
      git(moved, 'mv', 'src/store.ts', 'src/userStore.ts');
      const cut = ['export class UserStore {', '  constructor(private readonly db: Db) {}', '', ...methods.slice(0, 12), '  // ... (other methods unchanged)', '}', ''];
      writeFileSync(path.join(moved, 'src/userStore.ts'), cut.join('\n'));
      const { code, stdout } = cli(moved, 'check', '--base', 'HEAD', '--format', 'github');
      assert.equal(code, 1, stdout);
      assert.match(stdout, /^::error file=src\/userStore\.ts,line=16,endLine=16,title=Plumbline placeholder-dropped::.*`count`, `clear`/m);
    } finally {
      rmSync(moved, { recursive: true, force: true });
    }
  });

  it('--json is --format json; human stays the default', () => {
    const json = cli(repo, 'check', '--base', 'HEAD', '--json');
    assert.equal(json.stdout, cli(repo, 'check', '--base', 'HEAD', '--format', 'json').stdout);
    assert.equal(JSON.parse(json.stdout).files.length, 2);
    const human = cli(repo, 'check', '--base', 'HEAD');
    assert.equal(human.code, 1);
    assert.ok(human.stdout.includes(`${file}:${placeholderLine}: critical: \`// ... rest of the function unchanged\` replaced`), human.stdout);
  });

  it('an unknown format, or --json with another format, is a usage error (exit 2, one line)', () => {
    for (const args of [['check', '--format', 'xml'], ['plans', '--check', '--format', 'junit'], ['check', '--json', '--format', 'sarif']]) {
      const { code, stdout, stderr } = cli(repo, ...args);
      assert.equal(code, 2, args.join(' '));
      assert.equal(stdout, '');
      assert.match(stderr, /^plumbline: --(format must be one of human, json, github, sarif, not "(xml|junit)"|json and --format sarif ask for two different outputs) \(see plumbline --help\)\n$/);
    }
    assert.equal(cli(repo, 'plans', 'next', '--format', 'github').code, 2, 'plans next has no annotations to give');
  });

  describe('plans --check', () => {
    let dir: string;
    const plan = [
      '# Export Plan',
      '',
      '### Task 1: Build the exporter',
      '',
      '**Status**: done | **Priority**: high | **Dependencies**: none',
      '',
      '### Task 2: Ship the export button',
      '',
      '**Status**: todo | **Priority**: medium | **Dependencies**: [1, 9]',
      '',
    ].join('\n');
    const taskLine = 7;
    const message = 'task "2" depends on "9", which is no task in the workspace\'s plans';
    before(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-ci-plans-'));
      mkdirSync(path.join(dir, 'plans'));
      writeFileSync(path.join(dir, 'plans/export.plan.md'), plan);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('--format github: a warning on the task, exit 1', () => {
      const { code, stdout, stderr } = cli(dir, 'plans', '--check', '--format', 'github');
      assert.equal(code, 1, stderr);
      assert.equal(
        stdout,
        `::warning file=plans/export.plan.md,line=${taskLine},title=Plumbline unknown-dependency::${message}\n1 plan file(s) checked, 1 problem(s)\n`,
      );
    });

    it('--format sarif: valid SARIF 2.1.0, the rule id is the problem code, exit 1', () => {
      const { code, stdout } = cli(dir, 'plans', '--check', '--format', 'sarif');
      assert.equal(code, 1);
      const log = JSON.parse(stdout);
      validSarif(log);
      const [result] = log.runs[0].results;
      assert.equal(result.ruleId, 'unknown-dependency');
      assert.equal(result.level, 'warning');
      assert.equal(result.message.text, message);
      assert.deepEqual(result.locations[0].physicalLocation.region, { startLine: taskLine, snippet: { text: '### Task 2: Ship the export button' } });
      assert.ok(log.runs[0].tool.driver.rules.some((r: { id: string }) => r.id === 'dependency-cycle'), 'every problem code is a rule');
    });

    it('a plan without problems: exit 0 and nothing but the summary', () => {
      writeFileSync(path.join(dir, 'plans/export.plan.md'), plan.replace('[1, 9]', '[1]'));
      const { code, stdout } = cli(dir, 'plans', '--check', '--format', 'github');
      assert.equal(code, 0);
      assert.equal(stdout, '1 plan file(s) checked, 0 problem(s)\n');
    });
  });
});
