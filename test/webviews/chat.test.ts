import * as assert from 'node:assert/strict';
import { chatTitle, type ChatItem } from '../../engine/protocol/chatView';
import { closeBrowser, openWebview, type WebviewUnderTest } from './webviewPage';

const state = { method: 'state', params: { version: '9.8.7', workspaceName: 'shop' } };
const noUsage = { input: 0, output: 0, cost: 0 };
const hostile = '<img src=x onerror="window.__pwned=3">';

function conversation(items: ChatItem[], over: { id?: string; running?: boolean } = {}) {
  return { method: 'conversation', params: { id: over.id ?? 'c1', title: 'First', items, running: over.running ?? false, usage: noUsage } };
}
const conversations = {
  method: 'conversations',
  params: {
    items: [
      { id: 'c1', title: 'First', updatedAt: 2 },
      { id: 'c2', title: 'Second', updatedAt: 1 },
    ],
    activeId: 'c1',
  },
};

/** One item of every kind, as a host would send them. */
const everyKind: ChatItem[] = [
  { kind: 'user', id: 'u1', text: `Add a retry to the webhook ${hostile}` },
  { kind: 'assistant', id: 'a1', text: 'I will **edit** `src/hook.ts`.', streaming: false },
  {
    kind: 'tool', id: 't1', name: 'edit_file', arguments: '{"path":"src/hook.ts","oldText":"a","newText":"b"}', status: 'ok',
    result: `replaced 1 occurrence ${hostile}`, durationMs: 1234, edit: { runId: 'r1', file: 'src/hook.ts', findings: 2 },
  },
  { kind: 'tool', id: 't2', name: 'run_command', arguments: 'not json {', status: 'running' },
  { kind: 'approval', id: 'p1', request: 'command', subject: 'npm test', reason: 'Runs the test suite', status: 'pending' },
  { kind: 'approval', id: 'p2', request: 'edit', subject: '.github/workflows/ci.yml', reason: 'Protected path', status: 'denied' },
  { kind: 'question', id: 'q1', question: 'Which branch?' },
  { kind: 'question', id: 'q2', question: 'Keep the old name?', answer: 'yes' },
  { kind: 'notice', id: 'n1', level: 'warning', text: 'Retrying after a timeout' },
  { kind: 'result', id: 'r1', runId: 'r1', state: 'done', summary: 'Added retries', steps: 3, tokens: 1234, cost: 0.0123 },
  { kind: 'result', id: 'r2', runId: 'r2', state: 'failed', error: 'connection refused', steps: 1, tokens: 50, cost: 0 },
];

describe('the Chat webview in Chromium', () => {
  let view: WebviewUnderTest;
  const item = (id: string) => view.page.locator(`plumbline-transcript [data-item-id="${id}"]`);
  /** An item's text as shown, including what its element renders in its shadow root (innerText stops there). */
  const text = (id: string) =>
    item(id).evaluate((wrapper) => {
      const parts: string[] = [];
      for (const child of wrapper.children) {
        if (!child.shadowRoot) parts.push((child as HTMLElement).innerText);
        else for (const inner of child.shadowRoot.children) parts.push((inner as HTMLElement).innerText ?? '');
      }
      return parts.join(' ').replace(/\s+/g, ' ').trim();
    });
  const posted = async () => (await view.posted()).slice(1);
  const last = async () => (await view.posted()).at(-1);
  const problems = async () => (await view.posted()).filter((m) => (m as { method: string }).method === 'reportProblem');
  /** The focused element through shadow roots, as "tag.class1.class2". */
  const focused = () =>
    view.page.evaluate(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el ? [el.tagName.toLowerCase(), ...el.classList].join('.') : '';
    });
  /** Presses Tab until the focused element matches `selector` (fails after `max` presses): what keyboard-only people do. */
  async function tabTo(selector: string, max = 40): Promise<void> {
    const seen: string[] = [];
    for (let i = 0; i < max; i++) {
      await view.page.keyboard.press('Tab');
      const matches = await view.page.evaluate((s) => {
        let el = document.activeElement;
        while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
        return el?.matches(s) ?? false;
      }, selector);
      if (matches) return;
      seen.push(await focused());
    }
    assert.fail(`Tab never reached ${selector}; it went through ${seen.join(' → ')}`);
  }

  beforeEach(async () => {
    view = await openWebview('chat', chatTitle);
    await view.page.locator('[data-testid=meta]').waitFor();
  });
  afterEach(() => view.close());
  after(() => closeBrowser());

  it('renders its empty state and asks the host for state with `ready`', async () => {
    await assert.doesNotReject(view.page.getByText('Chat with an agent about your plans').waitFor());
    assert.deepEqual(await view.posted(), [{ method: 'ready', params: {} }]);
    assert.equal(await view.page.locator('[data-testid=meta]').innerText(), 'Connecting…');
  });

  it('shows what the host sends', async () => {
    await view.fromHost(state);
    await view.page.getByText('Plumbline 9.8.7 · shop').waitFor();
  });

  it('offers the model choices when none is configured, and names the model once one is', async () => {
    await view.fromHost({ method: 'modelStatus', params: { configured: false } });
    await view.page.getByText('No model configured').waitFor();
    assert.deepEqual(await view.page.locator('vscode-button[data-choice]').evaluateAll((els) => els.map((e) => e.getAttribute('data-choice'))), [
      'ollama', 'openai', 'anthropic',
    ]);
    await view.fromHost({ method: 'modelStatus', params: { configured: false, languageModels: true } });
    await view.page.locator('vscode-button[data-choice="vscode-lm"]').waitFor();
    for (const label of ['Local Ollama', 'OpenAI-compatible', 'Anthropic']) await view.page.getByText(label).first().waitFor();
    await view.page.locator('vscode-button[data-choice="ollama"]').click();
    assert.deepEqual(await last(), { method: 'configureModel', params: { choice: 'ollama' } });

    await view.fromHost({ method: 'modelStatus', params: { configured: true, description: 'test-model at http://localhost:11434/v1' } });
    await view.page.getByText('Agents use test-model at http://localhost:11434/v1').waitFor();
    assert.equal(await view.page.getByText('No model configured').count(), 0);
    await view.page.getByText('Change Model').click();
    assert.deepEqual(await last(), { method: 'configureModel', params: {} });
  });

  it('renders every kind of item, and a tool card opens from the keyboard to its arguments and result', async () => {
    await view.fromHost(conversation(everyKind));
    await item('r2').waitFor();
    assert.deepEqual(
      await view.page.locator('plumbline-transcript [data-item-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-kind'))),
      everyKind.map((i) => i.kind),
    );
    assert.match(await text('u1'), /Add a retry to the webhook <img src=x onerror="window.__pwned=3">/);
    assert.equal(await text('a1'), 'Agent: I will edit src/hook.ts.');
    assert.equal(await item('a1').locator('strong').innerText(), 'edit');
    assert.match(await text('t1'), /^edit_file src\/hook\.ts succeeded 1\.2 s src\/hook\.ts Open diff 2 findings$/);
    assert.match(await text('t2'), /^run_command not json \{ running$/);
    assert.equal(await item('p1').locator('code').innerText(), 'npm test');
    assert.match(await text('p1'), /Runs the test suite Approve Deny/);
    assert.match(await text('p2'), /\.github\/workflows\/ci\.yml Protected path Denied$/);
    assert.equal(await item('p2').locator('vscode-button').count(), 0);
    assert.match(await text('q1'), /Which branch\? Answer$/);
    assert.equal(await text('q2'), 'Keep the old name? Your answer: yes');
    assert.equal(await item('q2').locator('vscode-textfield').count(), 0);
    assert.equal(await text('n1'), 'Warning: Retrying after a timeout');
    assert.equal(await text('r1'), 'Done Added retries 3 steps · 1,234 tokens · $0.0123');
    assert.equal(await text('r2'), 'Failed connection refused 1 step · 50 tokens', 'no cost when there was none');
    assert.equal(await view.page.locator('plumbline-transcript img').count(), 0);

    const toggle = item('t1').locator('button.toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.focus();
    await view.page.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await item('t1').locator('pre.arguments').innerText(), '{\n  "path": "src/hook.ts",\n  "oldText": "a",\n  "newText": "b"\n}');
    assert.equal(await item('t1').locator('pre.result').innerText(), `replaced 1 occurrence ${hostile}`);
    await view.page.keyboard.press('Space');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await item('t1').locator('pre').count(), 0);

    await item('t2').locator('button.toggle').click();
    assert.equal(await item('t2').locator('pre.arguments').innerText(), 'not json {', 'arguments that are not JSON are shown as sent');
    assert.match(await text('t2'), /Running…$/);

    await item('t1').locator('button.file').click();
    await item('t1').locator('vscode-button.open-diff').click();
    assert.deepEqual((await posted()).slice(-2), [
      { method: 'openFile', params: { file: 'src/hook.ts' } },
      { method: 'openDiff', params: { runId: 'r1', file: 'src/hook.ts' } },
    ]);
  });

  it('works from the keyboard only: approve, answer, send (Shift+Enter is a new line), stop', async () => {
    await view.fromHost(conversation(everyKind));
    await item('r2').waitFor();
    await tabTo('vscode-button.approve');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'decide', params: { id: 'p1', approved: true } });

    await tabTo('input');
    assert.equal(await view.page.evaluate(() => document.activeElement?.shadowRoot?.activeElement?.tagName), 'PLUMBLINE-TRANSCRIPT');
    await view.page.keyboard.type('main');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'answer', params: { id: 'q1', text: 'main' } });
    assert.match(await text('q1'), /Your answer: main$/);

    await tabTo('textarea');
    await view.page.keyboard.press('Enter');
    await view.page.keyboard.type('  ');
    await view.page.keyboard.press('Enter');
    await view.page.keyboard.press('Control+A');
    await view.page.keyboard.type('Add retries');
    await view.page.keyboard.press('Shift+Enter');
    await view.page.keyboard.type('with backoff');
    assert.equal((await last() as { method: string }).method, 'answer', 'blank text and Shift+Enter send nothing');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'send', params: { text: 'Add retries\nwith backoff' } });
    assert.equal(await view.page.locator('plumbline-composer textarea').inputValue(), '', 'the composer is cleared');

    await view.fromHost({ method: 'runStatus', params: { conversationId: 'c1', running: true, usage: { input: 1234, output: 567, cost: 0.0123 } } });
    await view.page.locator('vscode-button.stop').waitFor();
    assert.equal(await view.page.locator('vscode-button.send').count(), 0, 'Stop takes the place of Send');
    assert.match(await view.page.locator('[data-testid=usage]').innerText(), /1,234 in · 567 out · \$0\.0123$/);
    await view.page.keyboard.type('next');
    await view.page.keyboard.press('Enter');
    assert.equal((await last() as { method: string }).method, 'send', 'no sending while the run goes');
    await tabTo('vscode-button.stop');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'stop', params: {} });

    // Another conversation's run does not touch this one's Stop or counter.
    await view.fromHost({ method: 'runStatus', params: { conversationId: 'c2', running: false, usage: noUsage } });
    await view.fromHost({ method: 'runStatus', params: { conversationId: 'c1', running: false, usage: { input: 2000, output: 600, cost: 1.5 } } });
    await view.page.locator('vscode-button.send').waitFor();
    assert.equal(await focused(), 'vscode-button.action.send', 'focus moves from Stop to Send when the run ends');
    assert.match(await view.page.locator('[data-testid=usage]').innerText(), /2,000 in · 600 out · \$1\.50$/);
  });

  it('moves focus to a new approval, unless the person is typing; it is announced either way', async () => {
    const approval = (id: string): ChatItem => ({ kind: 'approval', id, request: 'command', subject: `rm -rf ${id}`, reason: 'cleanup', status: 'pending' });
    await view.fromHost(conversation([{ kind: 'user', id: 'u1', text: 'Clean up' }]));
    await item('u1').waitFor();
    await view.fromHost({ method: 'item', params: { conversationId: 'c1', item: approval('p1') } });
    await view.page.waitForFunction(() => {
      let el = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el?.classList.contains('approve');
    });
    assert.equal(await view.page.locator('plumbline-chat [aria-live=assertive]').innerText(), 'The agent asks for approval: run rm -rf p1');

    await view.page.locator('plumbline-composer textarea').focus();
    await view.page.keyboard.type('still typ');
    await view.fromHost({ method: 'item', params: { conversationId: 'c1', item: approval('p2') } });
    await view.page.locator('plumbline-chat [aria-live=assertive]').getByText('rm -rf p2').waitFor();
    assert.equal(await focused(), 'textarea');
    await view.page.keyboard.type('ing');
    assert.equal(await view.page.locator('plumbline-composer textarea').inputValue(), 'still typing');
  });

  it('renders a 2,000 tokens/s stream with every token, in order', async function () {
    await view.fromHost(conversation([{ kind: 'assistant', id: 's1', text: '', streaming: true }]));
    await item('s1').waitFor();
    // No named functions in here: the test's compiler would wrap them in a helper the page lacks.
    const result = await view.page.evaluate(async () => {
      const markdown = document.querySelector('plumbline-chat')?.shadowRoot?.querySelector('plumbline-transcript')?.shadowRoot
        ?.querySelector('[data-item-id="s1"] plumbline-assistant-message')?.shadowRoot?.querySelector('.markdown');
      if (!markdown) throw new Error('no assistant message on screen');
      // Renders of the message (each replaces its content: one mutation batch) against frames drawn.
      let renders = 0;
      let frames = 0;
      let streaming = true;
      new MutationObserver(() => renders++).observe(markdown, { childList: true });
      void (async () => {
        while (streaming) {
          await new Promise((resolve) => requestAnimationFrame(resolve));
          frames++;
        }
      })();
      const start = performance.now();
      for (let batch = 0; batch < 100; batch++) {
        for (let k = 0; k < 20; k++) {
          const n = batch * 20 + k;
          window.postMessage({ method: 'textDelta', params: { conversationId: 'c1', itemId: 's1', text: `t${n} ` } }, '*');
        }
        if (batch < 99) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      const sent = performance.now() - start;
      // Bounded, so a lost token fails the assertion below with a diff instead of timing out.
      while (!/\bt1999\b/.test(markdown.textContent ?? '') && performance.now() - start < 10_000) {
        await new Promise((resolve) => requestAnimationFrame(resolve));
      }
      streaming = false;
      return { sent, settled: performance.now() - start, text: markdown.textContent ?? '', renders, frames };
    });
    const expected = Array.from({ length: 2000 }, (_, i) => `t${i}`);
    assert.deepEqual(result.text.trim().split(/\s+/), expected);
    assert.ok(result.renders <= result.frames + 1, `${result.renders} renders in ${result.frames} frames: at most one per frame`);
    assert.ok(result.renders > 1, 'the text appears while it streams, not only at the end');
    const after = (result.settled - result.sent).toFixed(0);
    console.log(`      2,000 deltas sent over ${result.sent.toFixed(0)} ms; all on screen ${result.settled.toFixed(0)} ms after the first, ${after} ms after the last; ${result.renders} renders in ${result.frames} frames`);
    if (this.test) this.test.title += ` (settled ${after} ms after the last delta)`;

    await view.fromHost({ method: 'item', params: { conversationId: 'c1', item: { kind: 'assistant', id: 's1', text: `${expected.join(' ')} `, streaming: false } } });
    await item('s1').locator('.markdown[aria-busy=false]').waitFor();
    assert.deepEqual((await item('s1').locator('.markdown').innerText()).trim().split(/\s+/), expected);
    assert.deepEqual(await problems(), []);
  });

  it('keeps hostile markdown inert: no HTML, no images, no links but http(s) and mailto', async () => {
    const requests: string[] = [];
    view.page.on('request', (r) => requests.push(r.url()));
    const markdown = [
      'raw <img src=x onerror="window.__pwned=2"> and <script>window.__pwned=1</script>',
      '![x](https://evil.example/i.png) [click](command:workbench.action.terminal.new) [js](javascript:alert(1))',
      '<a href="https://evil.example">evil</a> [ok](https://example.com) [rel](./notes.md) [f](file:///etc/passwd) [v](vscode://settings)',
      '[d](data:text/html,<b>x</b>) <javascript:alert(2)>',
    ].join('\n\n');
    await view.fromHost(state);
    await view.fromHost(conversation([{ kind: 'assistant', id: 'h1', text: markdown, streaming: false }]));
    await item('h1').getByText('[image: x]').waitFor();
    assert.equal(await view.page.locator('plumbline-chat img').count(), 0);
    assert.deepEqual(await view.page.locator('plumbline-transcript a').evaluateAll((as) => as.map((a) => a.getAttribute('href'))), ['https://example.com']);
    const shown = await text('h1');
    for (const literal of ['<img src=x onerror="window.__pwned=2">', '<script>window.__pwned=1</script>', '[click](command:workbench.action.terminal.new)', '[js](javascript:alert(1))', '<a href="https://evil.example">', '[rel](./notes.md)']) {
      assert.ok(shown.includes(literal), `${literal} shown as text in: ${shown}`);
    }
    await view.page.waitForTimeout(200);
    assert.equal(await view.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(requests.filter((u) => u.includes('evil.example') || new URL(u).pathname === '/x'), []);
    assert.deepEqual(await view.violations(), []);
  });

  it('highlights code blocks, and shows a block in an unknown language as plain code', async () => {
    const markdown = "```ts\nconst n: number = 1; // one\nfunction f() { return 'a'; }\n```\n\n```nosuchlang\n<b>plain</b> code\n```\n\n```python\ndef f():\n    return None\n```";
    await view.fromHost(conversation([{ kind: 'assistant', id: 'c', text: markdown, streaming: false }]));
    const blocks = item('c').locator('pre');
    await blocks.nth(2).waitFor();
    assert.ok((await blocks.nth(0).locator('.hljs-keyword').allInnerTexts()).includes('const'));
    assert.equal(await blocks.nth(0).locator('.hljs-comment').innerText(), '// one');
    assert.equal(await blocks.nth(0).locator('.hljs-string').innerText(), "'a'");
    assert.equal((await blocks.nth(1).innerText()).trim(), '<b>plain</b> code');
    assert.equal(await blocks.nth(1).locator('b, [class^=hljs-]').count(), 0);
    assert.ok((await blocks.nth(2).locator('.hljs-keyword').allInnerTexts()).includes('def'));
    assert.deepEqual(await view.violations(), []);
  });

  it('picks, creates, renames and deletes conversations, and ignores other conversations’ items', async () => {
    await view.fromHost(conversations);
    await view.fromHost(conversation([{ kind: 'user', id: 'u1', text: 'Hello' }]));
    await item('u1').waitFor();

    await view.page.locator('vscode-button.new').click();
    assert.deepEqual(await last(), { method: 'newConversation', params: {} });

    const picker = view.page.locator('vscode-single-select.picker');
    await picker.focus();
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('ArrowDown');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'selectConversation', params: { id: 'c2' } });

    await view.page.locator('vscode-button.rename').focus();
    await view.page.keyboard.press('Enter');
    assert.equal(await focused(), 'input');
    assert.equal(await view.page.locator('vscode-textfield.rename-field input').inputValue(), 'First');
    await view.page.keyboard.type('Webhook retries');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'renameConversation', params: { id: 'c1', title: 'Webhook retries' } });
    assert.equal(await focused(), 'vscode-button.rename', 'focus goes back to Rename');
    await view.page.keyboard.press('Enter');
    await view.page.keyboard.type('Never mind');
    await view.page.keyboard.press('Escape');
    assert.equal(await view.page.locator('vscode-textfield.rename-field').count(), 0);
    assert.equal((await last() as { method: string }).method, 'renameConversation', 'Escape renames nothing');

    await view.fromHost({ ...conversations, params: { ...conversations.params, items: [{ id: 'c1', title: 'Webhook retries', updatedAt: 3 }, conversations.params.items[1]] } });
    await view.page.locator('vscode-single-select.picker vscode-option[value=c1]', { hasText: 'Webhook retries' }).waitFor({ state: 'attached' });

    await view.page.locator('vscode-button.delete').click();
    assert.deepEqual(await last(), { method: 'deleteConversation', params: { id: 'c1' } });

    await view.fromHost({ method: 'item', params: { conversationId: 'c2', item: { kind: 'user', id: 'other', text: 'Not here' } } });
    await view.fromHost({ method: 'textDelta', params: { conversationId: 'c2', itemId: 'u1', text: 'nor here' } });
    await view.fromHost({ method: 'item', params: { conversationId: 'c1', item: { kind: 'user', id: 'u2', text: 'Here' } } });
    await item('u2').waitFor();
    assert.equal(await item('other').count(), 0);
    assert.equal(await text('u1'), 'You: Hello');
  });

  it('restores the draft, the open tool cards and the scroll position when shown again', async () => {
    const many: ChatItem[] = Array.from({ length: 60 }, (_, i) => ({ kind: 'user', id: `m${i}`, text: `Message ${i}` }));
    const snapshot = conversation([...many, everyKind[2], { kind: 'user', id: 'end', text: 'The end' }]);
    await view.fromHost(conversations);
    await view.fromHost(snapshot);
    await item('end').waitFor();
    await item('t1').locator('button.toggle').click();
    await view.page.locator('plumbline-composer textarea').fill('half a thought');
    const log = view.page.locator('plumbline-transcript .log');
    await log.evaluate((el) => (el.scrollTop = 500));
    await view.page.waitForFunction(() => (window as unknown as { __state?: { scroll?: { top: number } } }).__state?.scroll?.top === 500);
    const saved = await view.state();
    await view.close();

    view = await openWebview('chat', chatTitle, { initialState: saved });
    await view.page.locator('[data-testid=meta]').waitFor();
    assert.deepEqual((await view.posted())[0], { method: 'ready', params: {} }, '`ready` still comes first');
    assert.equal(await view.page.locator('plumbline-composer textarea').inputValue(), 'half a thought', 'the draft is back before the host answers');
    await view.fromHost(conversations);
    await view.fromHost(snapshot);
    await item('end').waitFor();
    assert.equal(await item('t1').locator('button.toggle').getAttribute('aria-expanded'), 'true');
    await item('t1').locator('pre.arguments').waitFor();
    await view.page.waitForFunction(() => {
      const el = document.querySelector('plumbline-chat')?.shadowRoot?.querySelector('plumbline-transcript')?.shadowRoot?.querySelector('.log');
      return el?.scrollTop === 500;
    });
  });

  it('rejects host messages of the wrong shape, reports them, and keeps working', async () => {
    const warnings: string[] = [];
    view.page.on('console', (m) => m.type() === 'warning' && warnings.push(m.text()));
    await view.fromHost({ method: 'state', params: { version: 3 } });
    await view.fromHost({ method: 'launchMissiles', params: {} });
    await view.fromHost('<img src=x onerror=alert(1)>');
    await view.fromHost(conversation([{ kind: 'assistant', id: 'a1', text: 'Hel', streaming: true }, { kind: 'notice', id: 'n1', level: 'info', text: 'note' }]));
    await item('a1').waitFor();
    await view.fromHost({ method: 'item', params: { conversationId: 'c1', item: { kind: 'bogus', id: 'b1', text: 'x' } } });
    await view.fromHost({ method: 'textDelta', params: { conversationId: 'c1', text: 'lost?' } });
    await view.fromHost({ method: 'item', params: { conversationId: 'c1', item: { kind: 'user', id: 'u9', text: 'x', extra: true } } });
    await view.fromHost({ method: 'textDelta', params: { conversationId: 'c1', itemId: 'n1', text: 'into a notice' } });
    await view.fromHost({ method: 'textDelta', params: { conversationId: 'c1', itemId: 'a1', text: 'lo' } });
    await item('a1').getByText('Hello').waitFor();

    const reported = JSON.stringify(await problems());
    assert.equal((await problems()).length, 7, reported);
    assert.match(reported, /bad params for \\"state\\"/);
    assert.match(reported, /unknown method \\"launchMissiles\\"/);
    assert.match(reported, /bad params for \\"item\\"/);
    assert.match(reported, /bad params for \\"textDelta\\".*itemId/);
    assert.match(reported, /item \\"n1\\", which is a notice item/);
    assert.equal(warnings.length, 6, 'every rejected message is logged');
    assert.equal(await view.page.locator('[data-testid=meta]').innerText(), 'Connecting…', 'nothing half-applied');
    assert.equal(await item('b1').count(), 0);
    assert.equal(await item('u9').count(), 0);
    assert.equal(await text('n1'), 'Note: note');

    await view.fromHost(state);
    await view.page.getByText('Plumbline 9.8.7 · shop').waitFor();
  });

  it('"Show Output" works from the keyboard', async () => {
    await tabTo('vscode-button.show-output');
    await view.page.keyboard.press('Enter');
    assert.deepEqual(await last(), { method: 'showOutput', params: {} });
  });

  it('runs under the strict CSP: nothing blocked while rendering, an injected inline script blocked', async () => {
    await view.fromHost(state);
    await view.fromHost({ method: 'modelStatus', params: { configured: false, languageModels: true } });
    await view.fromHost(conversations);
    await view.fromHost(conversation(everyKind, { running: true }));
    await view.page.getByText('Plumbline 9.8.7 · shop').waitFor();
    await item('r2').waitFor();
    await item('t1').locator('button.toggle').click();
    await view.page.waitForTimeout(100);
    assert.deepEqual(await view.violations(), []);
    const ran = await view.page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.__injected = true';
      document.body.append(script);
      return (window as unknown as { __injected?: boolean }).__injected === true;
    });
    assert.equal(ran, false);
    const violations = await view.violations();
    assert.equal(violations.length, 1);
    assert.match(violations[0], /^script-src/);
  });
});
