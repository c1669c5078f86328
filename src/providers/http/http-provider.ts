import type { ModelEntry } from '../../org/schema.js';
import type { KeyLookup } from '../../secrets/key-lookup.js';
import { agentCall } from '../agent-protocol/agent-call.js';
import { readAgentReply, reportedUsageIn, UnusableReply, unusableAnswerError } from '../agent-protocol/agent-reply.js';
import { ranAndFailed, statusRan } from '../agent-protocol/outside-charge.js';
import { callDeadline } from '../call-deadline.js';
import { MODEL_DEFAULTS } from '../model-defaults.js';
import { isRetryableStatus, ProviderError } from '../provider-error.js';
import type { Provider, ProviderRequest } from '../provider.js';
import { parseRetryAfter } from '../retry-after.js';
import { readBodyCapped, redirectTarget } from '../response-body.js';
import { scrub } from '../sdk-error.js';
import { WireAdapter, type WireAnswer } from '../wire-adapter.js';

/** What a `provider: http` entry's calls need besides the request. */
export interface HttpAgentSettings {
  modelKey: string;
  entry: ModelEntry;
  /** Values of the variables the entry's `headers:` name (each one a secret). */
  lookup: KeyLookup;
  /** Instead of the global fetch (tests). */
  fetch?: typeof fetch;
}

/** The most bytes an HTTP agent's answer may have when its entry sets no `max_output_bytes`. */
export const HTTP_MAX_OUTPUT_BYTES = 1_000_000;

/**
 * An agent behind a webhook as a provider: each call is POSTed as JSON (agent, turn, step,
 * system, messages, tools) to the entry's `url` with its headers, and the answer is read as JSON
 * (`text`, `tool_calls`, `usage`). 408, 409, 429, 5xx, a connection that fails and a timeout may be
 * retried (honouring Retry-After); another status, or an answer lemming cannot use, is not. Every
 * answer with a 2xx or 5xx status is charged as a run (outside-charge.ts), however it ends; a 3xx (never
 * followed) is no run.
 */
export function httpAgentProvider(settings: HttpAgentSettings): Provider {
  const { modelKey, entry } = settings;
  const url = entry.url ?? '';
  const timeoutMs = entry.timeout_ms ?? MODEL_DEFAULTS.timeoutMs;
  const maxBytes = entry.max_output_bytes ?? HTTP_MAX_OUTPUT_BYTES;
  const send = settings.fetch ?? fetch;
  const call = async (request: ProviderRequest): Promise<WireAnswer> => {
    const signal = request.signal;
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    for (const [name, variable] of Object.entries(entry.headers ?? {})) {
      const value = settings.lookup(variable);
      if (value === undefined) throw new ProviderError(`${modelKey}: ${variable} is not set (needed for the ${name} header of org.yaml models.${modelKey})`, { retryable: false });
      headers[name] = value;
    }
    const deadline = callDeadline(signal, timeoutMs);
    let response: Response | undefined;
    // A failure once the endpoint has answered a status by which it ran (2xx, 5xx) is charged as a run (outside-charge.ts).
    const failure = (message: string, options: { retryable: boolean; status?: number; retryAfterMs?: number }, body?: string): ProviderError =>
      response !== undefined && statusRan(response.status)
        ? ranAndFailed(modelKey, entry, message, options, body === undefined ? undefined : reportedUsageIn(body, 'json'))
        : new ProviderError(message, options);
    let body: string | undefined;
    let redirected: string | undefined;
    try {
      // A redirect is not followed (response-body.ts, redirectTarget): the call and its headers go to `url` or nowhere.
      response = await send(url, { method: 'POST', headers, body: JSON.stringify(agentCall(request)), signal: deadline.signal, redirect: 'manual' });
      redirected = redirectTarget(response, url);
      if (redirected !== undefined) await response.body?.cancel().catch(() => undefined);
      else body = await readBodyCapped(response, maxBytes);
    } catch (error) {
      if (signal?.aborted) throw error;
      if (deadline.timedOut) throw failure(`${modelKey}: no answer from ${url} within ${timeoutMs} ms (org.yaml models.${modelKey}.timeout_ms)`, { retryable: true });
      throw failure(`${modelKey}: could not reach ${url}: ${scrub(innermost(error))}`, { retryable: true });
    } finally {
      deadline.end();
    }
    if (redirected !== undefined) {
      // Not a run of the agent, as a refusal is not: nothing is charged.
      throw new ProviderError(`${modelKey}: ${url} redirected the call (${response.status}) to ${scrub(redirected)}; lemming sends a call only where org.yaml says, so it did not follow: set models.${modelKey}.url to where the server points`, { retryable: false });
    }
    if (body === undefined) throw failure(`${modelKey}: the answer was longer than ${maxBytes} bytes (org.yaml models.${modelKey}.max_output_bytes)`, { retryable: false });
    if (!response.ok) {
      const retryAfterMs = parseRetryAfter(response.headers);
      throw failure(
        `${modelKey}: ${url} answered ${response.status} ${response.statusText}${statusSaid(response, scrub(body))}`,
        { retryable: isRetryableStatus(response.status), status: response.status, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
        body,
      );
    }
    try {
      return readAgentReply(body, 'json', request.tools);
    } catch (error) {
      if (!(error instanceof UnusableReply)) throw error;
      throw unusableAnswerError(modelKey, entry, url, error);
    }
  };
  return new WireAdapter(call, { modelKey, toolCalling: entry.prompt !== 'text', textFormatBecause: `models.${modelKey}.prompt is text: the endpoint reads how to write actions as blocks, or answers tool_calls` });
}

/** What follows the status of an answer that is not 2xx: what to check, or what the endpoint said. */
function statusSaid(response: Response, body: string): string {
  if (response.status === 401 || response.status === 403) return ' (check the headers org.yaml names for it)';
  const said = body === '' ? '' : `: ${body}`;
  // A 3xx that redirectTarget does not take: none without a location, nor a 300 or a 304, is followed.
  if (response.status >= 300 && response.status < 400) return `${response.headers.has('location') ? ', a redirect lemming does not follow' : ' without a location to follow'}${said}`;
  return `: ${body}`;
}

/** The innermost reason a request failed ("connect ECONNREFUSED 127.0.0.1:8931"), not fetch's bare "fetch failed". */
function innermost(error: unknown): string {
  let reason: unknown = error;
  for (let depth = 0; depth < 4 && reason instanceof Error && reason.cause instanceof Error; depth += 1) reason = reason.cause;
  return reason instanceof Error ? reason.message : String(reason);
}
