import { onAbort } from './abort-listeners.js';

/** A call's own signal, stopped by its caller or by the time it may take, whichever comes first. */
export interface CallDeadline {
  /** The signal to give the request: aborted by the caller or by the time, whichever is first. */
  signal: AbortSignal;
  /** True once the time ran out before the caller stopped the call. */
  readonly timedOut: boolean;
  /** The call is over: its timer and its listener on the caller's signal go. Call it in a `finally`. */
  end(): void;
}

/**
 * The one way a provider's request gets its signal: aborted with the caller's reason when
 * `caller` aborts, or with `timeoutReason()` after `timeoutMs`. One controller and one timer,
 * where `AbortSignal.timeout` and `AbortSignal.any` cost some 15 µs a call more (Node makes their
 * signals transferable) and `any` ties every call's signal to the run's outside onAbort; the
 * caller's signal is listened to through onAbort (abort-listeners.ts), once, and no longer after `end`.
 */
export function callDeadline(caller: AbortSignal | undefined, timeoutMs: number, timeoutReason: () => unknown = () => new DOMException('The operation timed out.', 'TimeoutError')): CallDeadline {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    if (controller.signal.aborted) return;
    timedOut = true;
    controller.abort(timeoutReason());
  }, timeoutMs);
  const stopListening = caller ? onAbort(caller, () => controller.abort(caller.reason)) : undefined;
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    end() {
      clearTimeout(timer);
      stopListening?.();
    },
  };
}
