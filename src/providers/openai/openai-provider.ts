import OpenAI from 'openai';
import { errorContext, type ClientSettings } from '../client-settings.js';
import type { Provider } from '../provider.js';
import { toProviderError } from '../sdk-error.js';
import { WireAdapter } from '../wire-adapter.js';
import { createChatCompletion } from './openai-client.js';
import { fromChatCompletion, toChatParams, type ChatFlavour } from './openai-wire.js';
import { serverTokenizer } from './server-tokenizer.js';
import { heldToWindow } from '../context-fit.js';

export { createOpenAIClient } from './openai-client.js';

/**
 * A model behind the OpenAI Chat Completions API: OpenAI itself, or any server
 * that speaks it (Ollama, vLLM, LM Studio, OpenRouter) at the entry's `base_url`.
 * The client (the official SDK, openai-client.ts) is built by the caller and handed in.
 */
export function openAIProvider(client: OpenAI, settings: ClientSettings, flavour: ChatFlavour): Provider {
  const context = errorContext(settings, 'https://api.openai.com/v1');
  const cache = {
    ...(settings.entry.prompt_cache === undefined ? {} : { promptCache: settings.entry.prompt_cache }),
    ...(settings.entry.cache_slots === undefined ? {} : { cacheSlots: settings.entry.cache_slots }),
  };
  const params = (request: Parameters<typeof toChatParams>[0]) => toChatParams(request, flavour, cache, settings.entry.seed);
  // A local server's prompts are held to the entry's window, counted by its tokenizer where it offers one (context-fit.ts).
  const local = flavour === 'openai-compatible' && heldToWindow(settings.entry);
  const fit = local ? { modelKey: settings.modelKey, entry: settings.entry, count: serverTokenizer(settings.entry.base_url ?? '', params, settings.fetch) } : undefined;
  return new WireAdapter(
    async (request) => {
      let body: unknown;
      try {
        // The call's deadline listens on the run's signal through onAbort: one listener however many calls wait on it.
        body = await createChatCompletion(client, params(request), settings.entry.timeout_ms, request.signal);
      } catch (error) {
        throw toProviderError(error, OpenAI, context);
      }
      return fromChatCompletion(body, settings.modelKey);
    },
    { modelKey: settings.modelKey, ...(settings.entry.tool_calling === undefined ? {} : { toolCalling: settings.entry.tool_calling }), ...(fit ? { fit } : {}) },
  );
}
