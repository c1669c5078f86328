import { callDeadline } from './call-deadline.js';
import { ANSWER_MAX_BYTES, ANSWER_TOO_LARGE_CODE, ProviderError } from './provider-error.js';
import { readBodyBytesCapped, redirectTarget } from './response-body.js';

/**
 * One call of a vendor SDK (openai, @anthropic-ai/sdk), under one deadline (call-deadline.ts): the run's
 * signal and the entry's `timeout_ms`, whichever comes first, for the whole call, the answer's body
 * included (the SDKs' own timers stop once the headers arrive, and a body that trickles or stalls would
 * hold the run). The SDK's own timer (armed after this one, for the same time) never ends a call first.
 * What fails is thrown for sdk-error.ts to word: a stop of the run as a stop (CallStoppedError), the
 * deadline as the SDK's timeout (`timedOut()`), an answer that could not be read as what stopped its
 * reading. An answer the SDK read as text because its content-type was not JSON's is given as JSON
 * when it is a JSON object (jsonSentAsText): the wire's reader (openai-wire.ts, anthropic-wire.ts)
 * then reads it, and charges its usage, as any answer.
 */
export async function callWithin<T>(signal: AbortSignal | undefined, timeoutMs: number, timedOut: () => Error, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = callDeadline(signal, timeoutMs);
  try {
    return jsonSentAsText(await call(deadline.signal)) as T;
  } catch (error) {
    if (signal?.aborted) throw new CallStoppedError('Request was aborted.', { cause: error });
    if (deadline.timedOut) throw timedOut();
    throw unreadAnswer(error) ?? error;
  } finally {
    deadline.end();
  }
}

/**
 * An SDK's answer as the server meant it: a JSON object the SDK left as text, because the server
 * labelled it `text/plain` (or anything but JSON), parsed; any other answer (an object already, HTML,
 * text that is not a JSON object) as it came, for the wire's reader to refuse with what it was. Pure.
 */
function jsonSentAsText(answer: unknown): unknown {
  if (typeof answer !== 'string' || !answer.trimStart().startsWith('{')) return answer;
  try {
    const parsed: unknown = JSON.parse(answer);
    return typeof parsed === 'object' && parsed !== null ? parsed : answer;
  } catch {
    return answer;
  }
}

/** The run stopped the call: a stop, passed through by sdk-error.ts, whatever reason the signal carries. */
export class CallStoppedError extends Error {
  override readonly name = 'AbortError';
}

/**
 * What stopped an answer being read, inside the SDK: the SDK would call anything its `fetch` threw a
 * connection error ("could not reach"), where the server was reached and its answer was too long, or
 * a redirect. callWithin throws `reason` instead.
 */
class AnswerUnread extends Error {
  constructor(readonly reason: Error) {
    super(reason.message);
  }
}

/**
 * `send`, its answers read within ANSWER_MAX_BYTES (response-body.ts) when an SDK reads them: the
 * SDKs would read any size whole. The answer is the server's own, its `json()` and `text()` (all
 * either SDK reads a non-streamed answer with) reading the body through the capped read, so its body
 * goes through one stream, not a second Response made of the bytes (some 0.4 ms of CPU a call). The
 * bytes are decoded as fetch decodes them (UTF-8, a leading byte order mark dropped). A body that
 * broke off is thrown as it broke (sdk-error.ts says the connection broke while the answer arrived),
 * past the cap as the cap; the run's signal and the deadline stop the read as they stop the request.
 * A redirect is refused, naming where it pointed: the prompt goes to the entry's `base_url` or nowhere.
 */
export function answerCappedFetch(send: typeof fetch, modelKey: string): typeof fetch {
  return async (input, init) => {
    // A redirect is not followed (response-body.ts, redirectTarget).
    const response = await send(input, { ...init, redirect: 'manual' });
    const target = redirectTarget(response, typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    if (target !== undefined) {
      await response.body?.cancel().catch(() => undefined);
      throw new AnswerUnread(
        new Error(`the server redirected the call (${response.status}) to ${target}; lemming sends a prompt only where org.yaml says, so it did not follow: set models.${modelKey}.base_url to where the server points`),
      );
    }
    return cappedAnswer(response, modelKey);
  };
}

function cappedAnswer(response: Response, modelKey: string): Response {
  const text = async (): Promise<string> => {
    const bytes = await readBodyBytesCapped(response, ANSWER_MAX_BYTES);
    // Refused unread: no usage of it is known, so it is charged at what its call was reserved at (usage-gate.ts), and its log line names the cause (provider-error.ts).
    if (bytes === undefined) {
      throw new AnswerUnread(
        new ProviderError(`${modelKey}: the server's answer was longer than ${ANSWER_MAX_BYTES / 1024 / 1024} MiB, so lemming read no further`, { retryable: false, code: ANSWER_TOO_LARGE_CODE }),
      );
    }
    return new TextDecoder().decode(bytes);
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
