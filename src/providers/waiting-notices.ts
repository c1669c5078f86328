import type { Provider, ProviderRequest, ProviderResponse } from './provider.js';

/** org.yaml `engine.waiting_notice_ms` when an org read before the setting existed has none. */
export const WAITING_NOTICE_MS = 10_000;

/** Notices never come further apart than this (unless the first one is later still). */
const LONGEST_GAP_MS = 30_000;

/**
 * When a call has waited `firstMs` for its model, and after: the waits double (at
 * `firstMs`, 2×, 4×…) until they are `LONGEST_GAP_MS` apart, then keep that pace, so
 * 10 s gives 10, 20, 40, 70, 100 s. Pure.
 */
export function nextNoticeAt(waitedMs: number, firstMs: number): number {
  if (waitedMs < firstMs) return firstMs;
  return waitedMs + Math.min(waitedMs, Math.max(firstMs, LONGEST_GAP_MS));
}

/**
 * Tells `request.onWaiting` while a call to one model is in flight long: a server that
 * accepted the request and stopped answering is seen long before `timeout_ms` ends the
 * attempt. The clock starts again at each retry, once its backoff is over. Every timer is
 * cleared when the call ends, however it ends.
 */
export class WaitingNoticeProvider implements Provider {
  constructor(
    private readonly inner: Provider,
    private readonly firstMs: number,
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const { onWaiting } = request;
    if (!onWaiting) return this.inner.generate(request);
    let timer: NodeJS.Timeout | undefined;
    /** Start the clock for an attempt that begins in `delayMs`. */
    const watch = (delayMs: number): void => {
      clearTimeout(timer);
      const start = performance.now() + delayMs;
      /** Say so once the attempt has waited `dueMs`, and schedule the next notice. */
      const noticeAt = (dueMs: number): void => {
        timer = setTimeout(() => {
          // The wait it was due at: a timer that fires late must not make the numbers ragged (10.3 s, 20.7 s).
          onWaiting({ modelKey: request.modelKey, waitedMs: dueMs });
          noticeAt(nextNoticeAt(dueMs, this.firstMs));
        }, Math.max(0, start + dueMs - performance.now()));
      };
      noticeAt(this.firstMs);
    };
    watch(0);
    try {
      return await this.inner.generate({
        ...request,
        onRetry: (retry) => {
          // The backoff is lemming's own wait, not the server's: the clock starts when the next attempt does.
          watch(retry.waitMs);
          request.onRetry?.(retry);
        },
      });
    } finally {
      clearTimeout(timer);
    }
  }
}
