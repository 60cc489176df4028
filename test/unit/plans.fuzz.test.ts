import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { applyEdits, invertEdits, parsePlan, PlanIndex, toggleCheckbox, type PlanDocument } from '../../engine/plans';
import { dialects, statuses } from '../../engine/plans/model';
import { demoPlanFiles } from '../fixtures/demoPlans';
import { generatePlan } from '../fixtures/planGenerator';

/**
 * SPEC §1: "never throw on any input". Thousands of random and mutated inputs go through the
 * parser and the index; every answer must be well formed (offsets that edits can trust), and
 * parsing must finish in time proportional to the input (a hang guard, not a benchmark).
 */
const demo = path.resolve(__dirname, '../../demo');
const corpus: string[] = [
  ...demoPlanFiles.map((f) => readFileSync(path.join(demo, f), 'utf8')),
  generatePlan(11, { lines: 300 }),
  generatePlan(12, { lines: 200, eol: 'crlf', bom: true, doneMark: 'X' }),
  generatePlan(13, { lines: 200, eol: 'cr', dialects: ['checklist', 'table', 'task-heading'] }),
  generatePlan(14, { lines: 200, eol: 'mixed', doneMark: 'mixed' }),
];

const problemCodes = ['unknown-dependency', 'dependency-cycle', 'done-with-open-dependency', 'done-with-open-items', 'todo-mismatch', 'duplicate-task-id', 'unknown-status', 'bad-date', 'unreadable'];
/** Offsets where lines start, counting CRLF, LF and lone CR as the parser does. */
function lineStarts(text: string): number[] {
  const starts = [0];
  for (const m of text.matchAll(/\r\n|\n|\r/g)) starts.push(m.index + m[0].length);
  return starts;
}
const lineCount = (text: string) => lineStarts(text).length;
function lineOf(starts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
let inputs = 0;

/** Parses with a time bound of 50 ms per KB + 50 ms; a second try absorbs a GC pause, not a hang. */
function parse(text: string): PlanDocument {
  const bound = 50 + (50 * text.length) / 1024;
  let started = performance.now();
  let doc = parsePlan('fuzz.md', text);
  if (performance.now() - started > bound) {
    started = performance.now();
    doc = parsePlan('fuzz.md', text);
  }
  const took = performance.now() - started;
  assert.ok(took <= bound, `parsing ${text.length} characters took ${took.toFixed(0)} ms (bound ${bound.toFixed(0)} ms)`);
  return doc;
}

/** Everything the tracker, the edits and the index rely on, for one input. */
function check(text: string): PlanDocument {
  inputs++;
  const doc = parse(text);
  const starts = lineStarts(text);
  const lines = starts.length;
  assert.equal(doc.text, text);
  for (const list of [doc.dialects, doc.tasks, doc.todoLines, doc.checkboxes, doc.problems]) assert.ok(Array.isArray(list));
  for (const box of doc.checkboxes) {
    // A toggle replaces the character at box.offset: it must be the box's own mark.
    assert.equal(text[box.offset], box.mark, `checkbox on line ${box.line + 1}`);
    assert.equal(lineOf(starts, box.offset), box.line);
  }
  for (const task of doc.tasks) {
    assert.ok(statuses.includes(task.status) && dialects.includes(task.dialect), `task ${task.id}`);
    assert.ok(task.startLine <= task.line && task.line <= task.endLine && task.endLine < lines, `task ${task.id} lines ${task.startLine}-${task.endLine} of ${lines}`);
    if (task.statusSpan) assert.ok(task.statusSpan.start >= 0 && task.statusSpan.start <= task.statusSpan.end && task.statusSpan.end <= text.length);
    assert.ok(Array.isArray(task.deliverables) && Array.isArray(task.dependencies));
  }
  const index = new PlanIndex();
  index.set(doc);
  index.set(parsePlan('other.md', corpus[0]));
  for (const problem of index.problems(doc.file)) {
    assert.ok(problemCodes.includes(problem.code), problem.code);
    assert.ok(problem.line >= 0 && problem.line < lines, `${problem.code} on line ${problem.line} of ${lines}`);
  }
  index.next();
  index.next([doc.file]);
  // An edit found on a mangled file still undoes exactly.
  const box = doc.checkboxes[0];
  if (box) {
    const toggle = toggleCheckbox(doc, box.line);
    assert.ok(toggle.ok);
    const after = applyEdits(text, toggle.edits);
    assert.equal(applyEdits(after, invertEdits(text, toggle.edits)), text);
  }
  return doc;
}

const splitKeep = (text: string) => text.split(/(?<=\r\n|\n|\r(?!\n))/);

/** One mutation of a text, the ways real plan files get broken. */
const mutation: fc.Arbitrary<(text: string) => string> = fc.oneof(
  fc.nat().map((n) => (t: string) => t.slice(0, n % (t.length + 1))),
  fc.nat().map((n) => (t: string) => {
    const lines = splitKeep(t);
    const i = n % lines.length;
    return [...lines.slice(0, i + 1), ...lines.slice(i)].join('');
  }),
  fc.tuple(fc.nat(), fc.nat()).map(([a, b]) => (t: string) => {
    const lines = splitKeep(t);
    const [i, j] = [a % lines.length, b % lines.length];
    [lines[i], lines[j]] = [lines[j], lines[i]];
    return lines.join('');
  }),
  fc.tuple(fc.nat(), fc.constantFrom('```', '~~~', '````ts', '~~~~~')).map(([n, fence]) => (t: string) => insertLine(t, n, fence)),
  fc.tuple(fc.nat(), fc.integer({ min: 100, max: 600 }), fc.constantFrom('list', 'quote', 'both')).map(([n, depth, kind]) => (t: string) => insertLine(t, n, deep(kind, depth))),
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 9 })).map(([n, cells]) => (t: string) =>
    insertLine(t, n, `| ID | Title | Status |\n|---|---|---|\n| \`x-1\` ${'| done '.repeat(cells)}\n| \`x-2\` |\n|||||\n`),
  ),
  fc.tuple(fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.constantFrom('\u0000', '\ud800', '\udfff', '\udbff\u0000', '\ufeff', '\ufffe')).map(
    ([n, bytes, odd]) => (t: string) => {
      const at = n % (t.length + 1);
      return t.slice(0, at) + Buffer.from(bytes).toString('latin1') + odd + new TextDecoder().decode(bytes) + t.slice(at);
    },
  ),
  fc.nat().map((n) => (t: string) => t.replace(/\r?\n/g, (m, offset: number) => ((offset + n) % 3 === 0 ? '\r' : m))),
  fc.tuple(fc.nat(), fc.constantFrom('a', '|', '`', '*', '- [ ] ', '**Status**: ', '> ', '\\', '<!--', '#'), fc.integer({ min: 10_000, max: 200_000 })).map(
    ([n, unit, length]) => (t: string) => insertLine(t, n, unit.repeat(Math.ceil(length / unit.length))),
  ),
);

function insertLine(text: string, n: number, line: string): string {
  const lines = splitKeep(text);
  const i = n % (lines.length + 1);
  return [...lines.slice(0, i), `${line}\n`, ...lines.slice(i)].join('');
}

function deep(kind: string, depth: number): string {
  const out: string[] = [];
  for (let d = 0; d < depth; d++) {
    const quote = kind !== 'list' ? '> '.repeat(d) : '';
    const indent = kind !== 'quote' ? '  '.repeat(d) : '';
    out.push(`${quote}${indent}- [${d % 2 ? 'x' : ' '}] level ${d}`);
  }
  return out.join('\n');
}

const token = fc.constantFrom(
  '- ', '* ', '+ ', '1. ', '2) ', '[ ] ', '[x] ', '[X] ', '[/] ', '[#] ', '[', ']', '# ', '### Task 1: ', '#### 1.1. ', '**Status**: ',
  'Status: ', 'Priority: HIGH', '| **Priority**: high ', 'done', 'in progress', 'blocked', '✅', 'âœ…', '🔄 planned', '|', ' | ', '|---|---|',
  '| ID | Status |', '`infra-001`', '---', '```', '~~~', '`', '<!--', '-->', '> ', '\n', '\n', '\n', '\r\n', '\r', '  ', '    ', '\t',
  'text ', 'T001 ', '1.2 ', '_Depends: 1.1_', '**Dependencies**: [1, 2]', '**Completed**: 2026-13-45', '### To-dos\n',
  'Complete Task 1', '---\ntodos:\n  - id: a\n    status: ', '\u0000', '\ud800', '\ufeff', 'é', '😀',
);

describe('plan parser robustness (SPEC §1: never throw on any input)', function () {
  this.timeout(300_000); // thousands of inputs, and one of 10 MB

  it('reads 1,500 random markdown-token soups', () => {
    fc.assert(fc.property(fc.array(token, { maxLength: 300 }), (tokens) => void check(tokens.join(''))), { numRuns: 1500 });
  });

  it('reads 1,500 mutations of the demo and generated plans (cuts, swaps, fences, nesting, bytes, long lines)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.array(mutation, { minLength: 1, maxLength: 4 }), (text, mutations) => void check(mutations.reduce((t, m) => m(t), text))),
      { numRuns: 1500 },
    );
  });

  it('reads 300 arbitrary strings: any code unit, lone surrogates and all', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => void check(text)), { numRuns: 200 });
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom('\r', '\n', '-', ' ', '[', ']', 'x', '|', '`', '#', '>', '*'), maxLength: 500 }), (text) => void check(text)), { numRuns: 100 });
  });

  it('reads hundreds of levels of nested lists and blockquotes, and 1 MB lines', () => {
    for (const kind of ['list', 'quote', 'both']) check(deep(kind, 800));
    check('>'.repeat(100_000) + ' - [ ] x\n');
    check(`- [ ] ${'a'.repeat(1_000_000)}\n**Status**: ${'done '.repeat(200_000)}\n`);
    check(`| ID | Status |\n|---|---|\n| \`a\` ${'| x '.repeat(100_000)}|\n`);
  });

  it('reports an unclosed ``` or ~~~ fence as unreadable on the fence line, wherever it is inserted', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 0x7fffffff }), fc.nat(), fc.constantFrom('```', '~~~', '````md', '~~~~'), (seed, n, fence) => {
        // No noise and no front matter: the plan has no other fence and no comment to hide one in.
        const plan = generatePlan(seed, { lines: 60, noise: false, dialects: dialects.filter((d) => d !== 'front-matter') });
        const line = n % lineCount(plan);
        const doc = check(insertLine(plan, line, fence));
        assert.ok(doc.problems.some((p) => p.code === 'unreadable' && p.line === line), `no unreadable problem on line ${line}: ${JSON.stringify(doc.problems)}`);
      }),
      { numRuns: 200 },
    );
  });

  it('reports NUL bytes as unreadable on the line of the first one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...corpus), fc.nat(), (text, n) => {
        const at = n % (text.length + 1);
        const withNul = `${text.slice(0, at)}\u0000${text.slice(at)}`;
        const doc = check(withNul);
        assert.ok(doc.problems.some((p) => p.code === 'unreadable' && p.line === lineOf(lineStarts(withNul), withNul.indexOf('\u0000'))));
      }),
      { numRuns: 200 },
    );
  });

  it('reads a 10 MB generated plan, and indexes it', () => {
    let lines = 400_000; // about 27 characters a line: one generation is usually enough
    let text = generatePlan(99, { lines, eol: 'crlf' });
    while (text.length < 10 * 1024 * 1024) text = generatePlan(99, { lines: (lines = Math.ceil(lines * 1.1)), eol: 'crlf' });
    const doc = check(text);
    assert.ok(doc.tasks.length > 50_000, `${doc.tasks.length} tasks`);
  });

  // Last, so it counts what the tests above checked (mocha runs a file's tests in order).
  it('checked at least 3,000 inputs in all', () => assert.ok(inputs >= 3000, `only ${inputs} inputs were checked`));
});
