import { onAbort } from './abort-listeners.js';

/** Waits `ms` milliseconds; injected into retries and rate limits so tests need not wait. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A real wait that ends early, with the signal's reason, when the run is stopped. */
export const sleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      stopListening();
      resolve();
    }, Math.max(0, ms));
    const stopListening = signal
      ? onAbort(signal, () => {
          clearTimeout(timer);
          reject(signal.reason);
        })
      : () => undefined;
  });
