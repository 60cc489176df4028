// @ts-check
'use strict';
const vscode = require('vscode');

/**
 * A chat model for the extension tests: it answers each request with the next scripted reply
 * (text and tool calls) and records what it was sent, through the same Language Model API that
 * Copilot's models use. Tests script it with `plumblineTestLm.script` and read its requests with
 * `plumblineTestLm.requests`.
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
  const provider = {
    async provideLanguageModelResponse(messages, options, _extensionId, progress, token) {
      requests.push({
        messages: messages.map((m) => ({ role: m.role === vscode.LanguageModelChatMessageRole.User ? 'user' : 'assistant', content: m.content.map(partOf) })),
        tools: (options.tools ?? []).map((t) => t.name),
      });
      const reply = queue.shift();
      if (!reply) throw new Error('the test model has no scripted reply left');
      for (const word of (reply.text ?? '').split(/(?<= )/).filter(Boolean)) {
        if (token.isCancellationRequested) return;
        progress.report({ index: 0, part: new vscode.LanguageModelTextPart(word) });
      }
      for (const call of reply.toolCalls ?? []) progress.report({ index: 0, part: new vscode.LanguageModelToolCallPart(call.id, call.name, call.input) });
    },
    async provideTokenCount(input) {
      const text = typeof input === 'string' ? input : JSON.stringify(input.content);
      return Math.ceil(text.length / 4);
    },
  };
  context.subscriptions.push(
    vscode.lm.registerChatModelProvider('plumbline-test-model', provider, {
      vendor: 'plumbline-test',
      name: 'Plumbline Test Model',
      family: 'plumbline-test',
      version: '1',
      maxInputTokens: 100000,
      maxOutputTokens: 4000,
      isUserSelectable: true,
      capabilities: { toolCalling: true },
    }),
    vscode.commands.registerCommand('plumblineTestLm.script', (replies) => {
      queue.push(...replies);
      return queue.length;
    }),
    vscode.commands.registerCommand('plumblineTestLm.requests', () => requests),
  );
}

module.exports = { activate };
