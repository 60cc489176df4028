import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as oniguruma from 'vscode-oniguruma';
import { INITIAL, Registry, parseRawGrammar, type IGrammar, type IToken } from 'vscode-textmate';

// Tokenizes markdown the way VS Code does: its real markdown grammar (a vendored copy, see
// test/fixtures/grammars/markdown.tmLanguage.LICENSE.txt) with our injection grammar injected into
// text.html.markdown through the registry, exactly as `contributes.grammars[].injectTo` does.

const root = path.resolve(__dirname, '../..');
const grammarFiles: Record<string, string> = {
  'text.html.markdown': path.join(root, 'test/fixtures/grammars/markdown.tmLanguage.json'),
  'plumbline.plans.injection': path.join(root, 'syntaxes/plumbline-plans.injection.tmLanguage.json'),
};

const DONE = 'markup.inserted.plumbline.status.done';
const IN_PROGRESS = 'markup.changed.plumbline.status.in-progress';
const BLOCKED = 'markup.deleted.plumbline.status.blocked';
const PAUSED = 'keyword.control.plumbline.status.paused';
const TODO = 'entity.name.function.plumbline.status.todo';
const CANCELLED = 'markup.ignored.plumbline.status.cancelled';
const PRIORITY = (level: string) => `constant.language.plumbline.priority.${level}`;
const TASK_ID = 'constant.numeric.plumbline.task-id';
const DEPENDENCY = 'variable.other.plumbline.dependency';

interface Line {
  text: string;
  tokens: IToken[];
}

let grammar: IGrammar;

before(async () => {
  const wasm = readFileSync(path.join(root, 'node_modules/vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName) => {
      const file = grammarFiles[scopeName];
      if (file) return parseRawGrammar(readFileSync(file, 'utf8'), file);
      // An empty YAML grammar, so the markdown grammar's front-matter rule (which embeds
      // source.yaml) is kept, as it is in VS Code. Other embedded languages stay unresolved.
      if (scopeName === 'source.yaml') return parseRawGrammar('{"scopeName":"source.yaml","patterns":[]}', 'yaml.json');
      return null;
    },
    getInjections: (scopeName) => (scopeName === 'text.html.markdown' ? ['plumbline.plans.injection'] : undefined),
  });
  const loaded = await registry.loadGrammar('text.html.markdown');
  assert.ok(loaded, 'the markdown grammar did not load');
  grammar = loaded;
});

function tokenize(source: string): Line[] {
  let state = INITIAL;
  return source.split(/\r\n|\r|\n/).map((text) => {
    const result = grammar.tokenizeLine(text, state);
    state = result.ruleStack;
    return { text, tokens: result.tokens };
  });
}

const plan = (file: string) => tokenize(readFileSync(path.join(root, 'demo', file), 'utf8'));
const plumbline = (scopes: string[]) => scopes.filter((s) => s.includes('.plumbline') && !s.startsWith('meta.'));

function findLine(lines: Line[], lineContaining: string): Line {
  const line = lines.find((l) => l.text.includes(lineContaining));
  assert.ok(line, `no line contains ${JSON.stringify(lineContaining)}`);
  return line;
}

/** The Plumbline scope a user sees on `needle` (the first one after `after`) in the first line containing `lineContaining`. */
function scopeOf(lines: Line[], lineContaining: string, needle: string, after = ''): string | undefined {
  const line = findLine(lines, lineContaining);
  const start = line.text.indexOf(needle, line.text.indexOf(after) + after.length);
  assert.ok(start >= 0, `${JSON.stringify(needle)} is not in ${JSON.stringify(line.text)}`);
  const covering = line.tokens.filter((t) => t.startIndex < start + needle.length && t.endIndex > start);
  const seen = new Set(covering.map((t) => plumbline(t.scopes).join(' ')));
  assert.equal(seen.size, 1, `${JSON.stringify(needle)} is split across differently scoped tokens: ${[...seen]}`);
  return [...seen][0] || undefined;
}

function assertNoPlumblineScopes(line: Line): void {
  const found = line.tokens.flatMap((t) => t.scopes.filter((s) => s.includes('plumbline')));
  assert.deepEqual(found, [], `line ${JSON.stringify(line.text)} has Plumbline scopes`);
}

describe('the plan-token injection grammar (syntaxes/plumbline-plans.injection.tmLanguage.json)', () => {
  it('declares its scope name and injection selector', () => {
    const raw = JSON.parse(readFileSync(grammarFiles['plumbline.plans.injection']!, 'utf8'));
    assert.equal(raw.scopeName, 'plumbline.plans.injection');
    assert.match(raw.injectionSelector, /^L:text\.html\.markdown /);
    assert.equal(typeof raw.description, 'string');
  });

  it('colors status, priority and each dependency id of a task-heading field line', () => {
    const lines = tokenize('**Status**: in-progress | **Priority**: high | **Dependencies**: [1, 2] | **Estimated**: 2 days');
    const l = '**Status**';
    assert.equal(scopeOf(lines, l, 'in-progress'), IN_PROGRESS);
    assert.equal(scopeOf(lines, l, 'high'), PRIORITY('high'));
    assert.equal(scopeOf(lines, l, '1', '['), DEPENDENCY);
    assert.equal(scopeOf(lines, l, '2', ','), DEPENDENCY);
    assert.equal(scopeOf(lines, l, ','), undefined);
    assert.equal(scopeOf(lines, l, '2 days'), undefined);
    // the markdown around the values looks as before: field names stay bold
    const line = findLine(lines, l);
    for (const name of ['Status', 'Priority', 'Dependencies', 'Estimated']) {
      const start = line.text.indexOf(name);
      const token = line.tokens.find((t) => t.startIndex <= start && t.endIndex > start);
      assert.ok(token?.scopes.includes('markup.bold.markdown'), `${name} is not bold`);
    }
  });

  it('colors every status family in demo/plans/task-heading.md, and task ids in its headings', () => {
    const lines = plan('plans/task-heading.md');
    assert.equal(scopeOf(lines, '**Status**: completed', 'completed'), DONE);
    assert.equal(scopeOf(lines, '**Status**: completed', 'CRITICAL'), PRIORITY('critical'));
    assert.equal(scopeOf(lines, '**Status**: blocked', 'blocked'), BLOCKED);
    assert.equal(scopeOf(lines, '**Status**: blocked', 'medium'), PRIORITY('medium'));
    assert.equal(scopeOf(lines, '**Status**: pending', 'pending'), TODO);
    assert.equal(scopeOf(lines, '**Status**: pending', '7'), DEPENDENCY);
    assert.equal(scopeOf(lines, '### Task 3:', '3'), TASK_ID);
    assert.equal(scopeOf(lines, '### Task 3:', 'Task'), undefined);
    assert.equal(scopeOf(tokenize('### Task 12: Title'), 'Task', '12'), TASK_ID);
  });

  it('colors nothing inside a fenced code block, inline code, an HTML comment or indented code', () => {
    const lines = plan('plans/task-heading.md');
    const open = lines.findIndex((l) => l.text === '```markdown');
    const close = lines.findIndex((l, i) => i > open && l.text === '```');
    assert.ok(open >= 0 && close > open + 2, 'task-heading.md has no ```markdown block');
    assert.ok(lines.slice(open, close).some((l) => l.text.startsWith('**Status**: in-progress')));
    for (const line of lines.slice(open, close + 1)) assertNoPlumblineScopes(line);

    const other = tokenize(
      ['Inline `Status: done` and `**Status**: done`', '<!-- Status: done -->', '', '    **Status**: done', '', '~~~', 'Status: done', '~~~'].join('\n'),
    );
    for (const line of other) assertNoPlumblineScopes(line);
  });

  it('colors nothing in YAML front matter (the YAML grammar owns it)', () => {
    const lines = plan('.cursor/plans/search-ui.plan.md');
    const status = findLine(lines, 'status: completed');
    assert.ok(status.tokens.some((t) => t.scopes.includes('meta.embedded.block.frontmatter')));
    for (const line of lines) assertNoPlumblineScopes(line);
  });

  it('colors the header-block dialect (demo/plans/header-block.md)', () => {
    const lines = plan('plans/header-block.md');
    assert.equal(scopeOf(lines, 'Status: IN_PROGRESS', 'IN_PROGRESS'), IN_PROGRESS);
    assert.equal(scopeOf(lines, 'Status: TODO', 'TODO'), TODO);
    assert.equal(scopeOf(lines, 'Status: DONE', 'DONE'), DONE);
    assert.equal(scopeOf(lines, 'Priority: HIGH', 'HIGH'), PRIORITY('high'));
    assert.equal(scopeOf(lines, 'Dependencies: [Add', 'Add Offline Sync for Notes'), DEPENDENCY);
    assert.equal(scopeOf(lines, 'Dependencies: None', 'None'), undefined);
  });

  it('colors the numbered-section dialect, emoji included (demo/plans/numbered-section.md)', () => {
    const lines = plan('plans/numbered-section.md');
    assert.equal(scopeOf(lines, '✅ COMPLETED (2026-02-08)', '✅ COMPLETED'), DONE);
    assert.equal(scopeOf(lines, '✅ COMPLETED (2026-02-08)', '2026-02-08'), undefined);
    assert.equal(scopeOf(lines, '✅ COMPLETED', '🔴 CRITICAL'), PRIORITY('critical'));
    assert.equal(scopeOf(lines, '🚧 Partially Implemented', '🚧 Partially Implemented'), IN_PROGRESS);
    assert.equal(scopeOf(lines, '**Priority**: MEDIUM', '❌ Not Started'), TODO);
    assert.equal(scopeOf(lines, '#### 1.1.2. Saved Cards', '1.1.2'), TASK_ID);
  });

  it('colors table ids and status cells; the word decides over the emoji (demo/plans/table.md)', () => {
    const lines = plan('plans/table.md');
    assert.equal(scopeOf(lines, '`infra-001`', 'infra-001'), TASK_ID);
    assert.equal(scopeOf(lines, '`infra-001`', '✅ done'), DONE);
    assert.equal(scopeOf(lines, '`infra-002`', '🔄 in progress'), IN_PROGRESS);
    assert.equal(scopeOf(lines, '`qual-001`', '🔄 planned'), TODO);
    assert.equal(scopeOf(lines, '`qual-001-c`', '📋 pending'), TODO);
    assert.equal(scopeOf(lines, '`qual-001-c`', 'scripts/**'), undefined);
    const idToken = findLine(lines, '`infra-001`').tokens.find((t) => t.scopes.includes(TASK_ID));
    assert.ok(idToken?.scopes.includes('markup.inline.raw.string.markdown'), 'the id cell no longer looks like code');
  });

  it('colors explicit checklist ids and `_Depends:` lines (demo/plans/tasks.md)', () => {
    const lines = plan('plans/tasks.md');
    assert.equal(scopeOf(lines, 'T001 Create', 'T001'), TASK_ID);
    assert.equal(scopeOf(lines, '1.1 Disable', '1.1'), TASK_ID);
    assert.equal(scopeOf(lines, '1. Export button', '1'), TASK_ID);
    assert.equal(scopeOf(lines, '_Depends: 1.1_', '1.1'), DEPENDENCY);
  });

  it('accepts the other spellings of status values, case-insensitively', () => {
    const cases: [string, string, string | undefined][] = [
      ['**Status:** done', 'done', DONE],
      ['Status: 🔄 planned', '🔄 planned', TODO],
      ['status: Blocked', 'Blocked', BLOCKED],
      ['**Status**: On Hold', 'On Hold', PAUSED],
      ['**Status**: canceled', 'canceled', CANCELLED],
      ["**Status**: won't fix", "won't fix", CANCELLED],
      ['**Status**: âœ… done', 'âœ… done', DONE],
      ['**Status**: ✅', '✅', DONE],
      ['**Status**: Active Development', 'Active Development', undefined],
      ['CRLF\r\n**Status**: pending\r\n', 'pending', TODO],
    ];
    for (const [source, needle, expected] of cases) {
      assert.equal(scopeOf(tokenize(source), needle, needle), expected, source);
    }
  });
});
