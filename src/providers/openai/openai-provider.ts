import OpenAI from 'openai';
import { errorContext, sdkOptions, type ClientSettings } from '../client-settings.js';
import { withOwnSignal } from '../abort-listeners.js';
import type { Provider } from '../provider.js';
import { toProviderError } from '../sdk-error.js';
import { WireAdapter } from '../wire-adapter.js';
import { fromChatCompletion, toChatParams, type ChatFlavour } from './openai-wire.js';
import { serverTokenizer } from './server-tokenizer.js';

/** The official client for one registry entry: its base URL, key, timeout and (in tests) fetch. */
export function createOpenAIClient(settings: ClientSettings): OpenAI {
  // OPENAI_ORG_ID and OPENAI_PROJECT in the environment belong to OpenAI: never send them to another server.
  const foreign = settings.entry.provider !== 'openai';
  return new OpenAI({ ...sdkOptions(settings), ...(foreign ? { organization: null, project: null } : {}) });
}

/**
 * A model behind the OpenAI Chat Completions API: OpenAI itself, or any server
 * that speaks it (Ollama, vLLM, LM Studio, OpenRouter) at the entry's `base_url`.
 * The client is built by the caller and handed in.
 */
export function openAIProvider(client: OpenAI, settings: ClientSettings, flavour: ChatFlavour): Provider {
  const context = errorContext(settings, 'https://api.openai.com/v1');
  const cache = {
    ...(settings.entry.prompt_cache === undefined ? {} : { promptCache: settings.entry.prompt_cache }),
    ...(settings.entry.cache_slots === undefined ? {} : { cacheSlots: settings.entry.cache_slots }),
  };
  const params = (request: Parameters<typeof toChatParams>[0]) => toChatParams(request, flavour, cache, settings.entry.seed);
  // A local server's prompts are held to the entry's window, counted by its tokenizer where it offers one (context-fit.ts).
  const local = flavour === 'openai-compatible' && settings.entry.base_url !== undefined;
  const fit = local ? { modelKey: settings.modelKey, entry: settings.entry, count: serverTokenizer(settings.entry.base_url ?? '', params, settings.fetch) } : undefined;
  return new WireAdapter(
    async (request) => {
      let body: unknown;
      try {
        // The SDK leaves a listener on the signal it is given: it gets one of its own per call.
        body = await withOwnSignal(request.signal, (signal) => client.chat.completions.create(params(request), signal ? { signal } : undefined));
      } catch (error) {
        throw toProviderError(error, OpenAI, context);
      }
      return fromChatCompletion(body, settings.modelKey);
    },
    { modelKey: settings.modelKey, ...(settings.entry.tool_calling === undefined ? {} : { toolCalling: settings.entry.tool_calling }), ...(fit ? { fit } : {}) },
  );
}
