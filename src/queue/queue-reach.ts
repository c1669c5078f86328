import { ProviderError } from '../providers/provider-error.js';
import { showSeconds } from './queue-checks.js';
import { notices, type QueueNoticeListener } from './queue-notice.js';

/**
 * Whether Redis answers the engine, as the worker watch's checks find it. A Redis that stops
 * answering is said at once (`workers-unseen`), and again when it answers (`queue-back`); one
 * silent for `boundMs` ends every wait on it with a fatal error, so the run stops with one line
 * instead of waiting for ever (ioredis would queue its commands until Redis came back).
 */
export class QueueReach {
  private silentSince: number | undefined;
  private told = false;
  private gaveUp: ProviderError | undefined;
  /** Every wait `guard` holds, rejected together when Redis has been silent too long. */
  private readonly waits = new Set<(error: ProviderError) => void>();

  constructor(
    private readonly address: string,
    private readonly boundMs: number,
    private readonly notify: QueueNoticeListener,
    private readonly now: () => number = Date.now,
  ) {}

  /** A check got an answer. */
  answered(): void {
    if (this.silentSince === undefined || this.gaveUp) return;
    this.silentSince = undefined;
    if (this.told) this.notify(notices.back(this.address));
    this.told = false;
  }

  /** A check that started at `startedAt` got no answer, for `cause`. */
  silent(cause: string, startedAt: number): void {
    if (this.gaveUp) return;
    this.silentSince ??= startedAt;
    if (!this.told) this.notify(notices.unseen(this.address, cause, this.boundMs));
    this.told = true;
    if (this.now() - this.silentSince < this.boundMs) return;
    const error = new ProviderError(
      `the queue at ${this.address} has not answered for ${showSeconds(this.boundMs)} (${cause}); start Redis there and run again: the next run resumes this turn`,
      { retryable: false, fatal: true, code: 'queue-unreachable' },
    );
    this.gaveUp = error;
    for (const reject of this.waits) reject(error);
    this.waits.clear();
  }

  /** The error that ended the run's waits, once Redis has been silent past the bound. */
  get failure(): ProviderError | undefined {
    return this.gaveUp;
  }

  /** `promise`, unless Redis stays silent past the bound first: then the fatal error that stops the run. */
  guard<T>(promise: Promise<T>): Promise<T> {
    if (this.gaveUp) return Promise.reject(this.gaveUp);
    return new Promise<T>((resolve, reject) => {
      this.waits.add(reject);
      promise.then(resolve, reject).finally(() => this.waits.delete(reject));
    });
  }
}
