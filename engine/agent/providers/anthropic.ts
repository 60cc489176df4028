import Anthropic from '@anthropic-ai/sdk';
import type {
  ContentBlockParam,
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
  StopReason,
  Tool,
  Usage as AnthropicUsage,
} from '@anthropic-ai/sdk/resources/messages';
import type { ChatMessage, ModelEvent, ModelRequest, Provider, ProviderConfig, ToolCall, Usage } from '../model';
import { DEFAULT_TIMEOUT_MS, drive, type StreamDriver } from './drive';

/** Messages requires max_tokens; 8192 fits the output limit of every current Claude model. */
const DEFAULT_MAX_TOKENS = 8192;

/** Compatible proxies may want no key; with none the SDK would go looking in the environment. */
const PLACEHOLDER_KEY = 'no-key';

/** Anthropic Messages, with streaming tool use. */
export function anthropicProvider(config: ProviderConfig): Provider {
  // Retries belong to the run loop (backoff, circuit breaker, events); the SDK must not hide them.
  const client = new Anthropic({ apiKey: config.apiKey || PLACEHOLDER_KEY, baseURL: config.baseUrl, maxRetries: 0, logLevel: 'off' });
  const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return {
    id: 'anthropic',
    endpoint: config.baseUrl,
    stream(request) {
      // The request names its model; the configured one is the default.
      const params = toParams({ ...request, model: request.model || config.model });
      return drive(request, timeoutMs, Anthropic, new MessagesStream(client, params));
    },
  };
}

class MessagesStream implements StreamDriver<RawMessageStreamEvent> {
  /** tool_use blocks by content index, their input JSON assembled from input_json_delta fragments. */
  private readonly calls = new Map<number, ToolCall>();
  private stopReason: StopReason | null = null;
  private stopped = false;
  private readonly usage: Usage = { input: 0, output: 0 };

  constructor(
    private readonly client: Anthropic,
    private readonly params: MessageCreateParamsStreaming,
  ) {}

  open(signal: AbortSignal): Promise<AsyncIterable<RawMessageStreamEvent>> {
    return this.client.messages.create(this.params, { signal });
  }

  *read(event: RawMessageStreamEvent): Iterable<ModelEvent> {
    switch (event.type) {
      case 'message_start':
        this.usage.input = inputTokens(event.message.usage);
        this.usage.output = event.message.usage.output_tokens;
        break;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          this.calls.set(event.index, { id: event.content_block.id, name: event.content_block.name, arguments: '' });
        }
        break;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta' && event.delta.text) yield { type: 'text', text: event.delta.text };
        if (event.delta.type === 'input_json_delta') {
          const call = this.calls.get(event.index);
          if (call) call.arguments += event.delta.partial_json;
        }
        break;
      case 'message_delta':
        this.stopReason = event.delta.stop_reason;
        // Cumulative counts; input is repeated here only by some servers (and changes with server tools).
        this.usage.output = event.usage.output_tokens;
        if (event.usage.input_tokens !== null && event.usage.input_tokens !== undefined) this.usage.input = inputTokens(event.usage);
        break;
      case 'message_stop':
        this.stopped = true;
        break;
    }
  }

  finish(): ModelEvent[] | undefined {
    if (!this.stopped) return undefined;
    const events: ModelEvent[] = [...this.calls.entries()]
      .sort(([a], [b]) => a - b)
      // A tool without parameters streams no fragments at all.
      .map(([, call]) => ({ type: 'tool-call', call: { ...call, arguments: call.arguments || '{}' } }));
    events.push({ type: 'usage', usage: { ...this.usage } }, { type: 'done', stopReason: stopReason(this.stopReason) });
    return events;
  }
}

/** Cached input is still input: the run's token and cost limits count everything the model read. */
function inputTokens(usage: Pick<AnthropicUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens'> & { input_tokens: number | null }): number {
  return (usage.input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
}

function stopReason(reason: StopReason | null): 'end' | 'tool-calls' | 'max-tokens' | 'other' {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'end';
    case 'tool_use':
      return 'tool-calls';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'max-tokens';
    default:
      return 'other';
  }
}

function toParams(request: ModelRequest): MessageCreateParamsStreaming {
  const tools = request.tools.map(
    (tool): Tool => ({ name: tool.name, description: tool.description, input_schema: { ...tool.parameters, type: 'object' } }),
  );
  return {
    model: request.model,
    max_tokens: request.maxTokens ?? DEFAULT_MAX_TOKENS,
    messages: toMessages(request.messages),
    stream: true,
    // The API refuses an empty system prompt and an empty tool list.
    ...(request.system && { system: request.system }),
    ...(tools.length > 0 && { tools }),
  };
}

type Turn = { role: 'user' | 'assistant'; content: ContentBlockParam[] };

/**
 * Messages alternate user and assistant, and every tool result of a turn must come back in the
 * one user message after it: consecutive tool results (and a user text after them) are merged.
 */
function toMessages(messages: ChatMessage[]): Turn[] {
  const turns: Turn[] = [];
  for (const message of messages) {
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = toBlocks(message);
    if (blocks.length === 0) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return turns;
}

function toBlocks(message: ChatMessage): ContentBlockParam[] {
  switch (message.role) {
    case 'user':
      return message.content ? [{ type: 'text', text: message.content }] : [];
    case 'assistant':
      return [
        // The API refuses empty text blocks.
        ...(message.content ? [{ type: 'text' as const, text: message.content }] : []),
        ...(message.toolCalls ?? []).map((call) => ({ type: 'tool_use' as const, id: call.id, name: call.name, input: toolInput(call.arguments) })),
      ];
    case 'tool':
      return [{ type: 'tool_result', tool_use_id: message.toolCallId, content: message.content, ...(message.isError && { is_error: true }) }];
  }
}

/**
 * tool_use input must be an object; a call whose arguments were not a JSON object (the run loop
 * answered it with an error) is sent back as an empty call so the history stays valid.
 */
function toolInput(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
