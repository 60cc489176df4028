import * as assert from 'node:assert/strict';
import { isPlaceholder, placeholderLine } from '../../engine/guard/placeholders';
import { isStubComment } from '../../engine/guard/stubs';
import { isReplacement } from '../../server/guardService';

/** The rules the README's "Guard" section writes down, each side of each one. */
describe('guard rules', () => {
  it('a comment stands for code when it starts or ends with an ellipsis, or names the code only generically', () => {
    for (const text of ['// ... existing code ...', '# …', '// rest of the component unchanged', '/* other methods as before */', '# remaining helpers unchanged', '// rest of the React component unchanged', '<!-- same as before -->']) {
      assert.ok(isPlaceholder(text), text);
    }
    for (const text of ['// Merge into the existing settings object', '# Leave the timeout unchanged for old clients', '// Reuse the existing code path for retries', '// Keep the same order as the API returns', '// unchanged since v2 because the mobile client pins it']) {
      assert.ok(!isPlaceholder(text), text);
    }
  });

  it('a line that is no comment stands for text when it is bracketed prose, or comment-looking text between JSX tags', () => {
    assert.equal(placeholderLine('  [The rest of this section is unchanged]', false), '[The rest of this section is unchanged]');
    assert.equal(placeholderLine('[... earlier steps as before ...]', false), '[... earlier steps as before ...]');
    assert.equal(placeholderLine('[...]', false), '[...]');
    assert.equal(placeholderLine('      <div>// ... existing code ...</div>', true), '// ... existing code ...');
    for (const line of ['[...items]', '[1]: https://example.com', '- [ ] a task', '[Unreleased]', '[a, b]', '[See the migration guide]']) assert.equal(placeholderLine(line, true), undefined, line);
    assert.equal(placeholderLine('<div>// ... existing code ...</div>', false), undefined, 'JSX text only in JSX languages');
  });

  it('a comment asks for an implementation when it says so', () => {
    for (const text of ['// TODO: implement', '# your code here', '// ... add the caching logic here ...', '// implement me']) assert.ok(isStubComment(text), text);
    for (const text of ['// handled by the caller now', '# no-op: the base class does the work']) assert.ok(!isStubComment(text), text);
  });

  it('a change is a replacement (an agent, a paste) when it brings text on two lines or breaks lines over old ones; Enter is a keystroke', () => {
    const at = (line: number, character = 0) => ({ line, character });
    assert.ok(isReplacement({ range: { start: at(3), end: at(10) }, text: '  // ... existing code ...\n' }));
    assert.ok(isReplacement({ range: { start: at(3), end: at(3) }, text: 'a();\nb();\n' }));
    assert.ok(!isReplacement({ range: { start: at(3, 4), end: at(3, 4) }, text: 'x' }));
    assert.ok(!isReplacement({ range: { start: at(3, 4), end: at(3, 4) }, text: '\n    ' }));
    assert.ok(!isReplacement({ range: { start: at(3, 4), end: at(3, 4) }, text: '\n    \n' }), 'Enter between braces');
    assert.ok(!isReplacement({ range: { start: at(3), end: at(9) }, text: '' }), 'deleting lines');
  });
});
