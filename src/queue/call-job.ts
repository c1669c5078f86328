import { createHash } from 'node:crypto';
import type { ModelEntry } from '../org/schema.js';
import { ProviderError, RECORDED_CODES } from '../providers/provider-error.js';
import type { AnsweredUsage, ProviderRequest, ProviderResponse, RetryNotice } from '../providers/provider.js';

/**
 * What a job carries to a worker: the request as the engine built it and the registry
 * entry to answer it with. Never a key: a worker finds the key its entry names
 * (`api_key_env`, or the vendor's usual variable) in its own environment or `.env`.
 */
export interface CallJobData {
  modelKey: string;
  entry: ModelEntry;
  request: Omit<ProviderRequest, 'signal' | 'creditsLeft' | 'systemParts'>;
}

/** What a job answers: the provider's response as the engine journals it. */
export type CallJobResult = ProviderResponse;

/** What a worker reports while it makes a call (BullMQ's job progress): a retry its provider is about to wait for. */
export interface CallProgress {
  retry: RetryNotice;
}

/** The retry a job's progress reports, or undefined for anything else (progress someone else wrote). */
export function retryOf(progress: unknown): RetryNotice | undefined {
  const retry = (progress as Partial<CallProgress> | null)?.retry as Partial<RetryNotice> | undefined;
  if (!retry || typeof retry !== 'object') return undefined;
  const { modelKey, attempt, attempts, waitMs, cause } = retry;
  if (typeof modelKey !== 'string' || typeof attempt !== 'number' || typeof attempts !== 'number' || typeof waitMs !== 'number' || typeof cause !== 'string') return undefined;
  return { modelKey, attempt, attempts, waitMs, cause };
}

/** A failed call as a worker reports it in the job's failed reason, so the engine can rebuild the ProviderError. */
interface CallFailure {
  message: string;
  retryable: boolean;
  status?: number;
  /** The error's code, when the engine acts on it (RECORDED_CODES: a prompt too long, a refused key, an answer too large), as for a local call. */
  code?: string;
  /** Answers of the failed call that are charged all the same (an unusable answer, an agent program's run): the engine charges them as for a local call. */
  unusable?: AnsweredUsage[];
}

/** The job for one request: the abort signal stays with the engine, the fallback's budget is the engine's business, and the system prompt goes once, joined. */
export function callJobData(modelKey: string, entry: ModelEntry, request: ProviderRequest): CallJobData {
  const { signal: _signal, creditsLeft: _creditsLeft, systemParts: _systemParts, ...rest } = request;
  return { modelKey, entry, request: rest };
}

/**
 * The job id of one call: the org (its name and folder), the turn, the agent, the step
 * (assistant turns already in the conversation) and a digest of the request, the turn's
 * plan included (`request.plan`). The same call sent again (an engine that crashed and
 * finished its turn, a retried submission) has the same id, and BullMQ does not add a job
 * whose id it holds: one call, one effect. The digest keeps an edited prompt, another org
 * with the same name, or the same turn planned afresh (after a reset) from reading someone
 * else's answer. BullMQ ids may not hold ':'.
 */
export function callJobId(orgName: string, root: string, data: CallJobData): string {
  const request = data.request;
  const step = request.messages.filter((message) => message.role === 'assistant').length;
  return `${orgSlug(orgName)}.t${request.turn}.${request.agent}.s${step}.${jobDigest(root, data)}`;
}

/** The org's name as the start of a job id (BullMQ ids may not hold ':'). */
export function orgSlug(orgName: string): string {
  return orgName.toLowerCase().replace(/[^a-z0-9-]+/g, '-').slice(0, 40) || 'org';
}

/** A digest of the org's folder and a job's data: another org, or an edited call, gets another job. */
export function jobDigest(root: string, data: unknown): string {
  return createHash('sha256').update(root).update('\0').update(JSON.stringify(data)).digest('hex').slice(0, 16);
}

/** A worker's failure, as the text of a failed job. */
export function encodeFailure(error: unknown): string {
  const failure: CallFailure = {
    message: error instanceof Error ? error.message : String(error),
    retryable: error instanceof ProviderError ? error.retryable : false,
    ...(error instanceof ProviderError && error.status !== undefined ? { status: error.status } : {}),
    ...(error instanceof ProviderError && error.unusable !== undefined ? { unusable: error.unusable } : {}),
    ...(error instanceof ProviderError && error.code !== undefined && RECORDED_CODES.has(error.code) ? { code: error.code } : {}),
  };
  return JSON.stringify(failure);
}

/** A failed job's reason as the ProviderError the engine records for the agent (BullMQ's own reasons, such as a stalled job, included). */
export function decodeFailure(reason: string, modelKey: string): ProviderError {
  try {
    const failure = JSON.parse(reason) as CallFailure;
    if (typeof failure.message === 'string') {
      return new ProviderError(failure.message, {
        retryable: failure.retryable === true,
        ...(failure.status === undefined ? {} : { status: failure.status }),
        ...(Array.isArray(failure.unusable) ? { unusable: failure.unusable } : {}),
        ...(typeof failure.code === 'string' && RECORDED_CODES.has(failure.code) ? { code: failure.code } : {}),
      });
    }
  } catch {
    // Not one of ours: say what BullMQ said.
  }
  return new ProviderError(`the worker's job for ${modelKey} failed: ${reason}`, { retryable: false });
}
