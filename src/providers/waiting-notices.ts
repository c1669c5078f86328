import type { Provider, ProviderRequest, ProviderResponse, RetryNotice } from './provider.js';

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

/** A call in flight, watched for how long it has waited. */
interface Watched {
  /** When the attempt began (performance.now()), or begins, after a retry's backoff. */
  start: number;
  /** The wait at which the next notice is due. */
  dueMs: number;
  firstMs: number;
  tell(waitedMs: number): void;
}

/** Every call in flight that says when it waits long: one timer looks at them all. */
const watched = new Set<Watched>();
let ticker: NodeJS.Timeout | undefined;
let tickMs = 0;

function tick(): void {
  if (watched.size === 0) {
    // Nothing in flight since the last look: the timer goes, so an idle process keeps none.
    clearInterval(ticker);
    ticker = undefined;
    return;
  }
  const now = performance.now();
  for (const call of watched) {
    // The wait it was due at: a look that comes late must not make the numbers ragged (10.3 s, 20.7 s).
    while (now - call.start >= call.dueMs) {
      call.tell(call.dueMs);
      call.dueMs = nextNoticeAt(call.dueMs, call.firstMs);
    }
  }
}

/**
 * Watch a call until it is unwatched. One timer serves every call in flight (a turn may have
 * hundreds), looking often enough for the shortest first notice; it is made with the first call
 * and goes at the first look that finds none (unref'd meanwhile, it keeps no process alive). A
 * turn of an instant model makes and clears no timer per call: a set's add and delete.
 */
function watch(call: Watched): void {
  watched.add(call);
  const every = call.firstMs >= 4_000 ? 1_000 : Math.max(1, Math.floor(call.firstMs / 4));
  if (ticker === undefined || every < tickMs) {
    clearInterval(ticker);
    tickMs = every;
    ticker = setInterval(tick, every);
    ticker.unref();
  }
}

/**
 * Tells `request.onWaiting` while a call to one model is in flight long: a server that
 * accepted the request and stopped answering is seen long before `timeout_ms` ends the
 * attempt. The clock starts again at each retry, once its backoff is over. The call stops
 * being watched when it ends, however it ends.
 */
export class WaitingNoticeProvider implements Provider {
  constructor(
    private readonly inner: Provider,
    private readonly firstMs: number,
  ) {}

  async generate(request: ProviderRequest): Promise<ProviderResponse> {
    const { onWaiting } = request;
    if (!onWaiting) return this.inner.generate(request);
    const call: Watched = { start: performance.now(), dueMs: this.firstMs, firstMs: this.firstMs, tell: (waitedMs) => onWaiting({ modelKey: request.modelKey, waitedMs }) };
    watch(call);
    try {
      // Assigned, not spread into a literal with a field after it (a dictionary object, some 600 bytes a call in V8).
      return await this.inner.generate(Object.assign({}, request, {
        onRetry: (retry: RetryNotice) => {
          // The backoff is lemming's own wait, not the server's: the clock starts when the next attempt does.
          call.start = performance.now() + retry.waitMs;
          call.dueMs = this.firstMs;
          request.onRetry?.(retry);
        },
      }));
    } finally {
      watched.delete(call);
    }
  }
}
