import * as vscode from 'vscode';
import { ProviderError, type ChatMessage, type ModelEvent, type ModelRequest, type Provider, type ToolCall } from '../engine/agent/model';

/** How long the model may stay silent, as for the HTTP providers (engine/agent/providers/drive.ts). */
const IDLE_TIMEOUT_MS = 60_000;

/** The language models VS Code offers (Copilot and other extensions' models), for the model picker. */
export async function availableLanguageModels(): Promise<vscode.LanguageModelChat[]> {
  try {
    return await vscode.lm.selectChatModels();
  } catch {
    return []; // an editor without the API, or one that refuses to list
  }
}

/**
 * A Provider over the VS Code Language Model API. The API has no system role and reports no
 * token usage: the system prompt goes first as a user message, and usage is counted with the
 * model's own tokenizer so the run's token limit still holds.
 */
export function languageModelProvider(modelId: string): Provider {
  return {
    id: 'vscode-lm',
    stream: (request) => streamFrom(request.model || modelId, request),
  };
}

async function* streamFrom(modelId: string, request: ModelRequest): AsyncGenerator<ModelEvent, void, undefined> {
  const [model] = await vscode.lm.selectChatModels({ id: modelId });
  if (!model) throw new ProviderError(`VS Code offers no language model "${modelId}" (is the extension that provides it installed and signed in?)`, 'bad-request');
  const cancel = new vscode.CancellationTokenSource();
  const onAbort = () => cancel.cancel();
  request.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const messages = toMessages(request);
    const response = await model.sendRequest(
      messages,
      {
        justification: 'Plumbline runs the agent you started on your workspace.',
        tools: request.tools.map((tool): vscode.LanguageModelChatTool => ({ name: tool.name, description: tool.description, inputSchema: tool.parameters })),
      },
      cancel.token,
    );
    let text = '';
    const calls: ToolCall[] = [];
    for await (const part of withIdleTimeout(response.stream, cancel)) {
      if (part instanceof vscode.LanguageModelTextPart) {
        text += part.value;
        yield { type: 'text', text: part.value };
      } else if (part instanceof vscode.LanguageModelToolCallPart) {
        calls.push({ id: part.callId, name: part.name, arguments: JSON.stringify(part.input) });
      }
    }
    if (request.signal.aborted) throw new ProviderError('the request was stopped', 'aborted');
    for (const call of calls) yield { type: 'tool-call', call };
    const [input, output] = await Promise.all([countTokens(model, messages, cancel.token), text ? model.countTokens(text, cancel.token) : 0]);
    yield { type: 'usage', usage: { input, output } };
    yield { type: 'done', stopReason: calls.length ? 'tool-calls' : 'end' };
  } catch (err) {
    throw toProviderError(err, request.signal);
  } finally {
    request.signal.removeEventListener('abort', onAbort);
    cancel.dispose();
  }
}

async function countTokens(model: vscode.LanguageModelChat, messages: vscode.LanguageModelChatMessage[], token: vscode.CancellationToken): Promise<number> {
  const counts = await Promise.all(messages.map((m) => model.countTokens(m, token).then((n) => n, () => 0)));
  return counts.reduce((a, b) => a + b, 0);
}

/** A model that stops sending would hang the run: every wait for the next part is bounded. */
async function* withIdleTimeout<T>(stream: AsyncIterable<T>, cancel: vscode.CancellationTokenSource): AsyncGenerator<T, void, undefined> {
  const iterator = stream[Symbol.asyncIterator]();
  for (;;) {
    let timer: NodeJS.Timeout | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        cancel.cancel();
        reject(new ProviderError(`the model sent nothing for ${IDLE_TIMEOUT_MS} ms`, 'timeout'));
      }, IDLE_TIMEOUT_MS);
    });
    try {
      const next = await Promise.race([iterator.next(), idle]);
      if (next.done) return;
      yield next.value;
    } finally {
      clearTimeout(timer);
    }
  }
}

function toMessages(request: ModelRequest): vscode.LanguageModelChatMessage[] {
  const out: vscode.LanguageModelChatMessage[] = [];
  if (request.system) out.push(vscode.LanguageModelChatMessage.User(request.system));
  let results: vscode.LanguageModelToolResultPart[] = [];
  const flushResults = () => {
    // The results of one assistant turn's calls go back together, in one user message.
    if (results.length) out.push(vscode.LanguageModelChatMessage.User(results));
    results = [];
  };
  for (const message of request.messages) {
    if (message.role === 'tool') {
      results.push(new vscode.LanguageModelToolResultPart(message.toolCallId, [new vscode.LanguageModelTextPart(message.content)]));
      continue;
    }
    flushResults();
    out.push(message.role === 'user' ? vscode.LanguageModelChatMessage.User(message.content) : assistant(message));
  }
  flushResults();
  return out;
}

function assistant(message: Extract<ChatMessage, { role: 'assistant' }>): vscode.LanguageModelChatMessage {
  const parts: (vscode.LanguageModelTextPart | vscode.LanguageModelToolCallPart)[] = [];
  if (message.content) parts.push(new vscode.LanguageModelTextPart(message.content));
  for (const call of message.toolCalls ?? []) parts.push(new vscode.LanguageModelToolCallPart(call.id, call.name, toolInput(call.arguments)));
  return vscode.LanguageModelChatMessage.Assistant(parts);
}

/** The API wants an object; arguments the model sent as broken JSON go back as they were, so it can see its mistake. */
function toolInput(json: string): object {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null ? value : { value };
  } catch {
    return { invalidArguments: json };
  }
}

function toProviderError(err: unknown, signal: AbortSignal): ProviderError {
  if (err instanceof ProviderError) return err;
  if (signal.aborted || err instanceof vscode.CancellationError) return new ProviderError('the request was stopped', 'aborted');
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof vscode.LanguageModelError) {
    if (err.code === vscode.LanguageModelError.NoPermissions.name) return new ProviderError(`not allowed to use this language model: ${message}`, 'auth');
    if (err.code === vscode.LanguageModelError.Blocked.name) return new ProviderError(`blocked from this language model (quota or policy): ${message}`, 'auth');
    if (err.code === vscode.LanguageModelError.NotFound.name) return new ProviderError(`no such language model: ${message}`, 'bad-request');
  }
  // Anything else (the provider's own failure) may pass: the run loop retries it with backoff.
  return new ProviderError(message, 'server');
}
