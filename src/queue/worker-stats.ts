/** What a worker has done since it started, for `--health-port`'s `/metrics` and `/readyz`. */
export class WorkerStats {
  /** Jobs taken from a queue. */
  taken = 0;
  /** Jobs answered. */
  completed = 0;
  /** Jobs whose call failed (the engine retries or reports it). */
  failed = 0;
  /** Retries made inside a call (a 429, a 5xx), as the provider told them. */
  retried = 0;
  /** Jobs handed back to the queue by a stop that could not wait for them. */
  handedBack = 0;
  /** Jobs in progress now. */
  inFlight = 0;
  /** Seconds each finished job took, answered or failed. */
  readonly latencies: number[] = [];

  started(): () => void {
    this.taken += 1;
    this.inFlight += 1;
    const at = performance.now();
    return () => {
      this.inFlight -= 1;
      // Kept bounded: the histogram is built from the last ones; the counters stay exact.
      if (this.latencies.length >= 10_000) this.latencies.splice(0, 5_000);
      this.latencies.push((performance.now() - at) / 1000);
    };
  }
}
