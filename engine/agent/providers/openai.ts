import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import type { ChatMessage, ModelEvent, ModelRequest, Provider, ProviderConfig, ToolCall, Usage } from '../model';
import { DEFAULT_TIMEOUT_MS, drive, type StreamDriver } from './drive';

/** Local servers (Ollama, LM Studio, vLLM) want no key, but the SDK refuses to send none. */
const PLACEHOLDER_KEY = 'no-key';

/** OpenAI chat completions and every server that speaks it (Azure, Ollama, LM Studio, vLLM, OpenRouter). */
export function openAIProvider(config: ProviderConfig): Provider {
  // Retries belong to the run loop (backoff, circuit breaker, events); the SDK must not hide them.
  const client = new OpenAI({ apiKey: config.apiKey || PLACEHOLDER_KEY, baseURL: config.baseUrl, maxRetries: 0, logLevel: 'off' });
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const officialApi = isOpenAI(config.baseUrl);
  return {
    id: 'openai',
    endpoint: config.baseUrl,
    stream(request) {
      // The request names its model; the configured one is the default.
      const params = toParams({ ...request, model: request.model || config.model }, officialApi);
      return drive(request, timeoutMs, OpenAI, new ChatCompletionStream(client, params));
    },
  };
}

function isOpenAI(baseUrl: string | undefined): boolean {
  // A malformed URL is not ours to reject here: the request fails with a clear network error.
  return baseUrl === undefined || (URL.canParse(baseUrl) && new URL(baseUrl).hostname === 'api.openai.com');
}

class ChatCompletionStream implements StreamDriver<ChatCompletionChunk> {
  /** Tool calls by their stream index: a call's id and name come first, its arguments in fragments. */
  private readonly calls = new Map<number, ToolCall>();
  private finishReason: ChatCompletionChunk.Choice['finish_reason'] = null;
  private usage: Usage | undefined;

  constructor(
    private readonly client: OpenAI,
    private readonly params: ChatCompletionCreateParamsStreaming,
  ) {}

  open(signal: AbortSignal): Promise<AsyncIterable<ChatCompletionChunk>> {
    return this.client.chat.completions.create(this.params, { signal });
  }

  *read(chunk: ChatCompletionChunk): Iterable<ModelEvent> {
    if (chunk.usage) this.usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
    const choice = chunk.choices[0];
    if (!choice) return;
    if (choice.delta.content) yield { type: 'text', text: choice.delta.content };
    for (const fragment of choice.delta.tool_calls ?? []) {
      const call = this.calls.get(fragment.index) ?? { id: '', name: '', arguments: '' };
      this.calls.set(fragment.index, call);
      if (fragment.id) call.id = fragment.id;
      // Some servers repeat the name in every fragment; it is never itself split.
      if (fragment.function?.name && !call.name) call.name = fragment.function.name;
      call.arguments += fragment.function?.arguments ?? '';
    }
    if (choice.finish_reason) this.finishReason = choice.finish_reason;
  }

  finish(): ModelEvent[] | undefined {
    if (!this.finishReason) return undefined;
    const events: ModelEvent[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({ type: 'tool-call', call: { ...call, id: call.id || `call_${index}` } }));
    if (this.usage) events.push({ type: 'usage', usage: this.usage });
    events.push({ type: 'done', stopReason: this.stopReason() });
    return events;
  }

  private stopReason(): 'end' | 'tool-calls' | 'max-tokens' | 'other' {
    if (this.finishReason === 'length') return 'max-tokens';
    // Ollama and some vLLM versions finish a tool-calling answer with "stop".
    if (this.finishReason === 'tool_calls' || this.finishReason === 'function_call' || this.calls.size > 0) return 'tool-calls';
    return this.finishReason === 'stop' ? 'end' : 'other';
  }
}

function toParams(request: ModelRequest, officialApi: boolean): ChatCompletionCreateParamsStreaming {
  const messages: ChatCompletionMessageParam[] = request.system ? [{ role: 'system', content: request.system }] : [];
  messages.push(...request.messages.map(toMessage));
  const tools = request.tools.map(
    (tool): ChatCompletionTool => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } }),
  );
  return {
    model: request.model,
    messages,
    stream: true,
    stream_options: { include_usage: true },
    // OpenAI rejects an empty tool list.
    ...(tools.length > 0 && { tools }),
    // OpenAI's newer models refuse max_tokens; most compatible servers know only max_tokens.
    ...(request.maxTokens !== undefined && (officialApi ? { max_completion_tokens: request.maxTokens } : { max_tokens: request.maxTokens })),
  };
}

function toMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'user':
      return { role: 'user', content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        // A turn that only calls tools has null content; an empty string confuses some servers.
        content: message.content || null,
        ...(message.toolCalls?.length && {
          tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function' as const, function: { name: call.name, arguments: call.arguments } })),
        }),
      };
    case 'tool':
      // The protocol has no error flag: the content says what went wrong.
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}
