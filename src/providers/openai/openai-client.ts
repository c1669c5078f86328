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
 * What stopped an answer's body being read, inside the SDK: the SDK would call anything its `fetch`
 * threw a connection error ("could not reach"), where the server was reached and its answer was
 * too long. createChatCompletion throws `reason` instead.
 */
class AnswerUnread extends Error {
  constructor(readonly reason: Error) {
    super(reason.message);
  }
}

/**
 * `send`, its answers read within CHAT_ANSWER_MAX_BYTES (response-body.ts) when the SDK reads them:
 * the SDK would read any size whole. The answer is the server's own, its `json()` and `text()` (all
 * the SDK reads a non-streamed answer with) reading the body through the capped read, so its body
 * goes through one stream, not a second Response made of the bytes (some 0.4 ms of CPU a call). A
 * body that broke off is thrown as it broke (sdk-error.ts says the connection broke while the
 * answer arrived), past the cap as the cap; the run's signal and the deadline stop the read as they
 * stop the request.
 */
export function answerCappedFetch(send: typeof fetch): typeof fetch {
  return async (input, init) => cappedAnswer(await send(input, init));
}

function cappedAnswer(response: Response): Response {
  const text = async (): Promise<string> => {
    const bytes = await readBodyBytesCapped(response, CHAT_ANSWER_MAX_BYTES);
    if (bytes === undefined) throw new AnswerUnread(new Error(`the server's answer was longer than ${CHAT_ANSWER_MAX_BYTES / 1024 / 1024} MiB, so lemming read no further`));
    return bytes.toString('utf8');
  };
  const json = async (): Promise<unknown> => JSON.parse(await text()) as unknown;
  return new Proxy(response, {
    get(target, key) {
      if (key === 'text') return text;
      if (key === 'json') return json;
      // Response's getters and methods check that `this` is a Response: they are given the answer itself.
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
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
