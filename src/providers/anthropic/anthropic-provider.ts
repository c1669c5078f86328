import Anthropic from '@anthropic-ai/sdk';
import { errorContext, sdkOptions, type ClientSettings } from '../client-settings.js';
import { withOwnSignal } from '../abort-listeners.js';
import type { Provider } from '../provider.js';
import { toProviderError } from '../sdk-error.js';
import { WireAdapter } from '../wire-adapter.js';
import { fromMessage, toMessageParams } from './anthropic-wire.js';

/** The official client for one registry entry: its base URL, key, timeout and (in tests) fetch. */
export function createAnthropicClient(settings: ClientSettings): Anthropic {
  return new Anthropic(sdkOptions(settings));
}

/** A model behind Anthropic's Messages API. The client is built by the caller and handed in. */
export function anthropicProvider(client: Anthropic, settings: ClientSettings): Provider {
  const context = errorContext(settings, 'https://api.anthropic.com');
  return new WireAdapter(
    async (request) => {
      let body: unknown;
      try {
        // As for OpenAI's: the SDK listens on a signal of the call's own, not on the run's.
        body = await withOwnSignal(request.signal, (signal) => client.messages.create(toMessageParams(request, settings.entry.prompt_cache !== false), signal ? { signal } : undefined));
      } catch (error) {
        throw toProviderError(error, Anthropic, context);
      }
      return fromMessage(body, settings.modelKey);
    },
    { modelKey: settings.modelKey, ...(settings.entry.tool_calling === undefined ? {} : { toolCalling: settings.entry.tool_calling }) },
  );
}
