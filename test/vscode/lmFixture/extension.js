// @ts-check
'use strict';
const vscode = require('vscode');

/**
 * A chat model for the extension tests: it answers each request with the next scripted reply
 * (text and tool calls) and records what it was sent, through the same Language Model API that
 * Copilot's models use: the finalized Language Model Chat Provider API on new VS Code, the
 * `chatProvider` proposal on 1.99. Tests script it with `plumblineTestLm.script` and read its
 * requests with `plumblineTestLm.requests`.
 */
function activate(context) {
  /** @type {{ text?: string; toolCalls?: { id: string; name: string; input: object }[] }[]} */
  const queue = [];
  /** @type {unknown[]} */
  const requests = [];
  const partOf = (part) => {
    if (part instanceof vscode.LanguageModelTextPart) return { type: 'text', value: part.value };
    if (part instanceof vscode.LanguageModelToolCallPart) return { type: 'tool-call', callId: part.callId, name: part.name, input: part.input };
    if (part instanceof vscode.LanguageModelToolResultPart) return { type: 'tool-result', callId: part.callId, content: part.content.map(partOf) };
    return { type: 'unknown' };
  };
  /** Records a request and streams the next scripted reply; the same for both APIs below. */
  const respond = async (messages, options, progress, token) => {
    requests.push({
      messages: messages.map((m) => ({ role: m.role === vscode.LanguageModelChatMessageRole.User ? 'user' : 'assistant', content: m.content.map(partOf) })),
      tools: (options.tools ?? []).map((t) => t.name),
    });
    const reply = queue.shift();
    if (!reply) throw new Error('the test model has no scripted reply left');
    for (const word of (reply.text ?? '').split(/(?<= )/).filter(Boolean)) {
      if (token.isCancellationRequested) return;
      progress.report(partFor(new vscode.LanguageModelTextPart(word)));
    }
    for (const call of reply.toolCalls ?? []) progress.report(partFor(new vscode.LanguageModelToolCallPart(call.id, call.name, call.input)));
  };
  const countTokens = async (input) => {
    const text = typeof input === 'string' ? input : JSON.stringify(input.content);
    return Math.ceil(text.length / 4);
  };
  const model = {
    id: 'plumbline-test-model',
    name: 'Plumbline Test Model',
    family: 'plumbline-test',
    version: '1',
    maxInputTokens: 100000,
    maxOutputTokens: 4000,
    capabilities: { toolCalling: true },
  };
  /** @type {(part: unknown) => unknown} */
  let partFor;
  /** @type {vscode.Disposable} */
  let registration;
  if (typeof vscode.lm.registerLanguageModelChatProvider === 'function') {
    // The finalized Language Model Chat Provider API (VS Code 1.104 and later): one provider per
    // vendor (package.json's languageModelChatProviders) lists its models; parts are reported as they are.
    partFor = (part) => part;
    registration = vscode.lm.registerLanguageModelChatProvider('plumbline-test', {
      provideLanguageModelChatInformation: () => [model],
      provideLanguageModelChatResponse: (_model, messages, options, progress, token) => respond(messages, options, progress, token),
      provideTokenCount: (_model, input) => countTokens(input),
    });
  } else {
    // VS Code 1.99 (the oldest engines.vscode promises) has only the `chatProvider` proposal
    // (package.json's enabledApiProposals and languageModels): one registration per model, parts
    // reported with an index.
    partFor = (part) => ({ index: 0, part });
    const { id, ...metadata } = model;
    registration = /** @type {any} */ (vscode.lm).registerChatModelProvider(id, {
      provideLanguageModelResponse: (messages, options, _extensionId, progress, token) => respond(messages, options, progress, token),
      provideTokenCount: (input) => countTokens(input),
    }, { ...metadata, vendor: 'plumbline-test', isUserSelectable: true });
  }
  context.subscriptions.push(
    registration,
    vscode.commands.registerCommand('plumblineTestLm.script', (replies) => {
      queue.push(...replies);
      return queue.length;
    }),
    vscode.commands.registerCommand('plumblineTestLm.requests', () => requests),
  );
}

module.exports = { activate };
