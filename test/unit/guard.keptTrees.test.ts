import * as assert from 'node:assert/strict';
import { Guard, guardLanguage, SyntaxTrees } from '../../engine/guard';
import { editCases } from '../fixtures/editCorpus';
import { handlerClass as handlers } from '../fixtures/handlerClass';

const typescript = guardLanguage('typescript');


/** The agent's edit: `span` lines from method `method` on replaced with a placeholder. */
function drop(lines: string[], method: number, span = 12): string {
  const at = 1 + 6 * method;
  return [...lines.slice(0, at), '  // ... existing code ...', ...lines.slice(at + span)].join('\n');
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; !check(); i++) {
    if (i > 10_000) throw new Error('never happened');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The trees of open files' baselines, parsed in the background when the baseline is recorded. */
describe('the guard\'s kept trees', () => {
  it('a check against a kept tree finds exactly what a check without one finds, on every corpus edit', async function () {
    this.timeout(120_000);
    const trees = new SyntaxTrees();
    const kept = new Guard(trees);
    for (const c of editCases()) {
      const language = guardLanguage(c.language);
      kept.keepTree(c.name, c.before, language);
      await trees.kept.settled();
      assert.deepEqual(await kept.checkEdit(c.before, c.after, language), await new Guard().checkEdit(c.before, c.after, language), c.name);
      kept.releaseTree(c.name);
    }
    assert.equal(trees.kept.size, 0);
  });

  it('the tree is parsed in the background, and the first check finds it ready', async () => {
    const trees = new SyntaxTrees();
    const guard = new Guard(trees);
    const lines = handlers(200, 'ready');
    guard.keepTree('a.ts', lines.join('\n'), typescript);
    assert.notEqual(trees.kept.state('a.ts'), 'ready', 'not parsed on the caller\'s path');
    await trees.kept.settled();
    assert.equal(trees.kept.state('a.ts'), 'ready');
    const found = await guard.checkEdit(lines.join('\n'), drop(lines, 50), typescript);
    assert.deepEqual(found.map((v) => `${v.kind}@${v.line}`), ['placeholder-dropped@301']);
  });

  it('an edit checked while the background parse is midway finishes that parse and finds the same as without it', async () => {
    // Slices that halt at once: the parse of a 3,000-line file takes thousands of turns of the event loop.
    const trees = new SyntaxTrees(undefined, 0);
    const guard = new Guard(trees);
    const lines = handlers(500, 'midway');
    const before = lines.join('\n');
    guard.keepTree('b.ts', before, typescript);
    await until(() => trees.kept.state('b.ts') === 'parsing');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(trees.kept.state('b.ts'), 'parsing', 'still midway');
    const found = await guard.checkEdit(before, drop(lines, 400), typescript);
    assert.equal(trees.kept.state('b.ts'), 'ready', 'finished by the check');
    assert.deepEqual(found, await new Guard().checkEdit(before, drop(lines, 400), typescript));
    await trees.kept.settled();
  });

  it('an edit of a file whose tree waits its turn parses the text itself, and the kept tree is that one (no second parse)', async () => {
    const trees = new SyntaxTrees(undefined, 0);
    const guard = new Guard(trees);
    guard.keepTree('c2.ts', handlers(300, 'first').join('\n'), typescript);
    await until(() => trees.kept.state('c2.ts') === 'parsing');
    const waiting = handlers(100, 'waits');
    guard.keepTree('c.ts', waiting.join('\n'), typescript);
    assert.equal(trees.kept.state('c.ts'), 'waiting', 'one background parse at a time');
    assert.equal((await guard.checkEdit(waiting.join('\n'), drop(waiting, 30), typescript)).length, 1);
    assert.equal(trees.kept.state('c.ts'), 'ready');
    assert.equal(trees.kept.state('c2.ts'), 'parsing', 'the other parse goes on');
    await trees.kept.settled();
  });

  it('a new baseline of text just checked keeps the tree the check made, with no parse', async () => {
    const trees = new SyntaxTrees();
    const guard = new Guard(trees);
    const lines = handlers(100, 'moves');
    const after = [...lines.slice(0, 7), '  // a comment added', ...lines.slice(7)].join('\n');
    guard.keepTree('d.ts', lines.join('\n'), typescript);
    await trees.kept.settled();
    assert.deepEqual(await guard.checkEdit(lines.join('\n'), after, typescript), []);
    guard.keepTree('d.ts', after, typescript);
    assert.equal(trees.kept.state('d.ts'), 'ready');
    guard.keepTree('d.ts', after, typescript);
    assert.equal(trees.kept.size, 1, 'the same baseline again changes nothing');
  });

  it('a file closed while its tree is being parsed stops the parse; the next file\'s tree is whole', async () => {
    const trees = new SyntaxTrees(undefined, 0);
    const guard = new Guard(trees);
    const first = handlers(300, 'closed');
    guard.keepTree('e.ts', first.join('\n'), typescript);
    await until(() => trees.kept.state('e.ts') === 'parsing');
    guard.releaseTree('e.ts');
    assert.equal(trees.kept.state('e.ts'), undefined);
    const next = handlers(300, 'next');
    guard.keepTree('f.ts', next.join('\n'), typescript);
    await trees.kept.settled();
    assert.equal(trees.kept.state('f.ts'), 'ready');
    assert.deepEqual(await guard.checkEdit(next.join('\n'), drop(next, 100), typescript), await new Guard().checkEdit(next.join('\n'), drop(next, 100), typescript));
  });

  it('keeps trees for at most a million characters of text, the least recently used let go, and none for a larger file', async () => {
    const trees = new SyntaxTrees();
    const guard = new Guard(trees);
    const big = (tag: string) => handlers(1_100, tag).join('\n');
    assert.ok(big('1').length * 4 <= 1_000_000 && big('1').length * 5 > 1_000_000, 'four of them fit');
    for (const name of ['1', '2', '3', '4', '5', '6']) guard.keepTree(name, big(name), typescript);
    assert.deepEqual(['1', '2', '3', '4', '5', '6'].map((name) => trees.kept.state(name) !== undefined), [false, false, true, true, true, true]);
    guard.keepTree('huge', handlers(9_000, 'huge').join('\n'), typescript);
    assert.equal(trees.kept.state('huge'), undefined);
    for (const name of ['3', '4', '5', '6']) guard.releaseTree(name);
    await trees.kept.settled();
    assert.equal(trees.kept.size, 0);
  });

  it('a grammar that does not load keeps nothing and breaks nothing (the check reports the failure itself)', async () => {
    const trees = new SyntaxTrees();
    const missing = { ...typescript, grammar: 'tree-sitter-missing.wasm' };
    trees.keep('g.ts', 'const a = 1;\n', missing);
    await trees.kept.settled();
    assert.equal(trees.kept.size, 0);
    await assert.rejects(new Guard(trees).checkEdit('const a = 1;\n', 'const a = 2;\n', missing), /ENOENT/);
  });
});
