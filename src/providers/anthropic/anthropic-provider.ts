import Anthropic from '@anthropic-ai/sdk';
import { errorContext, sdkOptions, type ClientSettings } from '../client-settings.js';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { answerCappedFetch, callWithin } from '../sdk-call.js';
import type { Provider } from '../provider.js';
import { toProviderError } from '../sdk-error.js';
import { WireAdapter } from '../wire-adapter.js';
import { fromMessage, toMessageParams } from './anthropic-wire.js';

/**
 * The official client for one registry entry: its base URL, key, timeout, and a `fetch` (the test's, or
 * the global one) whose answers are read through the one capped read (sdk-call.ts, answerCappedFetch).
 */
export function createAnthropicClient(settings: ClientSettings): Anthropic {
  return new Anthropic({ ...sdkOptions(settings), fetch: answerCappedFetch(settings.fetch ?? fetch, settings.modelKey) });
}

/** A model behind Anthropic's Messages API. The client is built by the caller and handed in. */
export function anthropicProvider(client: Anthropic, settings: ClientSettings): Provider {
  const context = errorContext(settings, 'https://api.anthropic.com');
  return new WireAdapter(
    async (request) => {
      let body: unknown;
      try {
        // As for OpenAI's: one deadline over the whole call, its body included, on a signal of the call's own.
        body = await callWithin(request.signal, settings.entry.timeout_ms ?? MODEL_DEFAULTS.timeoutMs, () => new Anthropic.APIConnectionTimeoutError(), (signal) =>
          client.messages.create(toMessageParams(request, settings.entry.prompt_cache !== false), { signal }),
        );
      } catch (error) {
        throw toProviderError(error, Anthropic, context);
      }
      return fromMessage(body, settings.modelKey);
    },
    { modelKey: settings.modelKey, ...(settings.entry.tool_calling === undefined ? {} : { toolCalling: settings.entry.tool_calling }) },
  );
}
