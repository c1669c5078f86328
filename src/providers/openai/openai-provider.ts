import { errorContext, type ClientSettings } from '../client-settings.js';
import type { Provider } from '../provider.js';
import { toProviderError } from '../sdk-error.js';
import { WireAdapter } from '../wire-adapter.js';
import { CHAT_ERRORS, ChatCompletionsClient } from './chat-completions-client.js';
import { fromChatCompletion, toChatParams, type ChatFlavour } from './openai-wire.js';
import { serverTokenizer } from './server-tokenizer.js';
import { heldToWindow } from '../context-fit.js';

/** The client for one registry entry: its base URL, key, timeout and (in tests) fetch. */
export function createOpenAIClient(settings: ClientSettings): ChatCompletionsClient {
  return new ChatCompletionsClient(settings);
}

/**
 * A model behind the OpenAI Chat Completions API: OpenAI itself, or any server
 * that speaks it (Ollama, vLLM, LM Studio, OpenRouter) at the entry's `base_url`.
 * The client is built by the caller and handed in.
 */
export function openAIProvider(client: ChatCompletionsClient, settings: ClientSettings, flavour: ChatFlavour): Provider {
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
        // The client listens on the run's signal through onAbort: one listener however many calls wait on it.
        body = await client.create(params(request), request.signal);
      } catch (error) {
        throw toProviderError(error, CHAT_ERRORS, context);
      }
      return fromChatCompletion(body, settings.modelKey);
    },
    { modelKey: settings.modelKey, ...(settings.entry.tool_calling === undefined ? {} : { toolCalling: settings.entry.tool_calling }), ...(fit ? { fit } : {}) },
  );
}
