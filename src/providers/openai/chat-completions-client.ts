import { callDeadline } from '../call-deadline.js';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { readBodyCapped } from '../response-body.js';
import type { ClientSettings } from '../client-settings.js';
import type { SdkErrorClasses } from '../sdk-error.js';

/**
 * The most bytes of a Chat Completions answer lemming reads: some 4 million tokens of text, past
 * any model's output; a server that sends more is not read further (the call fails, not retried).
 */
export const CHAT_ANSWER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The one request lemming makes of a Chat Completions server (OpenAI, or a server that speaks its
 * API): POST `<base_url>/chat/completions` with the key as a bearer token, answered by JSON. Sent
 * with `fetch`, not through the OpenAI SDK: the SDK's own work around each call (its request
 * options, headers, log lines it formats even when logging is off, its abort signals) was some
 * 0.3 ms of CPU a call, 3 ms of a 10-agent step's 20, against a peer that calls `fetch` itself
 * (docs/performance.md). No retries here: lemming's retrying decorator owns that policy for every vendor.
 *
 * What goes wrong is thrown as the errors below, in the shapes the SDK's were (`status`,
 * `headers`, the parsed `error` body), so sdk-error.ts words every failure the one way it does.
 */
export class ChatCompletionsClient {
  private readonly url: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly send: typeof fetch;

  constructor(settings: ClientSettings) {
    const base = (settings.entry.base_url ?? 'https://api.openai.com/v1').replace(/\/+$/, '');
    this.url = `${base}/chat/completions`;
    this.timeoutMs = settings.entry.timeout_ms ?? MODEL_DEFAULTS.timeoutMs;
    this.send = settings.fetch ?? fetch;
    this.headers = { accept: 'application/json', 'content-type': 'application/json', authorization: `Bearer ${settings.apiKey}` };
    // OPENAI_ORG_ID and OPENAI_PROJECT in the environment belong to OpenAI, as its SDK reads them: never sent to another server.
    if (settings.entry.provider === 'openai') {
      if (process.env.OPENAI_ORG_ID) this.headers['openai-organization'] = process.env.OPENAI_ORG_ID;
      if (process.env.OPENAI_PROJECT) this.headers['openai-project'] = process.env.OPENAI_PROJECT;
    }
  }

  /**
   * The server's answer to `params`: its JSON, or its text when it did not say it sent JSON (as
   * the SDK gave it: the caller says it is not a chat completion). `signal` stops the call.
   */
  async create(params: object, signal?: AbortSignal): Promise<unknown> {
    const deadline = callDeadline(signal, this.timeoutMs, () => new ChatTimeoutError('Request timed out.'));
    // A stopped call is said as the SDK said it, whatever reason the signal carries: sdk-error.ts passes it through as a stop.
    const failed = (error: unknown): unknown => (signal?.aborted ? new ChatAbortError('Request was aborted.') : deadline.timedOut ? new ChatTimeoutError('Request timed out.') : error);
    try {
      let response: Response;
      try {
        response = await this.send(this.url, { method: 'POST', headers: this.headers, body: JSON.stringify(params), signal: deadline.signal });
      } catch (error) {
        const reason = failed(error);
        throw reason === error ? new ChatConnectionError('Connection error.', { cause: error }) : reason;
      }
      let text: string | undefined;
      try {
        text = await readBodyCapped(response, CHAT_ANSWER_MAX_BYTES);
      } catch (error) {
        // A connection that broke while the answer arrived: sdk-error.ts finds its code in the causes.
        throw failed(error);
      }
      if (!response.ok) throw new ChatStatusError(response.status, jsonOrUndefined(text ?? ''), text ?? '', response.headers);
      if (text === undefined) throw new Error(`the server's answer was longer than ${CHAT_ANSWER_MAX_BYTES / 1024 / 1024} MiB, so lemming read no further`);
      const mediaType = response.headers.get('content-type')?.split(';')[0]?.trim();
      const json = mediaType !== undefined && (mediaType.includes('application/json') || mediaType.endsWith('+json'));
      if (!json) return text;
      return text === '' ? undefined : (JSON.parse(text) as unknown);
    } finally {
      deadline.end();
    }
  }
}

function jsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A status that is not 2xx: the body's `error` (or, when it was not JSON, its text in the message) and the headers, for Retry-After. */
export class ChatStatusError extends Error {
  readonly error: unknown;

  constructor(
    readonly status: number,
    body: unknown,
    text: string,
    readonly headers: Headers,
  ) {
    const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
    const inner = error as { message?: unknown } | undefined;
    const message = inner?.message !== undefined ? (typeof inner.message === 'string' ? inner.message : JSON.stringify(inner.message)) : error !== undefined ? JSON.stringify(error) : body === undefined ? text : '';
    super(message ? `${status} ${message}` : `${status} status code (no body)`);
    this.error = error;
  }
}

/** The server could not be reached (the reason is in `cause`). */
export class ChatConnectionError extends Error {}

/** No answer within the entry's `timeout_ms`. */
export class ChatTimeoutError extends ChatConnectionError {}

/** The caller's signal stopped the call. */
export class ChatAbortError extends Error {
  override readonly name = 'AbortError';
}

/** The classes sdk-error.ts words failures by, for this client. */
export const CHAT_ERRORS: SdkErrorClasses = {
  APIError: ChatStatusError,
  APIConnectionError: ChatConnectionError,
  APIConnectionTimeoutError: ChatTimeoutError,
  APIUserAbortError: ChatAbortError,
};
