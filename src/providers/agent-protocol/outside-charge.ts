import type { ModelEntry } from '../../org/schema.js';
import { ProviderError } from '../provider-error.js';
import type { AnsweredUsage } from '../provider.js';
import type { ReportedUsage } from '../usage.js';
import { isReportedCount } from '../usage-gate.js';

/**
 * The one rule of what an outside agent's call costs (docs/outside-agents.md, "What a call costs, however it ends"):
 * a call that ran (the program was started; the endpoint answered a 2xx or a 5xx)
 * is charged whatever its ending, because its work happened: its `price_per_call`, plus the tokens
 * it reported, if it did. A call that never ran (the program could not be started, a refusal before
 * work, no answer at all) is charged nothing. This says *that* a run is charged; money/charge.ts
 * (`priceCall`) says *how much*, as for every answer. Retries are each a run: the retrying
 * provider gathers every failed attempt's charge, and the engine journals them with the call's
 * outcome, the answer's or the failure's.
 *
 * The run as an answer the ledger charges, or none when it would cost nothing (no price per call,
 * no tokens reported): a charge line of 0 credits says nothing. Pure.
 */
export function ranCharge(modelKey: string, entry: Pick<ModelEntry, 'price_per_call'>, reported?: ReportedUsage): AnsweredUsage[] {
  const count = (value: unknown): number => (isReportedCount(value) ? value : 0);
  const inputTokens = count(reported?.inputTokens);
  const outputTokens = count(reported?.outputTokens);
  if (inputTokens === 0 && outputTokens === 0 && (entry.price_per_call ?? 0) <= 0) return [];
  // A run that gave no count is counted none by lemming (marked so): the usage gate holds only a reported count to the prompt (admitFailure).
  const counted = isReportedCount(reported?.inputTokens) || isReportedCount(reported?.outputTokens);
  return [{ modelKey, usage: { inputTokens, outputTokens, estimated: !counted } }];
}

/** A failure of a call that ran: the ProviderError it is, carrying the run's charge (see ranCharge). */
export function ranAndFailed(
  modelKey: string,
  entry: Pick<ModelEntry, 'price_per_call'>,
  message: string,
  options: { retryable: boolean; status?: number; retryAfterMs?: number },
  reported?: ReportedUsage,
): ProviderError {
  return new ProviderError(message, { ...options, unusable: ranCharge(modelKey, entry, reported) });
}

/**
 * Whether an HTTP agent that answered `status` did work: a 2xx or a 5xx. By a 4xx it refused the
 * request before doing any; by a 3xx it sent the call elsewhere, where lemming does not follow.
 */
export function statusRan(status: number): boolean {
  return status < 300 || status >= 500;
}
