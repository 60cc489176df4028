import * as vscode from 'vscode';
import { z } from 'zod';
import type { Provider } from '../engine/agent/model';
import { createProvider } from '../engine/agent/providers';
import { ModelChoice, type ModelStatusParams } from '../engine/protocol/chatView';
import { ModelProviderKind, readAgentConfig, writeModelSettings, type ModelSettings } from './config';
import { availableLanguageModels, languageModelProvider } from './lmProvider';

/** plumbline.configureModel's argument: a whole configuration (tests, scripts) or a starting choice (the chat). */
const ConfigureArgument = z.union([
  z.object({ provider: ModelProviderKind, baseUrl: z.string().default(''), model: z.string().min(1), apiKey: z.string().optional() }).strict(),
  z.object({ choice: ModelChoice.optional() }).strict(),
]);

export const servers = {
  ollama: 'http://localhost:11434/v1',
  lmStudio: 'http://localhost:1234/v1',
  openai: 'https://api.openai.com/v1',
};

export type ModelStatus = ModelStatusParams;

/** A model ready to run: the provider (with its key) and what the run records. */
export interface ResolvedModel {
  provider: Provider;
  model: string;
  description: string;
  /** Runs of the same model are the same agent: what it does wrong is quarantined together. */
  agentId: string;
}

/**
 * The configured model: provider, base URL and model in the user's settings, the key in
 * SecretStorage (per provider and base URL, so a key is only ever sent where it was entered for).
 */
export class Models implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.subscriptions = [
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration('plumbline.agent') && this.changed.fire()),
      vscode.lm.onDidChangeChatModels(() => this.changed.fire()),
      secrets.onDidChange(() => this.changed.fire()),
    ];
  }

  async status(): Promise<ModelStatus> {
    const settings = readAgentConfig().model;
    const languageModels = (await availableLanguageModels()).length > 0;
    return settings ? { configured: true, description: describe(settings), languageModels } : { configured: false, languageModels };
  }

  async hasKey(settings: ModelSettings): Promise<boolean> {
    return Boolean(await this.secrets.get(secretName(settings)));
  }

  async resolve(): Promise<ResolvedModel | undefined> {
    const settings = readAgentConfig().model;
    if (!settings) return undefined;
    const agentId = `own:${settings.provider}:${settings.model}`;
    if (settings.provider === 'vscode-lm') return { provider: languageModelProvider(settings.model), model: settings.model, description: describe(settings), agentId };
    const apiKey = (await this.secrets.get(secretName(settings))) ?? '';
    const provider = createProvider({ kind: settings.provider, baseUrl: settings.baseUrl || undefined, model: settings.model, apiKey });
    return { provider, model: settings.model, description: describe(settings), agentId };
  }

  /** "Plumbline: Configure Model". Returns the status afterwards (unchanged when the person cancels). */
  async configure(arg?: unknown): Promise<ModelStatus> {
    const parsed = ConfigureArgument.safeParse(arg ?? {});
    if (!parsed.success) throw new Error(`plumbline.configureModel: ${z.prettifyError(parsed.error)}`);
    const chosen = 'provider' in parsed.data ? parsed.data : await ask(parsed.data.choice, (s) => this.hasKey(s));
    if (!chosen) return this.status();
    const { apiKey, ...settings } = chosen;
    if (apiKey) await this.secrets.store(secretName(settings), apiKey);
    await writeModelSettings(settings);
    this.changed.fire();
    void vscode.window.setStatusBarMessage(`Plumbline: agents use ${describe(settings)}`, 5000);
    return this.status();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

function secretName(settings: Pick<ModelSettings, 'provider' | 'baseUrl'>): string {
  return `plumbline.agent.apiKey:${settings.provider}:${settings.baseUrl}`;
}

function describe(settings: ModelSettings): string {
  if (settings.provider === 'vscode-lm') return `${settings.model} (VS Code language model)`;
  if (settings.provider === 'anthropic') return `${settings.model} (Anthropic${settings.baseUrl ? ` at ${settings.baseUrl}` : ''})`;
  return `${settings.model} at ${settings.baseUrl || servers.openai}`;
}

/** A server on this machine needs no key. */
export function isLocal(baseUrl: string): boolean {
  if (!URL.canParse(baseUrl)) return false;
  const host = new URL(baseUrl).hostname;
  return host === 'localhost' || host === '127.0.0.1' || host === '[::1]' || host.endsWith('.localhost');
}

type Chosen = ModelSettings & { apiKey?: string };

/** The interactive part: provider (and server), key, model. Undefined when the person cancels. */
async function ask(choice: ModelChoice | undefined, hasKey: (s: ModelSettings) => Promise<boolean>): Promise<Chosen | undefined> {
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
