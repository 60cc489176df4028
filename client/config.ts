import * as vscode from 'vscode';
import { z } from 'zod';
import type { RunLimits } from '../engine/agent/run';

/** Plumbline's settings, read in this one place (contributed in package.json). */
export interface PlumblineConfig {
  plans: {
    include: string[];
    exclude: string[];
  };
  /** Passed on as they are: engine/tracecodes checks them and explains what is wrong. */
  traceCodes: {
    patterns?: string[];
    format?: string;
    registry?: string;
    exclude?: string[];
  };
  /** The agent hub for agents outside VS Code (SPEC §6); read at activation. */
  hub: { enabled: boolean };
}

export function readConfig(): PlumblineConfig {
  const config = vscode.workspace.getConfiguration('plumbline');
  return {
    plans: {
      include: config.get<string[]>('plans.include', []),
      exclude: config.get<string[]>('plans.exclude', []),
    },
    traceCodes: {
      patterns: config.get<string[]>('traceCodes.patterns'),
      format: config.get<string>('traceCodes.format'),
      registry: config.get<string>('traceCodes.registry'),
      exclude: config.get<string[]>('traceCodes.exclude'),
    },
    hub: { enabled: config.get<boolean>('hub.enabled', true) !== false },
  };
}

export const ModelProviderKind = z.enum(['openai', 'anthropic', 'vscode-lm']);
export type ModelProviderKind = z.infer<typeof ModelProviderKind>;

/** The model settings; the key is never among them (SecretStorage, see client/models.ts). */
export interface ModelSettings {
  provider: ModelProviderKind;
  /** Empty for Anthropic's own API and for VS Code language models. */
  baseUrl: string;
  model: string;
}

export interface AgentConfig {
  /** Undefined until a provider and a model are chosen. */
  model: ModelSettings | undefined;
  autoApproveEdits: boolean;
  allowedCommands: string[];
  limits: RunLimits;
  /** Dollars per million tokens; undefined when the person has not said, and cost is not counted. */
  pricing: { input: number; output: number } | undefined;
  concurrency: number;
  retention: number;
}

// settings.json is hand-edited: a value of the wrong type falls back to the default instead of reaching the engine.
const positive = (fallback: number) => z.number().positive().catch(fallback);
const whole = (fallback: number, max = Number.MAX_SAFE_INTEGER) => z.number().int().min(1).max(max).catch(fallback);
const agentSettings = z.object({
  provider: ModelProviderKind.optional().catch(undefined),
  baseUrl: z.string().trim().catch(''),
  model: z.string().trim().catch(''),
  autoApproveEdits: z.boolean().catch(true),
  allowedCommands: z.array(z.string()).catch([]),
  maxSteps: whole(50),
  maxTokens: whole(2_000_000),
  maxCost: positive(5),
  pricing: z.object({ input: z.number().min(0), output: z.number().min(0) }).optional().catch(undefined),
  concurrency: whole(2, 16),
  retention: whole(500),
});

export function readAgentConfig(): AgentConfig {
  const config = vscode.workspace.getConfiguration('plumbline.agent');
  const keys = Object.keys(agentSettings.shape) as (keyof typeof agentSettings.shape)[];
  const s = agentSettings.parse(Object.fromEntries(keys.map((key) => [key, config.get(key)])));
  return {
    model: s.provider && s.model ? { provider: s.provider, baseUrl: s.baseUrl, model: s.model } : undefined,
    autoApproveEdits: s.autoApproveEdits,
    allowedCommands: s.allowedCommands.map((c) => c.trim()).filter(Boolean),
    limits: { maxSteps: s.maxSteps, maxTokens: s.maxTokens, maxCost: s.maxCost },
    pricing: s.pricing,
    concurrency: s.concurrency,
    retention: s.retention,
  };
}

/** Written to the user's settings: a workspace must not point the stored key at another server. */
export async function writeModelSettings(settings: ModelSettings): Promise<void> {
  const config = vscode.workspace.getConfiguration('plumbline.agent');
  await config.update('provider', settings.provider, vscode.ConfigurationTarget.Global);
  await config.update('baseUrl', settings.baseUrl, vscode.ConfigurationTarget.Global);
  await config.update('model', settings.model, vscode.ConfigurationTarget.Global);
}
