import { onAbort } from './abort-listeners.js';
import { sleep as realSleep, type Sleep } from './sleep.js';

/** The limits of one registry entry (org.yaml `models.<key>.limits`). */
export interface RateLimits {
  /** Requests in flight at once. */
  concurrency?: number;
  requestsPerMinute?: number;
  tokensPerMinute?: number;
}

/** The clock and the wait a limiter uses; injected so tests need not wait a minute. */
export interface RateLimiterEnvironment {
  /** Milliseconds on a monotonic clock. */
  now?: () => number;
  sleep?: Sleep;
}

/** A request let through: release it when its answer (or failure) is in. */
export interface Permit {
  /** Frees the concurrency slot; `tokens` replaces the estimate with what the provider reported. */
  release(tokens?: number): void;
}

const WINDOW_MS = 60_000;

/**
 * Makes callers wait, first come first served, until a request fits the limits:
 * at most `concurrency` in flight, `requestsPerMinute` and `tokensPerMinute` over a
 * sliding minute. The engine waits here rather than bursting into 429s. A single
 * request larger than the whole token budget goes alone, once the minute is clear.
 */
export class RateLimiter {
  private readonly now: () => number;
  private readonly sleep: Sleep;
  private readonly window: Array<{ at: number; tokens: number }> = [];
  private inFlight = 0;
  private queue: Promise<void> = Promise.resolve();
  private released: Array<() => void> = [];

  constructor(
    private readonly limits: RateLimits,
    environment: RateLimiterEnvironment = {},
  ) {
    this.now = environment.now ?? (() => performance.now());
    this.sleep = environment.sleep ?? realSleep;
  }

  /** Wait for room for a request of about `tokens` tokens. Rejects if the signal aborts while waiting. */
  async acquire(tokens: number, signal?: AbortSignal): Promise<Permit> {
    const admitted = this.queue.then(() => this.admit(tokens, signal));
    // The next caller waits for this one to be admitted (or to give up), never for its answer.
    this.queue = admitted.then(
      () => undefined,
      () => undefined,
    );
    return admitted;
  }

  private async admit(tokens: number, signal?: AbortSignal): Promise<Permit> {
    for (;;) {
      signal?.throwIfAborted();
      if (this.limits.concurrency !== undefined && this.inFlight >= this.limits.concurrency) {
        await this.nextRelease(signal);
        continue;
      }
      const wait = this.windowWait(tokens);
      if (wait <= 0) break;
      await this.sleep(wait, signal);
    }
    const entry = { at: this.now(), tokens };
    this.window.push(entry);
    this.inFlight += 1;
    let done = false;
    return {
      release: (actual) => {
        if (done) return;
        done = true;
        if (actual !== undefined) entry.tokens = actual;
        this.inFlight -= 1;
        const waiting = this.released;
        this.released = [];
        for (const wake of waiting) wake();
      },
    };
  }

  /** Milliseconds until a request of `tokens` fits the per-minute limits; 0 or less when it fits now. */
  private windowWait(tokens: number): number {
    const now = this.now();
    while (this.window.length > 0 && (this.window[0]?.at ?? 0) + WINDOW_MS <= now) this.window.shift();
    let wait = 0;
    const rpm = this.limits.requestsPerMinute;
    if (rpm !== undefined && this.window.length >= rpm) {
      const oldest = this.window[this.window.length - rpm];
      if (oldest) wait = Math.max(wait, oldest.at + WINDOW_MS - now);
    }
    const tpm = this.limits.tokensPerMinute;
    if (tpm !== undefined && this.window.length > 0) {
      let used = this.window.reduce((sum, entry) => sum + entry.tokens, 0);
      if (used + tokens > tpm) {
        // Wait until enough of the oldest requests leave the window (all of them, for an oversized request).
        for (const entry of this.window) {
          used -= entry.tokens;
          if (used + tokens <= tpm || used <= 0) {
            wait = Math.max(wait, entry.at + WINDOW_MS - now);
            break;
          }
        }
      }
    }
    return wait;
  }

  private nextRelease(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const stopListening = signal ? onAbort(signal, () => reject(signal.reason)) : () => undefined;
      this.released.push(() => {
        stopListening();
        resolve();
      });
    });
  }
}
