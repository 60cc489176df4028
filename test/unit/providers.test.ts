import * as assert from 'node:assert/strict';
import type { ChatMessage, ModelEvent, ModelRequest, Provider, ToolSpec } from '../../engine/agent/model';
import { ProviderError } from '../../engine/agent/model';
import { createProvider } from '../../engine/agent/providers';
import { reply, startProviderServer, type ProviderServer } from '../fixtures/providerServer';

const readFileTool: ToolSpec = {
  name: 'read_file',
  description: 'Reads a file of the workspace.',
  parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

function request(overrides: Partial<ModelRequest> = {}): ModelRequest {
  return {
    model: 'scripted-model',
    system: 'You are a careful engineer.',
    messages: [{ role: 'user', content: 'Hello' }],
    tools: [readFileTool],
    signal: new AbortController().signal,
    ...overrides,
  };
}

async function collect(provider: Provider, req: ModelRequest = request()): Promise<ModelEvent[]> {
  const events: ModelEvent[] = [];
  for await (const event of provider.stream(req)) events.push(event);
  return events;
}

async function failure(provider: Provider, req: ModelRequest = request()): Promise<ProviderError> {
  try {
    await collect(provider, req);
  } catch (error) {
    assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
    return error;
  }
  assert.fail('the stream ended without an error');
}

const texts = (events: ModelEvent[]): string[] => events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
const calls = (events: ModelEvent[]) => events.flatMap((e) => (e.type === 'tool-call' ? [e.call] : []));

/** A turn that called a tool and got a result back, as the run loop sends it. */
const history: ChatMessage[] = [
  { role: 'user', content: 'Read a.txt and b.txt' },
  {
    role: 'assistant',
    content: 'Reading both.',
    toolCalls: [
      { id: 'call-a', name: 'read_file', arguments: '{"path":"a.txt"}' },
      { id: 'call-b', name: 'read_file', arguments: '{"path":"b.txt"}' },
    ],
  },
  { role: 'tool', toolCallId: 'call-a', name: 'read_file', content: 'alpha' },
  { role: 'tool', toolCallId: 'call-b', name: 'read_file', content: 'no such file: b.txt', isError: true },
];

for (const kind of ['openai', 'anthropic'] as const) {
  describe(`the ${kind} provider against a real local server`, () => {
    let server: ProviderServer;
    let provider: Provider;

    const providerWith = (timeoutMs?: number): Provider =>
      createProvider({
        kind,
        baseUrl: kind === 'openai' ? server.openaiBaseUrl : server.anthropicBaseUrl,
        model: 'scripted-model',
        apiKey: kind === 'openai' ? '' : 'test-key',
        ...(timeoutMs !== undefined && { timeoutMs }),
      });

    beforeEach(async () => {
      server = await startProviderServer();
      provider = providerWith();
    });

    afterEach(async () => {
      await server.close();
    });

    it('streams text in order and complete, then usage and done', async () => {
      server.script(reply.text(['The ', 'plan ', 'is ', 'true.'], { delayMs: 5, usage: { input: 42, output: 7 } }));
      const events = await collect(provider);
      assert.deepEqual(texts(events), ['The ', 'plan ', 'is ', 'true.']);
      assert.deepEqual(events.slice(-2), [
        { type: 'usage', usage: { input: 42, output: 7 } },
        { type: 'done', stopReason: 'end' },
      ]);
      assert.equal(events.filter((e) => e.type === 'done').length, 1);
    });

    it('assembles fragmented tool-call arguments into complete calls with the exact JSON text', async () => {
      server.script(
        reply.toolCalls(
          [
            { id: 'c1', name: 'read_file', fragments: ['{"pa', 'th": "src/', 'a.ts"', '}'] },
            { id: 'c2', name: 'read_file', fragments: ['{"path":', ' "b.md"}'] },
          ],
          { text: ['Let me look.'] },
        ),
      );
      const events = await collect(provider);
      assert.deepEqual(texts(events), ['Let me look.']);
      assert.deepEqual(calls(events), [
        { id: 'c1', name: 'read_file', arguments: '{"path": "src/a.ts"}' },
        { id: 'c2', name: 'read_file', arguments: '{"path": "b.md"}' },
      ]);
      assert.deepEqual(events.at(-1), { type: 'done', stopReason: 'tool-calls' });
    });

    it('passes invalid JSON arguments through as raw text instead of throwing', async () => {
      server.script(reply.toolCalls([{ id: 'bad', name: 'read_file', fragments: ['{"path": ', '"unterminated'] }]));
      const events = await collect(provider);
      assert.deepEqual(calls(events), [{ id: 'bad', name: 'read_file', arguments: '{"path": "unterminated' }]);
    });

    it('maps a length stop to max-tokens', async () => {
      server.script(reply.text(['cut by the limit'], { stopReason: 'max-tokens' }));
      assert.deepEqual((await collect(provider)).at(-1), { type: 'done', stopReason: 'max-tokens' });
    });

    it('classifies 429 with Retry-After as rate-limited, retryable, with the delay', async () => {
      server.script(reply.error(429, { retryAfter: '2' }));
      const error = await failure(provider);
      assert.equal(error.kind, 'rate-limited');
      assert.equal(error.status, 429);
      assert.equal(error.retryable, true);
      assert.equal(error.retryAfterMs, 2000);
      assert.equal(server.requests.length, 1, 'the SDK must not retry by itself');
    });

    it('reads retry-after-ms and an HTTP-date Retry-After', async () => {
      server.script(reply.error(503, { headers: { 'retry-after-ms': '1500' } }), reply.error(429, { retryAfter: new Date(Date.now() + 30_000).toUTCString() }));
      const unavailable = await failure(provider);
      assert.equal(unavailable.kind, 'server');
      assert.equal(unavailable.retryAfterMs, 1500);
      const limited = await failure(provider);
      assert.ok(limited.retryAfterMs !== undefined && limited.retryAfterMs > 20_000 && limited.retryAfterMs <= 30_000, String(limited.retryAfterMs));
    });

    it('classifies an error sent inside the stream by its type', async () => {
      const overloaded = kind === 'openai' ? 'server_error' : 'overloaded_error';
      server.script(
        reply.text(['partial'], { streamError: { after: 2, type: overloaded } }),
        reply.text(['partial'], { streamError: { after: 2, type: 'invalid_request_error' } }),
      );
      const failed = await failure(provider);
      assert.equal(failed.kind, 'server');
      assert.equal(failed.retryable, true);
      assert.equal((await failure(provider)).kind, 'bad-request');
    });

    it('classifies 500 as a retryable server error', async () => {
      server.script(reply.error(500));
      const error = await failure(provider);
      assert.equal(error.kind, 'server');
      assert.equal(error.retryable, true);
      assert.equal(server.requests.length, 1, 'the SDK must not retry by itself');
    });

    it('classifies 401 as auth, not retryable, and another 4xx as bad-request', async () => {
      server.script(reply.error(401), reply.error(400));
      const auth = await failure(provider);
      assert.equal(auth.kind, 'auth');
      assert.equal(auth.retryable, false);
      const bad = await failure(provider);
      assert.equal(bad.kind, 'bad-request');
      assert.equal(bad.retryable, false);
    });

    it('classifies a stream cut mid-answer as stream-cut, retryable', async () => {
      server.script(reply.cut(3));
      const error = await failure(provider);
      assert.equal(error.kind, 'stream-cut');
      assert.equal(error.retryable, true);
    });

    it('classifies a stream that ends cleanly before the answer is finished as stream-cut', async () => {
      server.script(reply.text(['half', 'way'], { endAfter: 3 }));
      assert.equal((await failure(provider)).kind, 'stream-cut');
    });

    it('times out a stall after the headers within the configured timeout', async () => {
      server.script(reply.stall());
      const error = await failure(providerWith(300));
      assert.equal(error.kind, 'timeout');
      assert.equal(error.retryable, true);
    });

    it('times out a server that sends no headers at all, and one that stalls mid-stream', async () => {
      server.script(reply.hang(), reply.text(['a', 'b', 'c'], { stallAfter: 3 }));
      const short = providerWith(300);
      assert.equal((await failure(short)).kind, 'timeout');
      assert.equal((await failure(short)).kind, 'timeout');
    });

    it('does not count a slow consumer against the timeout', async () => {
      server.script(reply.text(['one', 'two'], { delayMs: 10 }));
      const events: ModelEvent[] = [];
      for await (const event of providerWith(200).stream(request())) {
        events.push(event);
        if (event.type === 'text') await new Promise((resolve) => setTimeout(resolve, 400));
      }
      assert.deepEqual(texts(events), ['one', 'two']);
    });

    it('ends promptly with aborted when the signal fires mid-stream', async () => {
      server.script(reply.text(Array.from({ length: 200 }, (_, i) => `t${i} `), { delayMs: 50 }));
      const controller = new AbortController();
      const seen: string[] = [];
      let abortedAt = 0;
      const error = await (async () => {
        try {
          for await (const event of provider.stream(request({ signal: controller.signal }))) {
            if (event.type === 'text') seen.push(event.text);
            if (seen.length === 2 && abortedAt === 0) {
              abortedAt = Date.now();
              controller.abort();
            }
          }
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      assert.ok(error instanceof ProviderError, `expected a ProviderError, got ${String(error)}`);
      assert.equal(error.kind, 'aborted');
      assert.equal(error.retryable, false);
      assert.ok(Date.now() - abortedAt < 1000, 'a stop takes effect within one second');
      assert.ok(seen.length < 10);
    });

    it('fails at once with aborted when the signal fired before the request', async () => {
      const controller = new AbortController();
      controller.abort();
      server.script(reply.text(['never']));
      assert.equal((await failure(provider, request({ signal: controller.signal }))).kind, 'aborted');
    });

    it('classifies an unreachable server as network, retryable', async () => {
      const { url } = server;
      await server.close();
      const unreachable = createProvider({ kind, baseUrl: kind === 'openai' ? `${url}/v1` : url, model: 'm', apiKey: 'k' });
      const error = await failure(unreachable);
      assert.equal(error.kind, 'network');
      assert.equal(error.retryable, true);
      server = await startProviderServer();
    });
  });
}

describe('what the providers send', () => {
  let server: ProviderServer;

  beforeEach(async () => {
    server = await startProviderServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('OpenAI: system message, function tools, assistant tool calls and tool results, usage requested', async () => {
    server.script(reply.text(['ok']));
    const provider = createProvider({ kind: 'openai', baseUrl: server.openaiBaseUrl, model: 'gpt-test', apiKey: '' });
    await collect(provider, request({ messages: history, maxTokens: 500, model: '' }));
    const [sent] = server.requests;
    assert.ok(sent?.protocol === 'openai');
    assert.equal(sent.headers.authorization, 'Bearer no-key', 'a keyless local server still gets a placeholder key');
    assert.equal(sent.body.model, 'gpt-test', 'the configured model when the request names none');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.stream_options, { include_usage: true });
    assert.equal(sent.body.max_tokens, 500, 'a compatible server gets max_tokens');
    assert.deepEqual(sent.body.tools, [{ type: 'function', function: { name: 'read_file', description: readFileTool.description, parameters: readFileTool.parameters } }]);
    assert.deepEqual(sent.body.messages, [
      { role: 'system', content: 'You are a careful engineer.' },
      { role: 'user', content: 'Read a.txt and b.txt' },
      {
        role: 'assistant',
        content: 'Reading both.',
        tool_calls: [
          { id: 'call-a', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } },
          { id: 'call-b', type: 'function', function: { name: 'read_file', arguments: '{"path":"b.txt"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call-a', content: 'alpha' },
      { role: 'tool', tool_call_id: 'call-b', content: 'no such file: b.txt' },
    ]);
  });

  it('Anthropic: system prompt, tools with input_schema, tool_use and tool_result blocks in one user turn', async () => {
    server.script(reply.text(['ok']));
    const provider = createProvider({ kind: 'anthropic', baseUrl: server.anthropicBaseUrl, model: 'claude-test', apiKey: 'sk-test' });
    await collect(provider, request({ messages: [...history, { role: 'user', content: 'Go on.' }] }));
    const [sent] = server.requests;
    assert.ok(sent?.protocol === 'anthropic');
    // The SDK sends the key as x-api-key or, since 1.x, as a bearer token.
    assert.ok(sent.headers['x-api-key'] === 'sk-test' || sent.headers.authorization === 'Bearer sk-test');
    assert.equal(sent.body.model, 'scripted-model', 'the request names the model');
    assert.equal(sent.body.stream, true);
    assert.equal(sent.body.system, 'You are a careful engineer.');
    assert.equal(sent.body.max_tokens, 8192);
    assert.deepEqual(sent.body.tools, [{ name: 'read_file', description: readFileTool.description, input_schema: readFileTool.parameters }]);
    assert.deepEqual(sent.body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Read a.txt and b.txt' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Reading both.' },
          { type: 'tool_use', id: 'call-a', name: 'read_file', input: { path: 'a.txt' } },
          { type: 'tool_use', id: 'call-b', name: 'read_file', input: { path: 'b.txt' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'call-a', content: 'alpha' },
          { type: 'tool_result', tool_use_id: 'call-b', content: 'no such file: b.txt', is_error: true },
          { type: 'text', text: 'Go on.' },
        ],
      },
    ]);
  });

  it('Anthropic: a tool call whose arguments were not JSON goes back with an empty input', async () => {
    server.script(reply.text(['ok']));
    const provider = createProvider({ kind: 'anthropic', baseUrl: server.anthropicBaseUrl, model: 'claude-test', apiKey: 'k' });
    const messages: ChatMessage[] = [
      { role: 'user', content: 'x' },
      { role: 'assistant', content: '', toolCalls: [{ id: 't', name: 'read_file', arguments: '{"path": ' }] },
      { role: 'tool', toolCallId: 't', name: 'read_file', content: 'invalid JSON arguments', isError: true },
    ];
    await collect(provider, request({ messages, system: '', tools: [] }));
    const [sent] = server.requests;
    assert.ok(sent?.protocol === 'anthropic');
    assert.equal(sent.body.system, undefined, 'no empty system prompt');
    assert.equal(sent.body.tools, undefined, 'no empty tool list');
    assert.deepEqual(sent.body.messages[1], { role: 'assistant', content: [{ type: 'tool_use', id: 't', name: 'read_file', input: {} }] });
  });

  it('the server answers 500 and says so when the script is empty, and records the request', async () => {
    const provider = createProvider({ kind: 'openai', baseUrl: server.openaiBaseUrl, model: 'm', apiKey: '' });
    const error = await failure(provider);
    assert.equal(error.kind, 'server');
    assert.match(error.message, /no scripted response left/);
    assert.equal(server.requests.length, 1);
    assert.equal(server.remaining, 0);
  });
});
