import * as assert from 'node:assert/strict';
import { Guard, guardLanguage } from '../../engine/guard';
import { editCases } from '../fixtures/editCorpus';

/**
 * The guard on the corpus of real-looking agent edits (test/fixtures/edits): every expected
 * violation found at its line, and nothing else: a clean edit must not fire.
 */
describe('the guard on the edit corpus', () => {
  const guard = new Guard();
  const cases = editCases();

  it('has a corpus of at least 60 pairs, half of them clean', () => {
    assert.ok(cases.length >= 60, `${cases.length} cases`);
    assert.ok(cases.filter((c) => c.expected.length === 0).length * 2 >= cases.length);
  });

  for (const c of cases) {
    it(`${c.name} (${c.language}): ${c.expected.length ? c.expected.map((v) => `${v.kind}@${v.line}`).join(', ') : 'clean'}`, async () => {
      const found = await guard.checkEdit(c.before, c.after, guardLanguage(c.language));
      assert.deepEqual(
        found.map((v) => ({ kind: v.kind, line: v.line + 1 })),
        c.expected.map((v) => ({ kind: v.kind, line: v.line })),
        `${c.why}\n${found.map((v) => v.message).join('\n')}`,
      );
      for (const v of found.filter((f) => f.kind === 'placeholder-dropped')) {
        assert.ok(v.removedLines.some((l) => l.trim()), 'a placeholder drop carries the dropped code');
        assert.match(v.message, /replaced \d+ lines?/);
      }
    });
  }
});
