import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { sdkOptions, type ClientSettings } from '../client-settings.js';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { answerCappedFetch, callWithin } from '../sdk-call.js';
import type { ChatParams } from './openai-wire.js';

/**
 * The official OpenAI SDK for one registry entry (OpenAI, or a server that speaks its API at the
 * entry's `base_url`): its key, its timeout, its own retries and logging off (sdkOptions: lemming's
 * retrying decorator owns the policy for every vendor), and a `fetch` that reads each answer
 * through the one capped read (sdk-call.ts, answerCappedFetch). OPENAI_ORG_ID and OPENAI_PROJECT (or the SDK's
 * OPENAI_PROJECT_ID) in the environment belong to OpenAI: another server is never sent them.
 */
export function createOpenAIClient(settings: ClientSettings): OpenAI {
  const forOpenAI = settings.entry.provider === 'openai';
  const project = process.env.OPENAI_PROJECT;
  return new OpenAI({
    ...sdkOptions(settings),
    // Named, not left to the SDK's OPENAI_BASE_URL, so the URL an error names is the one called.
    baseURL: settings.entry.base_url ?? 'https://api.openai.com/v1',
    fetch: answerCappedFetch(settings.fetch ?? fetch, settings.modelKey),
    ...(forOpenAI ? (project ? { project } : {}) : { organization: null, project: null }),
  });
}

/**
 * One Chat Completions call through the SDK, under the one deadline of an SDK call (sdk-call.ts,
 * callWithin): the run's signal and the entry's `timeout_ms`, the answer's body included.
 */
export async function createChatCompletion(client: OpenAI, params: ChatParams, timeoutMs: number | undefined, signal?: AbortSignal): Promise<unknown> {
  // lemming's own fields (llama.cpp's cache_prompt and id_slot) are not in the SDK's type; it sends what it is given.
  return callWithin(signal, timeoutMs ?? MODEL_DEFAULTS.timeoutMs, () => new OpenAI.APIConnectionTimeoutError(), (own) =>
    client.chat.completions.create(params as unknown as ChatCompletionCreateParamsNonStreaming, { signal: own }),
  );
}
