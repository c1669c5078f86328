/**
 * A run has one abort signal and makes thousands of calls on it, up to `concurrency` at
 * once, each of which may wait on it in several places (a retry's backoff, a rate limit,
 * the vendor's request). A listener per wait, even one removed when the wait ends, puts more
 * than ten on the signal at once, and Node warns of a leak (MaxListenersExceededWarning);
 * one left behind per call (as the OpenAI SDK leaves on the signal it is given) is a leak.
 * So every wait on a signal goes through here: the signal gets one listener, whoever waits,
 * and none once nobody does.
 */

interface Waiters {
  handlers: Set<() => void>;
  listener: () => void;
}

const waitersBySignal = new WeakMap<AbortSignal, Waiters>();

/**
 * Call `handler` when `signal` aborts (at once when it already has); the function returned
 * stops listening, and must be called when the wait ends.
 */
export function onAbort(signal: AbortSignal, handler: () => void): () => void {
  if (signal.aborted) {
    handler();
    return () => undefined;
  }
  let waiters = waitersBySignal.get(signal);
  if (!waiters) {
    const handlers = new Set<() => void>();
    const listener = (): void => {
      waitersBySignal.delete(signal);
      for (const each of [...handlers]) each();
      handlers.clear();
    };
    waiters = { handlers, listener };
    waitersBySignal.set(signal, waiters);
    signal.addEventListener('abort', listener, { once: true });
  }
  const { handlers, listener } = waiters;
  // A handler given twice is called once, and each wait owns its entry: wrap it.
  const entry = (): void => handler();
  handlers.add(entry);
  return () => {
    if (!handlers.delete(entry) || handlers.size > 0 || waitersBySignal.get(signal) !== waiters) return;
    waitersBySignal.delete(signal);
    signal.removeEventListener('abort', listener);
  };
}
