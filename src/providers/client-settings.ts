import type { ModelEntry } from '../org/schema.js';
import type { KeyLookup } from '../secrets/key-lookup.js';
import { MODEL_DEFAULTS } from './model-defaults.js';
import type { ErrorContext } from './sdk-error.js';

/** Everything a vendor client is built from: one registry entry and its key. */
export interface ClientSettings {
  modelKey: string;
  entry: ModelEntry;
  /** The key itself. Handed to the SDK only; never logged, recorded or put in an error. */
  apiKey: string;
  /** Where the key came from, to name in errors. */
  keyVariable?: string;
  /** A `fetch` for the SDK to use instead of the global one (tests). */
  fetch?: typeof fetch;
  /** The org root, where an agent program runs (in the agent's workspace) and a relative `command` is found. */
  root?: string;
  /** Where an agent program's `env:` and an HTTP agent's `headers:` values are looked up. */
  lookup?: KeyLookup;
}

/**
 * The constructor options both SDKs take (Stainless-generated clients). Their own retries are off:
 * lemming's retrying decorator owns the policy (and honours Retry-After the same way for every
 * vendor); their logging is off so nothing reaches the terminal behind the engine's back.
 */
export function sdkOptions(settings: ClientSettings) {
  return {
    apiKey: settings.apiKey,
    timeout: settings.entry.timeout_ms ?? MODEL_DEFAULTS.timeoutMs,
    maxRetries: 0,
    logLevel: 'off' as const,
    ...(settings.entry.base_url === undefined ? {} : { baseURL: settings.entry.base_url }),
    ...(settings.fetch === undefined ? {} : { fetch: settings.fetch }),
  };
}

/** What error messages about this entry may say. */
export function errorContext(settings: ClientSettings, defaultBaseURL: string): ErrorContext {
  return {
    modelKey: settings.modelKey,
    baseURL: settings.entry.base_url ?? defaultBaseURL,
    timeoutMs: settings.entry.timeout_ms ?? MODEL_DEFAULTS.timeoutMs,
    ...(settings.keyVariable === undefined ? {} : { keyVariable: settings.keyVariable }),
  };
}
