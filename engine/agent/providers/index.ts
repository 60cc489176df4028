import type { Provider, ProviderConfig } from '../model';
import { anthropicProvider } from './anthropic';
import { openAIProvider } from './openai';

export { DEFAULT_TIMEOUT_MS } from './drive';

/** The provider for a configured model. (The VS Code LM provider lives in client/: it needs 'vscode'.) */
export function createProvider(config: ProviderConfig): Provider {
  switch (config.kind) {
    case 'openai':
      return openAIProvider(config);
    case 'anthropic':
      return anthropicProvider(config);
  }
}
