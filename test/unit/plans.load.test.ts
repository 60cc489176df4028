import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadPlans } from '../../engine/plans';
import { readStructure } from '../../engine/plans/structure';
import { splitLines } from '../../engine/plans/text';
import { generatePlan, generateWorkspace } from '../fixtures/planGenerator';

describe('loading a workspace of plans', () => {
  let root: string;
  let workspace: { name: string; text: string }[];

  before(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'plumbline-load-'));
    const eols = ['lf', 'crlf', 'cr', 'mixed'] as const;
    workspace = [
      ...generateWorkspace(30, 7, 150),
      ...Array.from({ length: 8 }, (_, i) => ({ name: `eol/p${i}.md`, text: generatePlan(500 + i, { lines: 100, eol: eols[i % 4], bom: i % 3 === 0 }) })),
      { name: 'notes/readme.md', text: '# Notes\n\nNo tasks here.\n' },
      { name: 'notes/tasks.md', text: '# Nothing yet\n' },
    ];
    for (const file of workspace) {
      mkdirSync(path.dirname(path.join(root, file.name)), { recursive: true });
      writeFileSync(path.join(root, file.name), file.text);
    }
    // Not UTF-8: read, marked read-only, with a problem that says so.
    writeFileSync(path.join(root, 'latin1.md'), Buffer.concat([Buffer.from('# Plan\n\n- [ ] caf'), Buffer.from([0xe9]), Buffer.from(' task\n')]));
    // A FIFO named as a target: never read, a failure (a read would wait for a writer forever).
    execFileSync('mkfifo', [path.join(root, 'pipe.md')]);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('reads every plan, says which files it could not read and which it must not edit', async () => {
    const { index, files, failures, readOnly } = await loadPlans(['.', 'pipe.md', 'missing.md'], root);
    assert.equal(files.length, workspace.length, 'every file but notes/readme.md (no task, no plan name), and latin1.md');
    assert.ok(!files.includes(path.join(root, 'notes/readme.md')));
    assert.ok(files.includes(path.join(root, 'notes/tasks.md')), 'named like a plan: a plan without tasks');
    assert.deepEqual(index.documents().map((d) => d.file), files, 'the index in the order the files were read');
    assert.deepEqual([...readOnly], [path.join(root, 'latin1.md')]);
    assert.ok(index.problems(path.join(root, 'latin1.md')).some((p) => p.code === 'unreadable' && /not valid UTF-8/.test(p.message)));
    assert.deepEqual(
      failures.map((f) => f.file),
      [path.join(root, 'pipe.md'), 'missing.md'],
    );
    assert.match(failures[0].error, /not a regular file/);
    assert.equal(failures[1].error, 'no such file or folder');
  });
});

describe('splitting lines', () => {
  it('splits on CRLF, LF and lone CR as the regex /\\r\\n|\\n|\\r/ does', () => {
    for (const text of ['', 'a', 'a\n', '\n\n', 'a\r\nb\rc\nd', '\r', '\r\n', '\n\r', 'a\r\r\nb', 'x\ry\rz', `${'a\n'.repeat(50)}b\r`, `a\r${'b'.repeat(100)}\n`]) {
      const expected: { text: string; start: number; end: number; eol: string }[] = [];
      let start = 0;
      for (const m of text.matchAll(/\r\n|\n|\r/g)) {
        expected.push({ text: text.slice(start, m.index), start, end: m.index, eol: m[0] });
        start = m.index + m[0].length;
      }
      expected.push({ text: text.slice(start), start, end: text.length, eol: '' });
      assert.deepEqual(splitLines(text), expected, JSON.stringify(text));
    }
  });
});

describe('block structure', () => {
  it('reads the same blocks, on the same lines, whatever the line breaks, and past a NUL', () => {
    const lf = '# Plan\n\nA paragraph\nover two lines\n\n- [ ] one\n  wrapped\n- [x] two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```\n- [ ] code\n```\n\nlast\u0000 words\n';
    const structure = (eol: string) => {
      const text = lf.replace(/\n/g, eol);
      const { items, ...rest } = readStructure(text, splitLines(text));
      // Offsets in the text differ with the line breaks; lines and texts may not.
      return { ...rest, items: items.map((i) => [i.line, i.lastLine, i.depth, i.parent?.line, i.box?.mark, i.text, i.continuation]) };
    };
    const expected = structure('\n');
    assert.deepEqual(expected.paragraphs, [{ startLine: 2, lastLine: 3 }, { startLine: 5, lastLine: 6 }, { startLine: 7, lastLine: 7 }, { startLine: 17, lastLine: 17 }]);
    assert.deepEqual(expected.items, [[5, 6, 0, undefined, ' ', 'one', ['wrapped']], [7, 8, 0, undefined, 'x', 'two', []]]);
    assert.deepEqual(expected.tables.map((t) => [t.headerLine, t.rowLines]), [[9, [11]]]);
    assert.deepEqual(structure('\r\n'), expected);
    assert.deepEqual(structure('\r'), expected);
  });
});
