import * as vscode from 'vscode';
import { z } from 'zod';
import type { ModelChoice } from '../engine/protocol/chatView';
import { readAgentConfig, type ModelSettings } from './config';
import { availableLanguageModels } from './lmProvider';

/** The servers the picker (and the chat's notice) offer by name. */
export const servers = {
  ollama: 'http://localhost:11434/v1',
  lmStudio: 'http://localhost:1234/v1',
  openai: 'https://api.openai.com/v1',
};

/** A server on this machine needs no key. */
export function isLocal(baseUrl: string): boolean {
  if (!URL.canParse(baseUrl)) return false;
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
}

type Chosen = ModelSettings & { apiKey?: string };

/** The interactive part: provider (and server), key, model. Undefined when the person cancels. */
export async function askModel(choice: ModelChoice | undefined, hasKey: (s: ModelSettings) => Promise<boolean>): Promise<Chosen | undefined> {
  const title = 'Plumbline: Configure Model';
  const target = await pickProvider(title, choice);
  if (!target) return undefined;
  if (target.provider === 'vscode-lm') return pickLanguageModel(title);
  const settings: ModelSettings = { ...target, model: '' };
  let apiKey: string | undefined;
  if (!isLocal(target.baseUrl)) {
    const stored = await hasKey(settings);
    apiKey = await vscode.window.showInputBox({
      title,
      prompt: `API key for ${target.provider === 'anthropic' ? 'Anthropic' : target.baseUrl} (kept in VS Code's secret storage)${stored ? '; leave empty to keep the stored key' : ''}`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => (value.trim() || stored ? undefined : 'A key is needed for this server'),
    });
    if (apiKey === undefined) return undefined;
    apiKey = apiKey.trim() || undefined;
  }
  const model = await pickModelName(title, target, apiKey);
  return model ? { ...settings, model, apiKey } : undefined;
}

async function pickProvider(title: string, choice: ModelChoice | undefined): Promise<Omit<ModelSettings, 'model'> | undefined> {
  if (choice === 'ollama') return { provider: 'openai', baseUrl: servers.ollama };
  if (choice === 'anthropic') return { provider: 'anthropic', baseUrl: '' };
  if (choice === 'vscode-lm') return { provider: 'vscode-lm', baseUrl: '' };
  type Item = vscode.QuickPickItem & { target?: Omit<ModelSettings, 'model'> };
  const openaiItems: Item[] = [
    { label: '$(server) Ollama on this machine', detail: servers.ollama, target: { provider: 'openai', baseUrl: servers.ollama } },
    { label: '$(server) LM Studio on this machine', detail: servers.lmStudio, target: { provider: 'openai', baseUrl: servers.lmStudio } },
    { label: '$(globe) OpenAI', detail: servers.openai, target: { provider: 'openai', baseUrl: servers.openai } },
    { label: '$(edit) Another OpenAI-compatible server…', detail: 'Azure, vLLM, OpenRouter, …: enter its base URL' },
  ];
  const others: Item[] =
    choice === 'openai'
      ? []
      : [
          { label: '$(sparkle) Anthropic', detail: 'Claude models through the Messages API', target: { provider: 'anthropic', baseUrl: '' } },
          ...((await availableLanguageModels()).length ? [{ label: '$(copilot) VS Code language models', detail: 'Models the editor offers, such as Copilot', target: { provider: 'vscode-lm' as const, baseUrl: '' } }] : []),
        ];
  const picked = await vscode.window.showQuickPick<Item>([...openaiItems, ...others], { title, placeHolder: 'Where does the model run?', ignoreFocusOut: true });
  if (!picked) return undefined;
  if (picked.target) return picked.target;
  const baseUrl = await vscode.window.showInputBox({
    title,
    prompt: 'Base URL of the OpenAI-compatible API (the part before /chat/completions)',
    placeHolder: 'https://example.com/v1',
    ignoreFocusOut: true,
    validateInput: (value) => (URL.canParse(value.trim()) && /^https?:$/.test(new URL(value.trim()).protocol) ? undefined : 'An http:// or https:// URL'),
  });
  return baseUrl ? { provider: 'openai', baseUrl: baseUrl.trim().replace(/\/+$/, '') } : undefined;
}

async function pickLanguageModel(title: string): Promise<Chosen | undefined> {
  const models = await availableLanguageModels();
  if (!models.length) {
    void vscode.window.showWarningMessage('Plumbline: VS Code offers no language models right now (install and sign in to an extension that provides them, such as GitHub Copilot).');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    models.map((m) => ({ label: m.name, description: m.vendor, detail: `${m.id} · up to ${m.maxInputTokens} input tokens`, id: m.id })),
    { title, placeHolder: 'Which model?', ignoreFocusOut: true },
  );
  return picked && { provider: 'vscode-lm', baseUrl: '', model: picked.id };
}

/** The server's own list of models when it answers quickly (Ollama, LM Studio and OpenAI do), else free text. */
async function pickModelName(title: string, target: Omit<ModelSettings, 'model'>, apiKey: string | undefined): Promise<string | undefined> {
  const current = readAgentConfig().model;
  const listed = target.provider === 'openai' ? await listModels(target.baseUrl, apiKey) : [];
  if (listed.length) {
    const picked = await vscode.window.showQuickPick(listed, { title, placeHolder: `Which model of ${target.baseUrl}?`, ignoreFocusOut: true });
    if (picked) return picked;
  }
  const model = await vscode.window.showInputBox({
    title,
    prompt: 'Model name, as the server knows it',
    value: current?.provider === target.provider ? current.model : '',
    placeHolder: target.provider === 'anthropic' ? 'claude-sonnet-4-5' : 'qwen2.5-coder:14b, gpt-4.1, …',
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() ? undefined : 'A model name'),
  });
  return model?.trim() || undefined;
}

const ModelList = z.object({ data: z.array(z.object({ id: z.string() })) });

async function listModels(baseUrl: string, apiKey: string | undefined): Promise<string[]> {
  try {
    const response = await fetch(`${baseUrl}/models`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {}, signal: AbortSignal.timeout(3000) });
    const parsed = ModelList.safeParse(await response.json());
    return parsed.success ? parsed.data.data.map((m) => m.id).sort() : [];
  } catch {
    return [];
  }
}
