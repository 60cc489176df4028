import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './runCli';

/** `plumbline trace-codes` (SPEC §3, §7) on a copy of the demo workspace, run in-process. */
const demo = path.resolve(__dirname, '../../demo');

const cli = runCli;

/** A failure as a user sees it: the exit code, nothing on stdout, one line on stderr, no stack trace. */
function assertOneLineError(result: { code: number; stdout: string; stderr: string }, code: number, message: RegExp) {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /^plumbline: [^\n]+\n$/, `one line: ${JSON.stringify(result.stderr)}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /\bat .*:\d+:\d+/);
}

const site = (code: string, file: string, line: number, column: number, key?: string) => ({
  code,
  file,
  line,
  column,
  kind: 'constructor',
  name: 'CustomError',
  ...(key ? { key } : {}),
});
const login0061 = site('0061', 'src/auth/login.ts', 10, 28, 'MalformedEmail');
const login0062a = site('0062', 'src/auth/login.ts', 14, 28, 'InvalidCredentials');
const login0062b = site('0062', 'src/auth/login.ts', 18, 28, 'InvalidCredentials');
const invoice0201 = site('0201', 'src/billing/invoiceService.ts', 27, 42, 'InvoiceNotFound');
const webhook0107 = site('0107', 'src/billing/webhook.ts', 13, 28, 'BadSignature');
const webhook0108 = { code: '0108', file: 'src/billing/webhook.ts', line: 16, column: 52, kind: 'property', name: 'trace' };
const webhook019 = site('019', 'src/billing/webhook.ts', 20, 28, 'UnknownEventType');

describe('plumbline trace-codes (CLI)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'plumbline-tracecli-'));
    cpSync(demo, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const file = (rel: string) => path.join(dir, rel);
  const edit = (rel: string, from: string, to: string) => {
    const text = readFileSync(file(rel), 'utf8');
    assert.ok(text.includes(from), `${rel} contains ${from}`);
    writeFileSync(file(rel), text.replace(from, to));
  };
  /** The demo without its duplicate and malformed codes. */
  const clean = () => {
    edit('src/auth/login.ts', 'throw new CustomError("0062", "InvalidCredentials");\n  }\n  return', 'throw new CustomError("0063", "WrongPassword");\n  }\n  return');
    edit('src/billing/webhook.ts', '"019"', '"0190"');
  };

  describe('scan', () => {
    it('prints every site, duplicate and malformed code with the JSON shape of SPEC §7', async () => {
      const { code, stdout, stderr } = await cli(os.tmpdir(), 'trace-codes', 'scan', dir, '--json');
      assert.equal(code, 0, 'without --check findings do not fail the scan');
      assert.equal(stderr, '');
      assert.deepEqual(JSON.parse(stdout), {
        files: 4,
        sites: [login0061, login0062a, login0062b, invoice0201, webhook0107, webhook0108, webhook019],
        duplicates: [{ code: '0062', count: 2, sites: [login0062a, login0062b] }],
        malformed: [webhook019],
        missing: [],
      });
    });

    it('scans the current folder by default and prints a readable list', async () => {
      const { code, stdout } = await cli(dir, 'trace-codes', 'scan');
      assert.equal(code, 0);
      const lines = stdout.trimEnd().split('\n');
      assert.equal(lines[0], 'src/auth/login.ts:10:28  0061  MalformedEmail');
      assert.ok(lines.includes('duplicate: 0062 at 2 sites'), stdout);
      assert.ok(lines.includes('malformed: src/billing/webhook.ts:20:28  019  UnknownEventType (format [0-9A-Za-z]{4})'), stdout);
      assert.equal(lines.at(-1), '7 site(s) in 4 file(s)');
    });

    it('scans one file, showing paths relative to its folder', async () => {
      const { code, stdout } = await cli(dir, 'trace-codes', 'scan', 'src/auth/login.ts', '--json');
      assert.equal(code, 0);
      const result = JSON.parse(stdout);
      assert.equal(result.files, 1);
      assert.deepEqual(result.sites.map((s: { file: string; line: number }) => `${s.file}:${s.line}`), ['login.ts:10', 'login.ts:14', 'login.ts:18']);
    });

    it('--check exits 1 on duplicates, malformed or missing codes and 0 on a clean tree', async () => {
      assert.equal((await cli(dir, 'trace-codes', 'scan', '--check')).code, 1);
      clean();
      const ok = await cli(dir, 'trace-codes', 'scan', '--check', '--json');
      assert.equal(ok.code, 0, ok.stdout);
      assert.deepEqual(JSON.parse(ok.stdout).duplicates, []);
      writeFileSync(file('src/todo.ts'), 'throw new CustomError("", "NotYet");\n');
      const missing = await cli(dir, 'trace-codes', 'scan', '--check', '--json');
      assert.equal(missing.code, 1);
      assert.deepEqual(JSON.parse(missing.stdout).missing, [{ code: '', file: 'src/todo.ts', line: 1, column: 24, kind: 'constructor', name: 'CustomError', key: 'NotYet' }]);
    });

    it('uses --pattern (repeatable) and --format', async () => {
      writeFileSync(file('src/fail.py'), 'def f():\n    fail("A1", "Oops")\n    raise AppError(trace="B2")\n    fail("0062")\n');
      const { code, stdout } = await cli(dir, 'trace-codes', 'scan', 'src', '--pattern', 'fail(', '--pattern', 'trace:', '--format', '[A-Z0-9]{2}', '--json');
      assert.equal(code, 0);
      const result = JSON.parse(stdout);
      assert.deepEqual(
        result.sites.map((s: { file: string; line: number; code: string; kind: string }) => `${s.file}:${s.line} ${s.code} ${s.kind}`),
        ['billing/webhook.ts:16 0108 property', 'fail.py:2 A1 call', 'fail.py:3 B2 property', 'fail.py:4 0062 call'],
      );
      assert.deepEqual(
        result.malformed.map((s: { code: string }) => s.code),
        ['0108', '0062'],
      );
    });
  });

  describe('lookup', () => {
    const expected = 'src/auth/login.ts:14:28  0062  InvalidCredentials\nsrc/auth/login.ts:18:28  0062  InvalidCredentials\n';

    it('finds the sites of a code, a runtime code and a whole log line', async () => {
      const logLine = readFileSync(file('logs/app.log'), 'utf8')
        .split('\n')
        .find((l) => l.includes('0062-a9Fz'))!;
      assert.match(logLine, /^2026-03-04T09:12:\d\d\.\d+Z ERROR/);
      for (const query of ['0062', '0062-a9Fz', logLine]) {
        const { code, stdout, stderr } = await cli(dir, 'trace-codes', 'lookup', query);
        assert.equal(code, 0, query);
        assert.equal(stdout, expected, query);
        assert.equal(stderr, '');
      }
    });

    it('prints {"code","sites"} with --json and takes a DIR', async () => {
      const { code, stdout } = await cli(os.tmpdir(), 'trace-codes', 'lookup', '0201-z8Kd', dir, '--json');
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(stdout), { code: '0201', sites: [invoice0201] });
    });

    it('exits 1 for a code with no site', async () => {
      const text = await cli(dir, 'trace-codes', 'lookup', '0999');
      assertOneLineError(text, 1, /no site of 0999/);
      const json = await cli(dir, 'trace-codes', 'lookup', '0999-abcd', '--json');
      assert.equal(json.code, 1);
      assert.deepEqual(JSON.parse(json.stdout), { code: '0999', sites: [] });
      assert.equal((await cli(dir, 'trace-codes', 'lookup', 'login failed')).code, 1);
    });
  });

  describe('new', () => {
    it('numbers on after the highest code', async () => {
      const { code, stdout } = await cli(dir, 'trace-codes', 'new', '--json');
      assert.equal(code, 0);
      assert.deepEqual(JSON.parse(stdout), { code: '0202' });
      assert.equal((await cli(dir, 'trace-codes', 'new', '--count', '3')).stdout, '0202\n0203\n0204\n');
    });

    it('never hands out a code the registry retired', async () => {
      edit('src/billing/webhook.ts', 'return { status: \'accepted\' as const };', 'throw new CustomError("0202", "Unhandled");');
      assert.equal((await cli(dir, 'trace-codes', 'registry')).code, 0);
      edit('src/billing/webhook.ts', 'throw new CustomError("0202", "Unhandled");', 'return { status: \'accepted\' as const };');
      const update = await cli(dir, 'trace-codes', 'registry', '--json');
      assert.deepEqual(JSON.parse(update.stdout), { registry: 'trace-codes.json', codes: 6, added: [], retired: ['0202'] });

      const fresh = await cli(dir, 'trace-codes', 'new', '--count', '2', '--json');
      assert.equal(fresh.code, 0);
      assert.deepEqual(JSON.parse(fresh.stdout), { code: '0203', codes: ['0203', '0204'] });
      rmSync(file('trace-codes.json'));
      assert.deepEqual(JSON.parse((await cli(dir, 'trace-codes', 'new', '--json')).stdout), { code: '0202' }, 'without the registry 0202 looks free');
    });
  });

  describe('registry', () => {
    it('writes trace-codes.json with every well-formed code, its key and sites', async () => {
      const { code, stdout } = await cli(dir, 'trace-codes', 'registry');
      assert.equal(code, 0);
      assert.equal(stdout, 'trace-codes.json: 5 code(s), 5 added, 0 retired\n');
      const expected = {
        format: '[0-9A-Za-z]{4}',
        codes: {
          '0061': { key: 'MalformedEmail', sites: ['src/auth/login.ts:10'] },
          '0062': { key: 'InvalidCredentials', sites: ['src/auth/login.ts:14', 'src/auth/login.ts:18'] },
          '0107': { key: 'BadSignature', sites: ['src/billing/webhook.ts:13'] },
          '0108': { sites: ['src/billing/webhook.ts:16'] },
          '0201': { key: 'InvoiceNotFound', sites: ['src/billing/invoiceService.ts:27'] },
        },
      };
      assert.equal(readFileSync(file('trace-codes.json'), 'utf8'), `${JSON.stringify(expected, null, 2)}\n`);

      // Append-only: a code that leaves the source stays, retired.
      edit('src/billing/invoiceService.ts', 'throw new CustomError("0201", "InvoiceNotFound")', 'throw new Error("InvoiceNotFound")');
      assert.equal((await cli(dir, 'trace-codes', 'registry')).stdout, 'trace-codes.json: 5 code(s), 0 added, 1 retired\n');
      assert.deepEqual(JSON.parse(readFileSync(file('trace-codes.json'), 'utf8')).codes['0201'], {
        key: 'InvoiceNotFound',
        sites: ['src/billing/invoiceService.ts:27'],
        retired: true,
      });
      assert.equal((await cli(dir, 'trace-codes', 'registry')).stdout, 'trace-codes.json: 5 code(s), 0 added, 0 retired\n');
      assert.equal(JSON.parse(readFileSync(file('trace-codes.json'), 'utf8')).codes['0201'].retired, true);
    });

    it('--check exits 0 when the code matches the registry and 1 on an unregistered code', async () => {
      const none = await cli(dir, 'trace-codes', 'registry', '--check');
      assert.equal(none.code, 1, 'no registry yet');
      assert.equal(existsSync(file('trace-codes.json')), false, '--check writes nothing');

      assert.equal((await cli(dir, 'trace-codes', 'registry')).code, 0);
      const demoCheck = await cli(dir, 'trace-codes', 'registry', '--check', '--json');
      assert.equal(demoCheck.code, 1, 'the demo has a duplicate and a malformed code');
      assert.deepEqual(
        JSON.parse(demoCheck.stdout).problems.map((p: { problem: string; code: string }) => `${p.problem} ${p.code}`),
        ['duplicate 0062', 'malformed 019'],
      );

      clean();
      assert.equal((await cli(dir, 'trace-codes', 'registry')).code, 0);
      const ok = await cli(dir, 'trace-codes', 'registry', '--check');
      assert.equal(ok.code, 0, ok.stdout);
      assert.equal(ok.stdout, 'every trace code matches trace-codes.json\n');

      edit('src/billing/webhook.ts', 'return { status: \'accepted\' as const };', 'throw new CustomError("0300", "Unhandled");');
      const bad = await cli(dir, 'trace-codes', 'registry', '--check');
      assert.equal(bad.code, 1);
      assert.equal(
        bad.stdout,
        'unregistered: "0300" is not in trace-codes.json: run `plumbline trace-codes registry` (src/billing/webhook.ts:22)\n1 problem(s) against trace-codes.json\n',
      );
    });

    it('writes the registry where --registry says', async () => {
      mkdirSync(file('meta'));
      assert.equal((await cli(dir, 'trace-codes', 'registry', '--registry', 'meta/codes.json')).code, 0);
      assert.deepEqual(Object.keys(JSON.parse(readFileSync(file('meta/codes.json'), 'utf8')).codes), ['0061', '0062', '0107', '0108', '0201']);
      assert.equal(existsSync(file('trace-codes.json')), false);
    });

    it('refuses an invalid trace-codes.json in one line and leaves it byte-identical', async () => {
      for (const text of ['// codes\n{"codes": {}}\n', '{\n  "codes": {\n    "0061": {"sites": [],}\n  }\n}\n', '{"codes": []}\n']) {
        writeFileSync(file('trace-codes.json'), text);
        const before = readFileSync(file('trace-codes.json'));
        for (const argv of [['registry'], ['registry', '--check'], ['new']]) {
          const result = await cli(dir, 'trace-codes', ...argv);
          assertOneLineError(result, 1, /trace-codes\.json is not (valid JSON|a trace code registry)/);
          assert.match(result.stderr, /never overwrites a registry it cannot read/);
          assert.deepEqual(readFileSync(file('trace-codes.json')), before, `${argv.join(' ')} on ${JSON.stringify(text)}`);
        }
      }
    });
  });

  describe('bad usage', () => {
    const cases: [string[], number, RegExp][] = [
      [[], 2, /trace-codes needs a command: scan, lookup, new or registry/],
      [['frob'], 2, /unknown trace-codes command "frob"/],
      [['scan', '--format', '\\d+'], 2, /trace code format "\\d\+" must be one character class with a count/],
      [['scan', '--pattern', 'CustomError'], 2, /trace code pattern "CustomError"/],
      [['new', '--count', '0'], 2, /--count must be a whole number from 1 to 10000, not "0"/],
      [['new', '--count', 'many'], 2, /--count must be a whole number/],
      [['lookup'], 2, /lookup needs a code/],
      [['scan', 'src', 'logs'], 2, /unexpected argument "logs"/],
      [['scan', '--frob'], 2, /unknown option "--frob"/i],
      [['scan', 'nope'], 1, /^plumbline: nope: no such file or folder$/m],
      [['lookup', '0062', 'nope'], 1, /nope: no such file or folder/],
      [['new', 'nope'], 1, /nope: no such file or folder/],
    ];
    for (const [argv, code, message] of cases) {
      it(`trace-codes ${argv.join(' ') || '(nothing)'} → exit ${code} with one line`, async () => {
        assertOneLineError(await cli(dir, 'trace-codes', ...argv), code, message);
      });
    }
  });
});
