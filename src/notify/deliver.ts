import { errorMessage } from '../errors.js';
import type { NotifyTarget } from '../org/schema.js';
import { isRetryableStatus } from '../providers/provider-error.js';
import { redirectTarget } from '../providers/response-body.js';
import { parseRetryAfter } from '../providers/retry-after.js';
import type { Sleep } from '../providers/sleep.js';
import type { KeyLookup } from '../secrets/key-lookup.js';

/** One line of `org/state/notifications.jsonl`: an attempt to tell a person, and how it went. */
export interface DeliveryRecord {
  at: string;
  /** `notify.0`: the entry of org.yaml. */
  target: string;
  event: string;
  turn: number;
  title: string;
  attempt: number;
  attempts: number;
  outcome: 'delivered' | 'retrying' | 'failed' | 'skipped' | 'abandoned';
  status?: number;
  error?: string;
}

/** What a delivery needs from outside: the environment's values, the log, a clock, a way to wait and to POST. */
export interface DeliveryContext {
  lookup: KeyLookup;
  log(record: DeliveryRecord): void;
  now(): string;
  sleep: Sleep;
  fetch: typeof fetch;
  /** Aborted when the process must stop waiting for deliveries (see Notifier.settle). */
  signal: AbortSignal;
}

/** The longest a Retry-After is waited for, and the longest backoff. */
const LONGEST_WAIT_MS = 30_000;

/** The wait before retry `attempt` (from 0): 1 s, 2 s, 4 s ..., at most 30 s. */
export function notifyBackoff(attempt: number): number {
  return Math.min(LONGEST_WAIT_MS, 1_000 * 2 ** attempt);
}

/**
 * POST one notification to one target, trying again (1 s, 2 s, 4 s ... or what Retry-After asks)
 * after a refused connection, a timeout, 408, 429 or 5xx, up to the target's `retries`. Every
 * attempt is logged. The URL and headers come from the environment (each one a secret); a variable
 * that is not set skips the target, logged. A redirect is not followed (fetch would post the
 * notification, and every header but `authorization`, to wherever it points): it fails, naming
 * where it pointed. Never throws.
 */
export async function deliver(target: NotifyTarget, index: number, body: Record<string, unknown>, about: Pick<DeliveryRecord, 'event' | 'turn' | 'title'>, context: DeliveryContext): Promise<boolean> {
  const attempts = target.retries + 1;
  const record = (attempt: number, outcome: DeliveryRecord['outcome'], extra: Pick<DeliveryRecord, 'status' | 'error'> = {}): void =>
    context.log({ at: context.now(), target: `notify.${index}`, ...about, attempt, attempts, outcome, ...extra });
  const url = context.lookup(target.url_env);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const missing = [target.url_env, ...Object.values(target.headers)].find((variable) => context.lookup(variable) === undefined);
  if (url === undefined || missing !== undefined) {
    record(0, 'skipped', { error: `${missing ?? target.url_env} is not set` });
    return false;
  }
  for (const [name, variable] of Object.entries(target.headers)) headers[name] = context.lookup(variable) ?? '';
  for (let attempt = 1; attempt <= attempts; attempt += 1) {
    if (context.signal.aborted) {
      record(attempt, 'abandoned', { error: 'the process ended before it could be delivered' });
      return false;
    }
    let retryAfterMs: number | undefined;
    let failure: Pick<DeliveryRecord, 'status' | 'error'>;
    let retryable: boolean;
    try {
      // A redirect is not followed (response-body.ts, redirectTarget): the notification and its headers go to the URL or nowhere.
      const response = await context.fetch(url, { method: 'POST', headers, body: JSON.stringify(body), signal: AbortSignal.any([context.signal, AbortSignal.timeout(target.timeout_ms)]), redirect: 'manual' });
      const redirected = redirectTarget(response, url);
      if (redirected === undefined) await response.arrayBuffer().catch(() => undefined);
      else await response.body?.cancel().catch(() => undefined);
      if (response.ok) {
        record(attempt, 'delivered', { status: response.status });
        return true;
      }
      retryAfterMs = parseRetryAfter(response.headers);
      failure = {
        status: response.status,
        ...(redirected === undefined
          ? {}
          : { error: `the webhook redirected the notification to ${redirected}; lemming posts only to the URL ${target.url_env} holds, so it did not follow: set ${target.url_env} to where the webhook points` }),
      };
      retryable = isRetryableStatus(response.status);
    } catch (error) {
      failure = { error: innermost(error) };
      retryable = !context.signal.aborted;
    }
    if (!retryable || attempt === attempts) {
      record(attempt, 'failed', failure);
      return false;
    }
    record(attempt, 'retrying', failure);
    try {
      await context.sleep(Math.min(retryAfterMs ?? notifyBackoff(attempt - 1), LONGEST_WAIT_MS), context.signal);
    } catch {
      // Stopped waiting: said at the top of the next attempt.
    }
  }
  return false;
}

/** The innermost reason a request failed ("connect ECONNREFUSED 127.0.0.1:9"), not fetch's bare "fetch failed". */
function innermost(error: unknown): string {
  let reason: unknown = error;
  for (let depth = 0; depth < 4 && reason instanceof Error && reason.cause instanceof Error; depth += 1) reason = reason.cause;
  return errorMessage(reason);
}
