import { cutSecrets } from '../secrets/secrets.js';
import { CONTEXT_LENGTH_CODE, KEY_REFUSED_CODE, ProviderError, isContextLengthText, isRetryableStatus } from './provider-error.js';
import { parseRetryAfter, type HeaderLookup } from './retry-after.js';

/**
 * The error classes of a Stainless-generated SDK (both `openai` and `@anthropic-ai/sdk` are):
 * passed in by each adapter, so this file imports no SDK.
 */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
}

/** What an error message may name: never the key itself (it is one of the org's secrets, cut out of any text a server echoes back). */
export interface ErrorContext {
  modelKey: string;
  /** The environment variable the key came from, to name in a refusal. */
  keyVariable?: string;
  baseURL?: string;
  timeoutMs: number;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
  529: 'Overloaded',
};

/**
 * Turn whatever an SDK threw into a ProviderError that says what happened and
 * whether retrying may help, and never contains the API key. An abort is
 * passed through unchanged, so a stopped run stays a stopped run.
 */
export function toProviderError(error: unknown, classes: SdkErrorClasses, context: ErrorContext): unknown {
  if (error instanceof ProviderError) return error;
  if (error instanceof classes.APIUserAbortError || (error instanceof Error && error.name === 'AbortError')) return error;
  const prefix = context.modelKey;
  if (error instanceof classes.APIConnectionTimeoutError) {
    return new ProviderError(`${prefix}: no answer within ${context.timeoutMs} ms (org.yaml models.${context.modelKey}.timeout_ms)`, {
      retryable: true,
      cause: new Error(scrub(error.message)),
    });
  }
  if (error instanceof classes.APIConnectionError) {
    const detail = connectionDetail(error);
    return new ProviderError(`${prefix}: could not reach ${context.baseURL ?? "the vendor's API"}${detail}`, { retryable: true });
  }
  if (error instanceof classes.APIError) {
    const status = (error as Error & { status?: number }).status;
    if (typeof status === 'number') return statusError(error as Error & { headers?: HeaderLookup; error?: unknown }, status, context);
  }
  const broken = brokenConnection(error);
  if (broken) {
    return new ProviderError(`${prefix}: the connection to ${context.baseURL ?? "the vendor's API"} broke while the answer arrived: ${scrub(broken)}`, {
      retryable: true,
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError(`${prefix}: the server's answer was not valid JSON (${scrub(error.message)})`, { retryable: false });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderError(`${prefix}: ${scrub(message)}`, { retryable: false });
}

function statusError(error: Error & { headers?: HeaderLookup; error?: unknown }, status: number, context: ErrorContext): ProviderError {
  const statusText = `${status}${STATUS_TEXT[status] ? ` ${STATUS_TEXT[status]}` : ''}`;
  const retryAfterMs = parseRetryAfter(error.headers);
  const options = { retryable: isRetryableStatus(status), status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 401 || status === 403) {
    // The server's own words are left out: some echo part of the key back.
    const key = context.keyVariable ? `the API key in ${context.keyVariable}` : 'the request (no API key is configured: set models.<key>.api_key_env)';
    return new ProviderError(`${context.modelKey}: the server refused ${key} (${statusText}); check that the key is valid and allowed to use this model`, { ...options, code: KEY_REFUSED_CODE });
  }
  const detail = serverMessage(error.error) ?? error.message;
  const code = isContextLengthText(detail) || serverCode(error.error) === 'context_length_exceeded' ? { code: CONTEXT_LENGTH_CODE } : {};
  return new ProviderError(`${context.modelKey}: the server answered ${statusText}: ${scrub(detail)}`, { ...options, ...code });
}

/** The `code` of a vendor's error body (`{error: {code}}`), when it has one. */
function serverCode(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const record = body as { code?: unknown; error?: unknown };
  if (typeof record.code === 'string') return record.code;
  return typeof record.error === 'object' && record.error !== null ? serverCode(record.error) : undefined;
}

/** The human-readable message in a vendor's error body: `{error: {message}}` (OpenAI, Anthropic) or `{message}`. */
function serverMessage(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return typeof body === 'string' && body !== '' ? body : undefined;
  const record = body as { message?: unknown; error?: unknown };
  if (typeof record.message === 'string') return record.message;
  if (typeof record.error === 'string') return record.error;
  if (typeof record.error === 'object' && record.error !== null) return serverMessage(record.error);
  return undefined;
}

/** Network failures below the SDK (Node's fetch, undici) that reading the body can throw: worth another attempt. */
const BROKEN_CONNECTION_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_BODY_TIMEOUT']);

/**
 * The reason, when the error is a connection that broke after the response began
 * (the SDK reads the body outside its own error handling, so fetch's bare
 * "terminated" arrives here instead of a connection error).
 */
function brokenConnection(error: unknown): string | undefined {
  let reason: unknown = error;
  for (let depth = 0; depth < 5 && reason instanceof Error; depth += 1) {
    const code = (reason as Error & { code?: unknown }).code;
    if (typeof code === 'string' && BROKEN_CONNECTION_CODES.has(code)) return reason.message;
    reason = (reason as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The innermost reason a connection failed ("connect ECONNREFUSED 127.0.0.1:11434"), not fetch's bare "fetch failed". */
function connectionDetail(error: Error): string {
  let reason: unknown = error;
  for (let depth = 0; depth < 4; depth += 1) {
    const cause = (reason as { cause?: unknown }).cause;
    if (!(cause instanceof Error)) break;
    reason = cause;
  }
  return reason === error ? '' : `: ${scrub((reason as Error).message)}`;
}

/** Text a server or library wrote, with the org's secrets cut out, on one line and short. */
export function scrub(text: string): string {
  const clean = cutSecrets(text).replace(/\s+/g, ' ').trim();
  return clean.length > 300 ? `${clean.slice(0, 297)}...` : clean;
}
