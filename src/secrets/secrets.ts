import { SecretSet } from './secret-set.js';

/**
 * The process's one set of secrets: the values of every variable the org names (model keys,
 * MCP `env:` and `headers:`) and every value in the org root's `.env`, registered when the org
 * is loaded and whenever a value is looked up (key-lookup.ts). Every writer calls `cutSecrets`
 * (or `withoutSecrets`) before text leaves the process: a file, a log, a trace, a cassette, a
 * job in Redis, an API answer, a line on the terminal. With nothing registered (the offline
 * org, the benchmarks) a cut is one look at an empty set.
 */
const known = new SecretSet();

/** Know `value` as the secret held by `variable`; a value shorter than MIN_SECRET_LENGTH is not one (false). */
export function registerSecret(variable: string, value: string | undefined): boolean {
  return value !== undefined && known.add(variable, value);
}

/**
 * Every secret known, as [variable, value]: only for a worker thread of this process, whose own
 * set starts empty (the dashboard's watch thread, which writes the search index).
 */
export function knownSecrets(): Array<[variable: string, value: string]> {
  return known.entries();
}

/** Whether any secret is known: a writer with a costly way to cut may ask first. */
export function hasSecrets(): boolean {
  return known.size > 0;
}

/** `text` with every known secret replaced by `[secret VARIABLE]`. */
export function cutSecrets(text: string): string {
  return known.size === 0 ? text : known.cut(text);
}

/** A value with every string in it cut (see SecretSet.cutIn): the same value when there was nothing to cut. */
export function withoutSecrets<T>(value: T): T {
  return known.size === 0 ? value : known.cutIn(value);
}

/**
 * An error whose message and stack are cut, for a thrown error that is about to be stored or
 * shown (a worker's failed job keeps both in Redis). The same object, so its class and fields stay.
 */
export function errorWithoutSecrets<T>(error: T): T {
  if (known.size === 0 || !(error instanceof Error)) return error;
  error.message = known.cut(error.message);
  if (error.stack !== undefined) error.stack = known.cut(error.stack);
  return error;
}
