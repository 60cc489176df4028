import * as assert from 'node:assert/strict';
import { Guard, guardLanguage, restoreDropped, type Violation } from '../../engine/guard';
import { hunksOf } from '../../engine/guard/hunks';
import { editCases, type EditCase } from '../fixtures/editCorpus';

// The guard against the hand-written edit corpus (test/fixtures/edits, see its README): every
// case's kinds and 1-based lines must match expected.json exactly, as a multiset.

const cases = editCases();
const languages = ['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'python', 'go', 'rust', 'java', 'csharp', 'ruby', 'php', 'shellscript', 'css', 'html', 'json', 'markdown', 'plaintext'];
const lines = (text: string) => text.split(/\r\n|\n|\r/);
const pinned = (violations: { kind: string; line: number }[]) => violations.map((v) => `${v.kind}@${v.line}`).sort();

describe('the guard on the edit corpus', () => {
  const guard = new Guard();
  const found = new Map<string, Violation[]>();
  const check = async (c: EditCase) => {
    let violations = found.get(c.name);
    if (!violations) {
      violations = await guard.checkEdit(c.before, c.after, guardLanguage(c.language));
      found.set(c.name, violations);
    }
    return violations;
  };

  it('has at least 60 cases across the 15 languages, at least half of them clean', () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    const seen = new Set(cases.map((c) => guardLanguage(c.language).id));
    assert.deepEqual(languages.filter((l) => !seen.has(l)), [], 'languages without a case');
    assert.deepEqual([...seen].filter((l) => !languages.includes(l)), [], 'cases in an unknown language');
    const clean = cases.filter((c) => c.expected.length === 0).length;
    assert.ok(clean * 2 >= cases.length, `${clean} clean of ${cases.length}`);
  });

  for (const c of cases) {
    it(`${c.name}: ${c.why}`, async () => {
      const violations = await check(c);
      assert.deepEqual(pinned(violations.map((v) => ({ kind: v.kind, line: v.line + 1 }))), pinned(c.expected));
    });
  }

  it('finds the same with the new text parsed on its own as parsed incrementally from the old one', async () => {
    for (const c of cases) {
      const language = guardLanguage(c.language);
      const alone = new Guard();
      // Checked first as an old text, the new text gets a full parse of its own, which the guard then keeps.
      await alone.checkEdit(c.after, `${c.after}\n`, language);
      assert.deepEqual(await alone.checkEdit(c.before, c.after, language), await check(c), c.name);
    }
  });

  describe('placeholder drops carry what they dropped', () => {
    for (const c of cases.filter((c) => c.expected.some((v) => v.kind === 'placeholder-dropped'))) {
      it(`${c.name}: removed lines, message and restore`, async () => {
        const drops = (await check(c)).filter((v) => v.kind === 'placeholder-dropped');
        assert.ok(drops.length > 0);
        const old = lines(c.before);
        const hunks = hunksOf(c.before, c.after);
        for (const drop of drops) {
          const from = drop.removedFrom!;
          const n = drop.removedLines.length;
          assert.ok(n > 0, 'no removed lines');
          // Exactly a run of lines of the old text, counted in the message.
          assert.deepEqual(drop.removedLines, old.slice(from, from + n));
          assert.match(drop.message, new RegExp(`replaced ${n} line${n === 1 ? '' : 's'}\\b`));
          // All of it: once restored, the only removals left are the edit's other changes, away from the drop.
          let start = from;
          while (start > 0 && old[start - 1].trim() === '') start--;
          let end = from + n;
          while (end < old.length && old[end].trim() === '') end++;
          for (const left of hunksOf(c.before, restoreDropped(c.after, drop)).filter((h) => h.removed.length > 0)) {
            const near = left.oldStart <= end && left.oldStart + left.removed.length >= start;
            const other = hunks.find((h) => h.oldStart === left.oldStart && h.removed.join('\n') === left.removed.join('\n') && h.added.join('\n') === left.added.join('\n'));
            assert.ok(!near && other, `restoring leaves lines ${left.oldStart + 1}-${left.oldStart + left.removed.length} removed: ${JSON.stringify(left.removed)}`);
          }
        }
      });
    }
  });
});

describe('the guard beyond the corpus', () => {
  const guard = new Guard();
  const python = ['def words(text):', '    out = []', '    for raw in text.split():', '        if raw:', '            out.append(raw)', '    return out', ''].join('\n');

  it('reports a Python dedent to a column no enclosing block uses, which tree-sitter-python accepts', async () => {
    const violations = await guard.checkEdit(python, python.replace('    return out', '      return out'), guardLanguage('python'));
    assert.deepEqual(violations.map((v) => `${v.kind}@${v.line + 1}`), ['malformed-syntax@6']);
    assert.deepEqual(await guard.checkEdit(python, python.replace('    return out', '        return out'), guardLanguage('python')), []);
  });

  it('puts a break the parser finds below the change on the definition the change left open', async () => {
    const before = ['export class B {', '  m() {', '    return 1;', '  }', '', '  n() {', '    return 2;', '  }', '}', ''].join('\n');
    const after = before.replace('    return 1;\n  }', '    return 1;');
    const violations = await guard.checkEdit(before, after, guardLanguage('typescript'));
    assert.deepEqual(violations.map((v) => `${v.kind}@${v.line + 1}`), ['malformed-syntax@2']);
  });
});
