import * as assert from 'node:assert/strict';
import { fromWebview, toWebview } from '../../engine/protocol/chatView';

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
    if (!parsed.ok) assert.match(parsed.error, /unknown method "deleteEverything" \(expected one of ready, showOutput, reportProblem, configureModel\)/);
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
    await fromWebview.dispatch(
      {
        ready: () => void seen.push('ready'),
        showOutput: () => void seen.push('showOutput'),
        reportProblem: ({ message }) => void seen.push(`problem:${message}`),
        configureModel: () => void seen.push('configureModel'),
      },
      parsed.message,
    );
    assert.deepEqual(seen, ['problem:hello']);
  });
});
