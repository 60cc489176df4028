import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  TraceCodeIndex,
  checkRegistry,
  codesInQuery,
  findSites,
  freshCodes,
  parseRegistry,
  readRegistry,
  readTreeParallel,
  runtimeCodesIn,
  relativeTo,
  scanReport,
  scanTree,
  scanTreeParallel,
  traceCodeConfig,
  updateRegistry,
  writeRegistry,
  type Registry,
  type Site,
  type SiteCollector,
  type SiteRef,
} from '../../engine/tracecodes';

declare const workerData: unknown;

/** The trace codes engine (SPEC §3): sites, runtime codes, the index, fresh codes, the registry, the scan. */
const config = traceCodeConfig();

/** What a person reading the file would point at: the code, where it is, what kind of site it is. */
const brief = (s: Site) => ({ code: s.code, line: s.line, character: s.character, kind: s.kind, name: s.name, key: s.key });
const codesOf = (text: string, cfg = config) => findSites(text, cfg).map((s) => s.code);

/** A fake site for the index, as findSites would return it. */
function site(code: string, line = 0): Site {
  return { code, line, character: 4, start: 4, end: 4 + code.length, kind: 'constructor', name: 'CustomError', context: '' };
}

/** Throws unless fn throws an Error with a one-line message matching re; returns the message. */
function oneLineError(fn: () => unknown, re: RegExp): string {
  let message: string | undefined;
  try {
    fn();
  } catch (err) {
    message = (err as Error).message;
  }
  assert.ok(message !== undefined, 'expected an error');
  assert.match(message, re);
  assert.ok(!message.includes('\n'), `one line: ${JSON.stringify(message)}`);
  return message;
}

describe('trace codes: sites', () => {
  it('finds codes in double, single and backtick quotes with their line, 0-based character and key', () => {
    const text = [
      'throw new CustomError("0061", "MalformedEmail");',
      "  throw new CustomError('0062', 'InvalidCredentials');",
      '    throw new CustomError(`0063`, `Timeout`);',
    ].join('\n');
    assert.deepEqual(findSites(text, config).map(brief), [
      { code: '0061', line: 0, character: 23, kind: 'constructor', name: 'CustomError', key: 'MalformedEmail' },
      { code: '0062', line: 1, character: 25, kind: 'constructor', name: 'CustomError', key: 'InvalidCredentials' },
      { code: '0063', line: 2, character: 27, kind: 'constructor', name: 'CustomError', key: 'Timeout' },
    ]);
    for (const s of findSites(text, config)) assert.equal(text.slice(s.start, s.end), s.code);
  });

  it('has no key when the second argument is missing or not a string literal', () => {
    const sites = findSites('new CustomError("0001");\nnew CustomError("0002", key);\nnew CustomError( "0003" ,  "Spaced" )', config);
    assert.deepEqual(
      sites.map((s) => [s.code, s.key]),
      [
        ['0001', undefined],
        ['0002', undefined],
        ['0003', 'Spaced'],
      ],
    );
  });

  it('finds trace properties in object literals, JSON and Python keyword arguments', () => {
    const text = ['return { status: "dup", trace: "0108" };', '{ "trace": "0109" }', "raise AppError(trace='0110')", 'x = { trace : `0111` }'].join('\n');
    assert.deepEqual(findSites(text, config).map(brief), [
      { code: '0108', line: 0, character: 32, kind: 'property', name: 'trace', key: undefined },
      { code: '0109', line: 1, character: 12, kind: 'property', name: 'trace', key: undefined },
      { code: '0110', line: 2, character: 22, kind: 'property', name: 'trace', key: undefined },
      { code: '0111', line: 3, character: 15, kind: 'property', name: 'trace', key: undefined },
    ]);
  });

  it('skips sites on lines that start as comments', () => {
    const text = [
      '// throw new CustomError("0001", "Old");',
      '    // throw new CustomError("0002");',
      '# raise AppError(trace="0003")',
      '/* new CustomError("0004") */',
      'throw new CustomError("0005");',
    ].join('\n');
    assert.deepEqual(
      findSites(text, config).map((s) => [s.code, s.line]),
      [['0005', 4]],
    );
  });

  it('does not count near misses of a pattern', () => {
    const text = [
      'throw new CustomErrorFoo("0001");',
      'myCustomError("0002");',
      'CustomError("0003");',
      'new MyCustomError("0004");',
      'subtrace: "0005",',
      'obj.trace = "0006";',
      'new CustomError(code);',
      'new CustomError("00\\"7");',
    ].join('\n');
    assert.deepEqual(codesOf(text), []);
  });

  it('finds the first argument of a configured function call, and not of look-alikes', () => {
    const fail = traceCodeConfig({ patterns: ['fail('] });
    const text = ['fail("0042", "NotFound");', "  return fail ( '0043' );", 'myfail("0044");', 'obj.fail("0045");', 'failure("0046");', 'new CustomError("0047");'].join('\n');
    assert.deepEqual(findSites(text, fail).map(brief), [
      { code: '0042', line: 0, character: 6, kind: 'call', name: 'fail', key: 'NotFound' },
      { code: '0043', line: 1, character: 17, kind: 'call', name: 'fail', key: undefined },
    ]);
  });

  it('names the pattern that matched when one error class name ends another', () => {
    const both = traceCodeConfig({ patterns: ['new Error', 'new CustomError', 'trace:'] });
    assert.deepEqual(
      findSites('throw new CustomError("0001", "K");\nthrow new Error("0002");\nx = { trace: "CustomError" };', both).map((s) => [s.code, s.name, s.kind]),
      [
        ['0001', 'CustomError', 'constructor'],
        ['0002', 'Error', 'constructor'],
        ['CustomError', 'trace', 'property'],
      ],
    );
  });

  it('an empty literal is a site still missing its code', () => {
    assert.deepEqual(findSites('throw new CustomError("", "Key");', config).map(brief), [
      { code: '', line: 0, character: 23, kind: 'constructor', name: 'CustomError', key: 'Key' },
    ]);
  });

  it('gives the same lines and characters for CRLF text', () => {
    const lf = 'import x;\n\n  throw new CustomError("0061", "A");\n    return { trace: "0108" };\n';
    const crlf = lf.replace(/\n/g, '\r\n');
    const at = (text: string) => findSites(text, config).map((s) => [s.code, s.line, s.character, s.key]);
    assert.deepEqual(at(crlf), [
      ['0061', 2, 25, 'A'],
      ['0108', 3, 21, undefined],
    ]);
    assert.deepEqual(at(crlf), at(lf));
    assert.ok(findSites(crlf, config).every((s) => !s.context.includes('\r')));
  });

  it('refuses unusable settings with a one-line message', () => {
    oneLineError(() => traceCodeConfig({ format: '\\d+' }), /trace code format "\\d\+" must be one character class with a count/);
    oneLineError(() => traceCodeConfig({ format: '[0-9]{0}' }), /must be one character class with a count/);
    oneLineError(() => traceCodeConfig({ format: '[a]{4}' }), /must allow at least two characters/);
    oneLineError(() => traceCodeConfig({ format: '[a"b]{2}' }), /no quotes, spaces or backslashes/);
    oneLineError(() => traceCodeConfig({ patterns: ['CustomError'] }), /trace code pattern "CustomError" must look like "new ErrorClass", "functionName\(" or "property:"/);
    oneLineError(() => traceCodeConfig({ patterns: ['new Custom Error'] }), /trace code pattern "new Custom Error"/);
    oneLineError(() => traceCodeConfig({ patterns: [] }), /^trace code settings: patterns/);
  });

  it('checks codes against the format', () => {
    assert.equal(config.isWellFormed('0062'), true);
    assert.equal(config.isWellFormed('a9Fz'), true);
    assert.equal(config.isWellFormed('019'), false);
    assert.equal(config.isWellFormed('00621'), false);
    assert.equal(config.isWellFormed('00-2'), false);
    const hex = traceCodeConfig({ format: '[A-F0-9]{3}' });
    assert.deepEqual([hex.alphabet.length, hex.length, hex.isWellFormed('0AF'), hex.isWellFormed('0aG')], [16, 3, true, false]);
  });
});

describe('trace codes: runtime codes and queries', () => {
  const logLine = '2026-03-04T09:12:47.902Z ERROR auth     login failed: InvalidCredentials (0062-a9Fz)';

  it('finds a runtime code in a log line, with its position', () => {
    const found = runtimeCodesIn(logLine, config);
    assert.deepEqual(
      found.map((r) => ({ code: r.code, text: r.text })),
      [{ code: '0062', text: '0062-a9Fz' }],
    );
    assert.equal(logLine.slice(found[0].start, found[0].end), '0062-a9Fz');
  });

  it('does not take dates, times or UUIDs for runtime codes', () => {
    assert.deepEqual(runtimeCodesIn('2026-03-04T09:12', config), []);
    assert.deepEqual(runtimeCodesIn('at 2026-03-04 09:12:44.118Z', config), []);
    assert.deepEqual(runtimeCodesIn('request 550e8400-e29b-41d4-a716-446655440000 failed', config), []);
    assert.deepEqual(runtimeCodesIn('0062-a9Fz-b', config), []);
  });

  it('reads the code part with the configured format', () => {
    const digits = traceCodeConfig({ format: '[0-9]{4}' });
    assert.deepEqual(
      runtimeCodesIn('(ab12-a9Fz) (0107-Qm3x)', digits).map((r) => r.code),
      ['0107'],
    );
  });

  it('reads what a person pastes: a bare code, a runtime code or a whole log line', () => {
    assert.deepEqual(codesInQuery('0062', config), ['0062']);
    assert.deepEqual(codesInQuery('  "0062"\n', config), ['0062']);
    assert.deepEqual(codesInQuery('0062-a9Fz', config), ['0062']);
    const fromLine = codesInQuery(logLine, config);
    assert.equal(fromLine[0], '0062', 'the runtime code comes first');
    assert.ok(fromLine.every((c) => config.isWellFormed(c)));
    assert.deepEqual(codesInQuery('019', config), []);
    assert.deepEqual(codesInQuery('login failed', config), []);
  });
});

describe('trace codes: the index', () => {
  it('finds duplicates across files and says which files a change affects', () => {
    const index = new TraceCodeIndex(config);
    assert.deepEqual([...index.set('/w/a.ts', [site('0062', 3), site('0061', 9)])], ['/w/a.ts']);
    assert.deepEqual([...index.set('/w/b.ts', [site('0062', 1)])].sort(), ['/w/a.ts', '/w/b.ts']);
    assert.deepEqual([...index.set('/w/c.ts', [site('0100')])], ['/w/c.ts']);
    assert.deepEqual(
      index.duplicates().map((d) => [d.code, d.sites.map((s) => `${s.file}:${s.site.line}`)]),
      [['0062', ['/w/a.ts:3', '/w/b.ts:1']]],
    );
    assert.deepEqual(
      index.sitesOf('0062').map((s) => s.file),
      ['/w/a.ts', '/w/b.ts'],
    );
    assert.deepEqual(index.codes().sort(), ['0061', '0062', '0100']);

    // Removing the code from b.ts changes a.ts's problems too.
    assert.deepEqual([...index.set('/w/b.ts', [site('0063')])].sort(), ['/w/a.ts', '/w/b.ts']);
    assert.deepEqual(index.duplicates(), []);
    assert.deepEqual([...index.set('/w/b.ts', [site('0062')])].sort(), ['/w/a.ts', '/w/b.ts']);
    assert.deepEqual([...index.delete('/w/b.ts')].sort(), ['/w/a.ts', '/w/b.ts']);
    assert.deepEqual(index.duplicates(), []);
    assert.deepEqual(index.problems('/w/a.ts'), []);
    assert.deepEqual(index.sitesIn('/w/b.ts'), []);
    assert.deepEqual(index.files().sort(), ['/w/a.ts', '/w/c.ts']);
  });

  it('counts two sites in one file as a duplicate', () => {
    const index = new TraceCodeIndex(config);
    index.set('/w/a.ts', [site('0062', 13), site('0062', 17)]);
    assert.deepEqual(
      index.duplicates().map((d) => [d.code, d.sites.length]),
      [['0062', 2]],
    );
    const problems = index.problems('/w/a.ts');
    assert.deepEqual(
      problems.map((p) => [p.code, p.site.line, p.others.map((o) => o.site.line)]),
      [
        ['duplicate-trace-code', 13, [17]],
        ['duplicate-trace-code', 17, [13]],
      ],
    );
  });

  it('reports missing, malformed, retired and duplicate codes, each duplicate listing the others', () => {
    const index = new TraceCodeIndex(config);
    index.retired = new Set(['0005']);
    index.set('/w/a.ts', [site('', 1), site('019', 2), site('0005', 3), site('0062', 4), site('0070', 5)]);
    index.set('/w/b.ts', [site('0062', 7)]);
    index.set('/w/c.ts', [site('0062', 9)]);
    const problems = index.problems('/w/a.ts');
    assert.deepEqual(
      problems.map((p) => [p.code, p.site.line]),
      [
        ['missing-trace-code', 1],
        ['malformed-trace-code', 2],
        ['retired-trace-code', 3],
        ['duplicate-trace-code', 4],
      ],
    );
    assert.match(problems[1].message, /"019" does not match the format \[0-9A-Za-z\]\{4\}/);
    assert.match(problems[2].message, /"0005" is retired in trace-codes\.json/);
    assert.match(problems[3].message, /"0062" is used at 3 sites/);
    assert.deepEqual(
      problems[3].others.map((o) => `${o.file}:${o.site.line}`),
      ['/w/b.ts:7', '/w/c.ts:9'],
    );
    assert.deepEqual(
      index.problems('/w/b.ts').map((p) => [p.code, p.others.map((o) => o.file)]),
      [['duplicate-trace-code', ['/w/a.ts', '/w/c.ts']]],
    );
  });
});

describe('trace codes: fresh codes', () => {
  /** A repeatable random(): cycles through the values given. */
  const sequence = (...values: number[]) => {
    let i = 0;
    return () => values[i++ % values.length];
  };

  it('numbers on after the highest numeric code', () => {
    assert.deepEqual(freshCodes(config, ['0061', '0201', '0107']), ['0202']);
    assert.deepEqual(freshCodes(config, ['0061', '0201', '0107'], 3), ['0202', '0203', '0204']);
    assert.deepEqual(freshCodes(config, []), ['0001']);
    assert.deepEqual(freshCodes(config, ['0100', '019', '']), ['0101'], 'malformed and missing codes do not count');
  });

  it('skips codes in use and in the registry (retired ones too)', () => {
    const inSource = ['0061', '0107'];
    const registered = ['0061', '0107', '0201', '0202'];
    assert.deepEqual(freshCodes(config, [...inSource, ...registered], 2), ['0203', '0204']);
  });

  it('draws random codes from the format when codes are not numbers', () => {
    // 0 → '0', 0.5 → alphabet[31] = 'V' (0-9, A-Z, a-z).
    assert.deepEqual(freshCodes(config, ['ab12', '0000'], 1, sequence(0, 0, 0, 0, 0.5, 0.5, 0.5, 0.5)), ['VVVV']);
    const hex = traceCodeConfig({ format: '[A-F]{3}' });
    const drawn = freshCodes(hex, ['ABC', 'FFF'], 20);
    assert.equal(new Set(drawn).size, 20);
    for (const code of drawn) {
      assert.match(code, /^[A-F]{3}$/);
      assert.ok(code !== 'ABC' && code !== 'FFF');
    }
  });

  it('falls back to random codes when the numbers run out', () => {
    const digits = traceCodeConfig({ format: '[0-9]{2}' });
    assert.deepEqual(freshCodes(digits, ['99', '00'], 1, sequence(0.05, 0.15)), ['01']);
  });

  it('throws a one-line error when the format has no code left', () => {
    const ab = traceCodeConfig({ format: '[ab]{1}' });
    oneLineError(() => freshCodes(ab, ['a', 'b']), /no unused trace code is left in the format \[ab\]\{1\}/);
    oneLineError(() => freshCodes(ab, [], 3), /no unused trace code is left/);
    assert.deepEqual(freshCodes(ab, ['a'], 1, sequence(0, 0.9)), ['b']);
  });

  it('does not count codes outside the format against the space left', () => {
    const ab = traceCodeConfig({ format: '[ab]{1}' });
    assert.deepEqual(freshCodes(ab, ['a', 'zzz'], 1, sequence(0, 0.9)), ['b']);
  });
});

describe('trace codes: the registry', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'plumbline-tracecodes-'));
    mkdirSync(path.join(root, 'src'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (rel: string, text: string) => writeFileSync(path.join(root, rel), text);
  const scan = () => scanTree([root], config).index;

  it('records every well-formed code, then retires codes that leave the code base and keeps them', async () => {
    write('src/a.ts', 'throw new CustomError("0061", "MalformedEmail");\nthrow new CustomError("0062", "Invalid");\n');
    write('src/b.ts', 'return { trace: "0108" };\nthrow new CustomError("0062", "Invalid");\nthrow new CustomError("019");\n');
    const first = updateRegistry(undefined, scan(), root);
    assert.deepEqual(first.added, ['0061', '0062', '0108']);
    assert.deepEqual(first.retired, []);
    assert.deepEqual(first.registry, {
      format: '[0-9A-Za-z]{4}',
      codes: {
        '0061': { key: 'MalformedEmail', sites: ['src/a.ts:1'] },
        '0062': { key: 'Invalid', sites: ['src/a.ts:2', 'src/b.ts:2'] },
        '0108': { key: undefined, sites: ['src/b.ts:1'] },
      },
    });

    const file = path.join(root, 'trace-codes.json');
    await writeRegistry(file, first.registry);
    const text = readFileSync(file, 'utf8');
    assert.ok(text.endsWith('}\n'));
    assert.deepEqual(Object.keys(JSON.parse(text).codes), ['0061', '0062', '0108']);
    assert.equal(JSON.parse(text).codes['0108'].key, undefined);
    const read = await readRegistry(file);
    assert.deepEqual(read, JSON.parse(text));

    // 0061 leaves the code base: retired, not removed.
    write('src/a.ts', 'throw new CustomError("0062", "Invalid");\n');
    const second = updateRegistry(read, scan(), root);
    assert.deepEqual([second.added, second.retired], [[], ['0061']]);
    assert.deepEqual(second.registry.codes['0061'], { key: 'MalformedEmail', sites: ['src/a.ts:1'], retired: true });
    assert.deepEqual(second.registry.codes['0062'].sites, ['src/a.ts:1', 'src/b.ts:2']);

    // A later update keeps it retired and does not report it again.
    const third = updateRegistry(second.registry, scan(), root);
    assert.deepEqual([third.added, third.retired], [[], []]);
    assert.equal(third.registry.codes['0061'].retired, true);

    // Reused in the code: still retired (append-only), and the check says so.
    write('src/c.ts', 'throw new CustomError("0061", "Again");\n');
    const index = scan();
    const fourth = updateRegistry(third.registry, index, root);
    assert.deepEqual(fourth.added, []);
    assert.deepEqual(fourth.registry.codes['0061'], { key: 'Again', sites: ['src/c.ts:1'], retired: true });
    assert.deepEqual(
      checkRegistry(fourth.registry, index, root, 'trace-codes.json').filter((p) => p.code === '0061').map((p) => p.problem),
      ['retired'],
    );
  });

  it('reports unregistered, retired, duplicate, malformed and missing codes', () => {
    write('src/a.ts', ['new CustomError("0001");', 'new CustomError("0002");', 'new CustomError("0003");', 'new CustomError("0004");', 'new CustomError("04");', 'new CustomError("");'].join('\n'));
    write('src/b.ts', 'new CustomError("0004");\n');
    const registry: Registry = {
      codes: { '0001': { sites: ['src/a.ts:1'] }, '0003': { sites: ['src/old.ts:1'], retired: true }, '0004': { sites: ['src/a.ts:4'] } },
    };
    const problems = checkRegistry(registry, scan(), root, 'trace-codes.json');
    assert.deepEqual(
      problems.map((p) => [p.problem, p.code, p.sites]),
      [
        ['missing', '', ['src/a.ts:6']],
        ['unregistered', '0002', ['src/a.ts:2']],
        ['retired', '0003', ['src/a.ts:3']],
        ['duplicate', '0004', ['src/a.ts:4', 'src/b.ts:1']],
        ['malformed', '04', ['src/a.ts:5']],
      ],
    );
    assert.match(problems[1].message, /"0002" is not in trace-codes\.json/);
  });

  it('finds nothing wrong when every code is registered, live and unique', () => {
    write('src/a.ts', 'new CustomError("0001");\nx = { trace: "0002" };\n');
    const index = scan();
    const { registry } = updateRegistry(undefined, index, root);
    assert.deepEqual(checkRegistry(registry, index, root, 'trace-codes.json'), []);
    assert.deepEqual(
      checkRegistry(undefined, index, root, 'trace-codes.json').map((p) => [p.problem, p.code]),
      [
        ['unregistered', '0001'],
        ['unregistered', '0002'],
      ],
    );
  });

  it('refuses a registry that is not valid JSON or not a registry, in one line', async () => {
    oneLineError(() => parseRegistry('{\n<<<<<<< HEAD\n  "codes": {}\n', 'trace-codes.json'), /^trace-codes\.json is not valid JSON .*never overwrites a registry it cannot read$/);
    // V8 quotes the start of the text in its message, newline included.
    oneLineError(() => parseRegistry('// codes\n{"codes": {}}\n', 'trace-codes.json'), /^trace-codes\.json is not valid JSON .*never overwrites a registry it cannot read$/);
    oneLineError(() => parseRegistry('', 'trace-codes.json'), /is not valid JSON/);
    oneLineError(() => parseRegistry('[]', 'trace-codes.json'), /^trace-codes\.json is not a trace code registry \(root: /);
    oneLineError(() => parseRegistry('{}', 'trace-codes.json'), /is not a trace code registry \(codes: /);
    oneLineError(() => parseRegistry('{"codes": []}', 'trace-codes.json'), /is not a trace code registry \(codes: /);
    oneLineError(() => parseRegistry('{"codes": {"0001": {"sites": "src/a.ts:1"}}}', 'trace-codes.json'), /\(codes\.0001\.sites: /);
    oneLineError(() => parseRegistry('{"codes": {"0001": {"sites": [], "retired": "yes"}}}', 'trace-codes.json'), /\(codes\.0001\.retired: /);
    assert.deepEqual(parseRegistry('{"codes": {"0001": {"sites": []}}}', 'trace-codes.json'), { codes: { '0001': { sites: [] } } });
    assert.equal(await readRegistry(path.join(root, 'none.json')), undefined);
  });
});

describe('trace codes: scanning a tree', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'plumbline-tracescan-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  const found = (result: ReturnType<typeof scanTree>) =>
    result.index
      .allSites()
      .map((s) => `${path.relative(root, s.file).split(path.sep).join('/')}:${s.site.code}`)
      .sort();

  beforeEach(() => {
    write('src/a.ts', 'throw new CustomError("0001", "A");\n');
    write('src/plain.ts', 'export const x = 1;\n');
    write('app/views.py', 'raise AppError(trace="0002")\n');
    write('node_modules/lib/index.js', 'throw new CustomError("0003");\n');
    write('dist/bundle.js', 'throw new CustomError("0004");\n');
    write('logs/app.log', 'new CustomError("0005") 0005-a9Fz\n');
    write('README.md', '`new CustomError("0006")`\n');
    write('data.json', '{ "trace": "0007" }\n');
    write('generated/api.ts', 'throw new CustomError("0008");\n');
    write('src/client.gen.ts', 'throw new CustomError("0009");\n');
  });

  it('scans source files only, outside dependencies and build output, and counts them', () => {
    const result = scanTree([root], config);
    assert.deepEqual(found(result), ['app/views.py:0002', 'generated/api.ts:0008', 'src/a.ts:0001', 'src/client.gen.ts:0009']);
    assert.equal(result.files, 5, 'src/a.ts, src/plain.ts, app/views.py, generated/api.ts, src/client.gen.ts');
    assert.deepEqual(result.failures, []);
  });

  it('honours exclude globs for folders and files', () => {
    const result = scanTree([root], traceCodeConfig({ exclude: ['generated/**', '**/*.gen.ts'] }));
    assert.deepEqual(found(result), ['app/views.py:0002', 'src/a.ts:0001']);
    assert.equal(result.files, 3);
  });

  it('excludes a folder named by a glob without a trailing /**', () => {
    const result = scanTree([root], traceCodeConfig({ exclude: ['**/generated'] }));
    assert.deepEqual(found(result), ['app/views.py:0002', 'src/a.ts:0001', 'src/client.gen.ts:0009']);
  });

  it('scans on worker threads to the same result as on one thread: sites, order, files, failures', async () => {
    // Enough files for several chunks per thread, a file bigger than the first read buffer, non-ASCII
    // text before a site (characters count UTF-16 units), and links out of the tree that are never read.
    for (let i = 0; i < 400; i++) {
      write(`many/m${i % 7}/f${i}.${['ts', 'py', 'go'][i % 3]}`, i % 3 === 0 ? `// ü ${i}\nconst x = 1; throw new CustomError("${String(i % 50).padStart(4, '0')}", "K${i}");\n` : i % 3 === 1 ? `raise E(trace="x${i}")\n# trace: "0000"\n` : 'plain\n');
    }
    write('big/huge.ts', `${'// filler line of a big file\n'.repeat(20_000)}throw new CustomError("BIG1", "Big");\n`);
    const outside = mkdtempSync(path.join(os.tmpdir(), 'plumbline-tracescan-outside-'));
    try {
      writeFileSync(path.join(outside, 'secret.ts'), 'throw new CustomError("SECR");\n');
      symlinkSync(path.join(outside, 'secret.ts'), path.join(root, 'src/linked.ts'));
      symlinkSync(outside, path.join(root, 'linkedDir'));
      const one = scanTree([root], config);
      const parallel = await scanTreeParallel([root], config, { threads: 2, minFiles: 1 });
      assert.deepEqual(parallel.index.allSites(), one.index.allSites());
      assert.deepEqual(parallel.index.files(), one.index.files(), 'the index is filled in walk order');
      assert.deepEqual(parallel.index.duplicates(), one.index.duplicates());
      assert.equal(parallel.files, one.files);
      assert.deepEqual(parallel.failures, one.failures);
      assert.equal(one.files, 406);
      assert.ok(found(parallel).includes('big/huge.ts:BIG1'));
      assert.ok(!found(parallel).some((s) => s.includes('SECR')), 'links out of the tree are not followed');
      const umlaut = parallel.index.sitesIn(path.join(root, 'many/m0/f0.ts'))[0];
      assert.deepEqual([umlaut.line, umlaut.character, umlaut.key, umlaut.context], [1, 'const x = 1; throw new CustomError("'.length, 'K0', 'const x = 1; throw new CustomError("0000", "K0");']);
      // Fewer files than minFiles: this thread alone, the same result.
      assert.deepEqual((await scanTreeParallel([root], config)).index.allSites(), one.index.allSites());
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  /**
   * A tree for the report: names whose whole paths sort differently from their folders' names
   * (b.ts, b/x.ts, b-c, ba, Z, é), codes that are duplicated, malformed and missing, keys and codes
   * that are not ASCII, a file that is not UTF-8, and enough files for several chunks per thread.
   */
  const reportTree = () => {
    for (let i = 0; i < 300; i++) write(`many/m${i % 7}/f${i}.ts`, i % 4 === 3 ? 'plain\n' : `x();\nthrow new CustomError("${String(i % 40).padStart(4, '0')}", "K${i}");\n`);
    write('b.ts', 'throw new CustomError("0001", "k");\n// throw new CustomError("0009")\n');
    write('b/x.ts', 'x = {trace: "0001"}\nthrow new CustomError("")\n');
    write('b-c/y.js', 'throw new CustomError("zz!")\n');
    write('ba/z.py', 'raise E(trace="0002")\n');
    write('Z/a.ts', 'throw new CustomError("äöü1", "Ärger")\n');
    write('é/ü.ts', 'const é = 1; throw new CustomError("0002", "é");\n');
    writeFileSync(path.join(root, 'src/latin1.ts'), Buffer.concat([Buffer.from('throw new CustomError("0003", "'), Buffer.from([0xff, 0xfe]), Buffer.from('");\n')]));
  };

  /** The report as it was made before threads wrote it: from the index, one object per site, through JSON.stringify. */
  const reportFromIndex = (files: number, index: TraceCodeIndex, json: boolean) => {
    const sites = index.allSites();
    const relative = (ref: SiteRef) => path.relative(root, ref.file).split(path.sep).join('/');
    const object = (ref: SiteRef) => ({ code: ref.site.code, file: relative(ref), line: ref.site.line + 1, column: ref.site.character + 1, kind: ref.site.kind, name: ref.site.name, key: ref.site.key });
    const line = (ref: SiteRef) => `${relative(ref)}:${ref.site.line + 1}:${ref.site.character + 1}  ${ref.site.code || '""'}${ref.site.key ? `  ${ref.site.key}` : ''}`;
    const duplicates = index.duplicates(sites);
    const malformed = sites.filter((s) => s.site.code !== '' && !config.isWellFormed(s.site.code));
    const missing = sites.filter((s) => s.site.code === '');
    if (json) {
      const list = (refs: SiteRef[]) => refs.map(object);
      return `${JSON.stringify({ files, sites: list(sites), duplicates: duplicates.map((d) => ({ code: d.code, count: d.sites.length, sites: list(d.sites) })), malformed: list(malformed), missing: list(missing) })}\n`;
    }
    const lines = [...sites.map(line), ...duplicates.map((d) => `duplicate: ${d.code} at ${d.sites.length} sites`), ...malformed.map((s) => `malformed: ${line(s)} (format ${config.format})`), ...missing.map((s) => `missing: ${line(s)}`), `${sites.length} site(s) in ${files} file(s)`];
    return `${lines.join('\n')}\n`;
  };

  it('reports every site in path order, byte for byte what the index gives, on one thread or several', async () => {
    reportTree();
    const one = scanTree([root], config);
    assert.ok(one.index.allSites().some((s) => s.site.key === '\ufffd\ufffd'), 'the file that is not UTF-8 is read with replacement characters');
    for (const format of ['json', 'lines'] as const) {
      const expected = reportFromIndex(one.files, one.index, format === 'json');
      for (const options of [{ threads: 1 }, { threads: 2, minFiles: 1 }, { threads: 3, minFiles: 50 }]) {
        const report = await scanReport(root, root, config, format, options);
        assert.equal(report.text.toString('utf8'), expected, `${format}, ${JSON.stringify(options)}`);
        assert.equal(report.problems, true);
        assert.equal(report.files, one.files);
      }
    }
    const sites = JSON.parse((await scanReport(root, root, config, 'json', { threads: 2, minFiles: 1 })).text.toString('utf8')).sites as { file: string }[];
    const order = sites.map((s) => s.file);
    assert.deepEqual(order.slice(0, 8), ['Z/a.ts', 'app/views.py', 'b-c/y.js', 'b.ts', 'b/x.ts', 'b/x.ts', 'ba/z.py', 'generated/api.ts']);
    assert.equal(order.at(-1), 'é/ü.ts');
  });

  it('reports a clean tree as clean, and an empty one', async () => {
    write('src/b.ts', 'throw new CustomError("0002", "B");\n');
    const clean = await scanReport(path.join(root, 'src'), path.join(root, 'src'), config, 'lines', { threads: 2, minFiles: 1 });
    assert.equal(clean.text.toString(), 'a.ts:1:24  0001  A\nb.ts:1:24  0002  B\nclient.gen.ts:1:24  0009\n3 site(s) in 4 file(s)\n');
    assert.equal(clean.problems, false);
    const empty = await scanReport(path.join(root, 'app/none'), root, config, 'json');
    assert.equal(empty.text.toString(), '{"files":0,"sites":[],"duplicates":[],"malformed":[],"missing":[]}\n');
    assert.deepEqual(empty.failures, [{ file: path.join(root, 'app/none'), error: 'no such file or folder' }]);
  });

  it('reads again the files of a worker that fails, to the same result', async () => {
    reportTree();
    // A collector that throws on a worker thread only: `workerData` exists in the worker's script alone.
    const failing = (): SiteCollector<string[]> => {
      const kept: string[] = [];
      return {
        add(_index, file, sites) {
          if (typeof workerData !== 'undefined') throw new Error('lost');
          // This thread takes its time, so the worker is started and claims chunks before the list runs out.
          for (const until = Date.now() + 2; Date.now() < until; );
          for (const site of sites) kept.push(`${file}:${site.line}:${site.code}`);
        },
        finish: () => ({ result: kept, transfer: [] }),
      };
    };
    const read = await readTreeParallel([root], config, { collector: failing, arg: null }, { threads: 2, minFiles: 1 });
    const expected = scanTree([root], config).index.allSites().map((s) => `${s.file}:${s.site.line}:${s.site.code}`);
    assert.deepEqual(read.results.flat().sort(), expected.sort());
    assert.equal(read.results.length, 2);
    assert.ok(read.results[1].length > 0, 'this thread\'s own part, then the chunks the worker took, read again');
  });

  it('scans a root that is a file, and reports a missing root, on the parallel path too', async () => {
    const file = path.join(root, 'src/a.ts');
    const result = await scanTreeParallel([file, path.join(root, 'nope')], config, { threads: 2, minFiles: 1 });
    assert.deepEqual(result.index.allSites().map((s) => [s.file, s.site.code]), [[file, '0001']]);
    assert.deepEqual(result.failures, [{ file: path.join(root, 'nope'), error: 'no such file or folder' }]);
    assert.equal(result.files, 1);
  });

  it('gives paths relative to a root as path.relative does, with forward slashes', () => {
    for (const [from, to] of [
      [root, path.join(root, 'src/a.ts')],
      [root, path.join(root, '.hidden/x.ts')],
      [root, `${root}/src/../app/views.py`],
      [root, `${root}/src//a.ts`],
      [`${root}/`, `${root}/src/a.ts`],
      [`${root}/src/..`, `${root}/src/a.ts`],
      [root, `${root}x/a.ts`],
      [root, root],
      ['relative/dir', 'relative/dir/a.ts'],
    ]) {
      assert.equal(relativeTo(from, to), path.relative(from, to).split(path.sep).join('/'), `${from} → ${to}`);
    }
  });

  it('reports a root that does not exist', () => {
    const missing = path.join(root, 'nope');
    const result = scanTree([missing], config);
    assert.deepEqual(result.failures, [{ file: missing, error: 'no such file or folder' }]);
    assert.equal(result.files, 0);
    assert.deepEqual(result.index.allSites(), []);
  });
});
