/**
 * The agent engine's vocabulary, shared by providers, tools, the run loop and the store. Plain
 * data, no I/O: a provider turns a ModelRequest into a stream of ModelEvents, whatever its wire
 * protocol (OpenAI chat completions, Anthropic Messages, VS Code's language model API).
 */

/** A tool the model may call; `parameters` is a JSON Schema object (from the tool's zod schema). */
export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  /** The provider's id for the call, echoed back with its result. */
  id: string;
  name: string;
  /** The arguments exactly as the model sent them (JSON text, possibly invalid). */
  arguments: string;
}

export type ChatMessage =
  | { role: 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string; isError?: boolean };

export interface ModelRequest {
  model: string;
  system: string;
  messages: ChatMessage[];
  tools: ToolSpec[];
  maxTokens?: number;
  /** Aborted on Stop: the provider must end its stream promptly (well within one second). */
  signal: AbortSignal;
}

export interface Usage {
  input: number;
  output: number;
}

/** What a provider streams back for one request, in order; exactly one `done` at the end. */
export type ModelEvent =
  | { type: 'text'; text: string }
  /** A complete tool call (providers assemble streamed argument fragments before emitting it). */
  | { type: 'tool-call'; call: ToolCall }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; stopReason: 'end' | 'tool-calls' | 'max-tokens' | 'other' };

/**
 * A failure talking to a model, classified so the run loop can decide: `retryable` (429, 5xx,
 * a connection reset, a stream cut before `done`) is retried with backoff; the rest fail the run.
 */
export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    message: string,
    readonly kind: 'rate-limited' | 'server' | 'network' | 'stream-cut' | 'timeout' | 'auth' | 'bad-request' | 'aborted',
    readonly status?: number,
    /** From a Retry-After header, when the server sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  get retryable(): boolean {
    return this.kind === 'rate-limited' || this.kind === 'server' || this.kind === 'network' || this.kind === 'stream-cut' || this.kind === 'timeout';
  }
}

export interface Provider {
  /** e.g. "openai", "anthropic", "vscode-lm". */
  readonly id: string;
  /** Where it sends requests (a base URL): with the id, the key of its circuit breaker. */
  readonly endpoint?: string;
  stream(request: ModelRequest): AsyncIterable<ModelEvent>;
}

/** Where a provider is and how to reach it; the key never lives here on disk (SecretStorage / env). */
export interface ProviderConfig {
  kind: 'openai' | 'anthropic';
  baseUrl?: string;
  model: string;
  apiKey: string;
  /** Per-request timeout for the first byte and between stream chunks, in ms. */
  timeoutMs?: number;
}
