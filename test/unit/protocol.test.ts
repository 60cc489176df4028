import * as assert from 'node:assert/strict';
import { fromWebview, toWebview } from '../../engine/protocol/chatView';
import type { MessageHandlers } from '../../engine/protocol/messages';

describe('the webview message protocol', () => {
  it('accepts a declared message and types its params', () => {
    const parsed = fromWebview.parse({ method: 'reportProblem', params: { message: 'x' } });
    assert.deepEqual(parsed, { ok: true, message: { method: 'reportProblem', params: { message: 'x' } } });
  });

  it('rejects a value that is not a {method, params} envelope, saying so', () => {
    for (const raw of [null, 42, 'ready', [], { method: 'ready' }, { params: {} }, { method: 'ready', params: {}, extra: 1 }]) {
      const parsed = fromWebview.parse(raw);
      assert.equal(parsed.ok, false, JSON.stringify(raw));
      if (!parsed.ok) assert.match(parsed.error, /not a \{method, params\} message/);
    }
  });

  it('rejects an unknown method and names the ones it knows', () => {
    const parsed = fromWebview.parse({ method: 'deleteEverything', params: {} });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) assert.match(parsed.error, /^unknown method "deleteEverything" \(expected one of ready, showOutput, reportProblem, configureModel, newConversation, .*, openFile\)$/);
  });

  it('rejects bad params with the field that is wrong', () => {
    const parsed = fromWebview.parse({ method: 'reportProblem', params: { message: 42 } });
    assert.equal(parsed.ok, false);
    if (!parsed.ok) {
      assert.match(parsed.error, /bad params for "reportProblem"/);
      assert.match(parsed.error, /message/);
    }
    const extra = toWebview.parse({ method: 'state', params: { version: '1', workspaceName: null, admin: true } });
    assert.equal(extra.ok, false, 'unknown keys are refused, not silently dropped');
  });

  it('dispatches a parsed message to the handler of its method', async () => {
    const seen: string[] = [];
    const parsed = fromWebview.parse({ method: 'reportProblem', params: { message: 'hello' } });
    assert.ok(parsed.ok);
    // One handler per declared method, each saying which one ran.
    const handlers = Object.fromEntries(
      fromWebview.types.map((t) => [t.method, (params: { message?: string }) => void seen.push(`${t.method}:${params.message ?? ''}`)]),
    ) as unknown as MessageHandlers<typeof fromWebview.types>;
    await fromWebview.dispatch(handlers, parsed.message);
    assert.deepEqual(seen, ['reportProblem:hello']);
  });

  it('checks transcript items by kind: a tool card needs its status, an approval its decision state', () => {
    const item = (value: unknown) => toWebview.parse({ method: 'item', params: { conversationId: 'c', item: value } });
    assert.ok(item({ kind: 'tool', id: 'r:t:1', name: 'read_file', arguments: '{}', status: 'running' }).ok);
    assert.ok(item({ kind: 'approval', id: 'r:ap1', request: 'command', subject: 'npm test', reason: 'not allow-listed', status: 'pending' }).ok);
    const bad = [
      { kind: 'tool', id: 'r:t:1', name: 'read_file', arguments: '{}' },
      { kind: 'approval', id: 'r:ap1', request: 'command', subject: 'npm test', reason: '', status: 'maybe' },
      { kind: 'html', id: 'x', html: '<script>' },
      { kind: 'assistant', id: 'a', text: 'hi', streaming: false, onclick: 'x' },
    ];
    for (const value of bad) assert.equal(item(value).ok, false, JSON.stringify(value));
    assert.equal(toWebview.parse({ method: 'textDelta', params: { conversationId: 'c', text: 'x' } }).ok, false, 'a delta names its item');
    assert.equal(fromWebview.parse({ method: 'send', params: { text: '   ' } }).ok, false, 'a blank prompt is refused');
    assert.equal(fromWebview.parse({ method: 'decide', params: { id: 'r:ap1', approved: 'yes' } }).ok, false);
  });
});
