import OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { callDeadline } from '../call-deadline.js';
import { sdkOptions, type ClientSettings } from '../client-settings.js';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { readBodyBytesCapped } from '../response-body.js';
import type { ChatParams } from './openai-wire.js';

/**
 * The most bytes of a Chat Completions answer lemming reads: some 4 million tokens of text, past
 * any model's output; a server that sends more is not read further (the call fails, not retried).
 */
export const CHAT_ANSWER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The official OpenAI SDK for one registry entry (OpenAI, or a server that speaks its API at the
 * entry's `base_url`): its key, its timeout, its own retries and logging off (sdkOptions: lemming's
 * retrying decorator owns the policy for every vendor), and a `fetch` that reads each answer
 * through the one capped read (answerCappedFetch). OPENAI_ORG_ID and OPENAI_PROJECT (or the SDK's
 * OPENAI_PROJECT_ID) in the environment belong to OpenAI: another server is never sent them.
 */
export function createOpenAIClient(settings: ClientSettings): OpenAI {
  const forOpenAI = settings.entry.provider === 'openai';
  const project = process.env.OPENAI_PROJECT;
  return new OpenAI({
    ...sdkOptions(settings),
    // Named, not left to the SDK's OPENAI_BASE_URL, so the URL an error names is the one called.
    baseURL: settings.entry.base_url ?? 'https://api.openai.com/v1',
    fetch: answerCappedFetch(settings.fetch ?? fetch),
    ...(forOpenAI ? (project ? { project } : {}) : { organization: null, project: null }),
  });
}

/**
 * One Chat Completions call through the SDK, under one deadline (call-deadline.ts): the run's
 * signal and the entry's `timeout_ms`, whichever comes first, for the whole call, the answer's body
 * included. The SDK's own timer (armed after this one, for the same time) never ends a call first.
 * What fails is thrown for sdk-error.ts to word: a stop of the run as a stop (CallStoppedError), the
 * deadline as the SDK's timeout, an answer that could not be read as what stopped its reading.
 */
export async function createChatCompletion(client: OpenAI, params: ChatParams, timeoutMs: number | undefined, signal?: AbortSignal): Promise<unknown> {
  const deadline = callDeadline(signal, timeoutMs ?? MODEL_DEFAULTS.timeoutMs);
  try {
    // lemming's own fields (llama.cpp's cache_prompt and id_slot) are not in the SDK's type; it sends what it is given.
    return await client.chat.completions.create(params as unknown as ChatCompletionCreateParamsNonStreaming, { signal: deadline.signal });
  } catch (error) {
    if (signal?.aborted) throw new CallStoppedError('Request was aborted.', { cause: error });
    if (deadline.timedOut) throw new OpenAI.APIConnectionTimeoutError();
    throw unreadAnswer(error) ?? error;
  } finally {
    deadline.end();
  }
}

/** The run stopped the call: a stop, passed through by sdk-error.ts, whatever reason the signal carries. */
export class CallStoppedError extends Error {
  override readonly name = 'AbortError';
}

/**
 * What stopped an answer's body being read, inside the SDK's `fetch`: the SDK calls anything its
 * `fetch` throws a connection error ("could not reach"), where the server was reached and its
 * answer was too long, or broke off. createChatCompletion throws `reason` instead.
 */
class AnswerUnread extends Error {
  constructor(readonly reason: unknown) {
    super('the answer could not be read');
  }
}

/** Statuses whose Response may have no body (the Response constructor refuses one). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * `send`, with the answer read within CHAT_ANSWER_MAX_BYTES (response-body.ts) before the SDK sees
 * it: the SDK would read any size whole. Read inside the SDK's `fetch`, the body is within the
 * SDK's own timer too (it would otherwise time the headers only). A read the signal stopped is left for the SDK to say.
 */
export function answerCappedFetch(send: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await send(input, init);
    let bytes: Buffer | undefined;
    try {
      bytes = await readBodyBytesCapped(response, CHAT_ANSWER_MAX_BYTES);
    } catch (error) {
      if (init?.signal?.aborted) throw error;
      throw new AnswerUnread(error);
    }
    if (bytes === undefined) throw new AnswerUnread(new Error(`the server's answer was longer than ${CHAT_ANSWER_MAX_BYTES / 1024 / 1024} MiB, so lemming read no further`));
    // The bytes as they came, for the SDK to decode once.
    return new Response(NULL_BODY_STATUSES.has(response.status) ? null : bytes, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** The reason an answer was not read, when that is what `error` (the SDK's connection error) holds. */
function unreadAnswer(error: unknown): unknown {
  let reason: unknown = error;
  for (let depth = 0; depth < 4 && reason instanceof Error; depth += 1) {
    if (reason instanceof AnswerUnread) return reason.reason;
    reason = reason.cause;
  }
  return undefined;
}
