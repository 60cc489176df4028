import * as vscode from 'vscode';
import { z } from 'zod';
import type { Provider } from '../engine/agent/model';
import { createProvider } from '../engine/agent/providers';
import { ModelChoice, type ModelStatusParams } from '../engine/protocol/chatView';
import { ModelProviderKind, readAgentConfig, writeModelSettings, type ModelSettings } from './config';
import { availableLanguageModels, languageModelProvider } from './lmProvider';
import { askModel, servers } from './modelPicker';

/** plumbline.configureModel's argument: a whole configuration (tests, scripts) or a starting choice (the chat). */
const ConfigureArgument = z.union([
  z.object({ provider: ModelProviderKind, baseUrl: z.string().default(''), model: z.string().min(1), apiKey: z.string().optional() }).strict(),
  z.object({ choice: ModelChoice.optional() }).strict(),
]);

export type ModelStatus = ModelStatusParams;

/** A model ready to run: the provider (with its key) and what the run records. */
export interface ResolvedModel {
  provider: Provider;
  model: string;
  description: string;
  /** Runs of the same model are the same agent: what it does wrong is quarantined together. */
  agentId: string;
  /** The key the provider uses: kept out of the environment of the agent's commands. */
  secrets: string[];
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
    if (settings.provider === 'vscode-lm') return { provider: languageModelProvider(settings.model), model: settings.model, description: describe(settings), agentId, secrets: [] };
    const apiKey = (await this.secrets.get(secretName(settings))) ?? '';
    const provider = createProvider({ kind: settings.provider, baseUrl: settings.baseUrl || undefined, model: settings.model, apiKey });
    return { provider, model: settings.model, description: describe(settings), agentId, secrets: apiKey ? [apiKey] : [] };
  }

  /** "Plumbline: Configure Model". Returns the status afterwards (unchanged when the person cancels). */
  async configure(arg?: unknown): Promise<ModelStatus> {
    const parsed = ConfigureArgument.safeParse(arg ?? {});
    if (!parsed.success) throw new Error(`plumbline.configureModel: ${z.prettifyError(parsed.error)}`);
    const chosen = 'provider' in parsed.data ? parsed.data : await askModel(parsed.data.choice, (s) => this.hasKey(s));
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
