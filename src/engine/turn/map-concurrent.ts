/**
 * Run `worker` over `items` with at most `limit` running at once, yielding each
 * result as soon as it is ready (completion order, not input order). A slot that
 * frees starts the next item at once, before the results ready are taken: with
 * 8 calls of a 200 ms model ending together, the eighth lane waited for the
 * other seven answers to be applied (some 11 ms a wave, 150 ms of a 100-agent
 * turn), as long as no more than `limit` results wait to be taken. Stops
 * starting new work once `signal` is aborted, a worker failed, or the caller
 * stopped taking results.
 */
export async function* mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  worker: (item: T) => Promise<R>,
  signal?: AbortSignal,
): AsyncGenerator<R> {
  const ready: R[] = [];
  let wake: (() => void) | undefined;
  let next = 0;
  let running = 0;
  let failure: { error: unknown } | undefined;
  let closed = false;
  const start = (): void => {
    // At most `limit` results wait to be taken besides those running: a model that answers at once does not get the
    // whole list called ahead of the caller (all its answers held at once).
    while (running < limit && ready.length <= limit && next < items.length && !failure && !closed && !signal?.aborted) {
      const item = items[next] as T;
      next += 1;
      running += 1;
      worker(item).then(
        (result) => {
          ready.push(result);
          running -= 1;
          start();
          wake?.();
        },
        (error: unknown) => {
          failure ??= { error };
          running -= 1;
          wake?.();
        },
      );
    }
  };
  try {
    start();
    while (running > 0 || ready.length > 0) {
      if (ready.length === 0) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (failure) throw failure.error;
      while (ready.length > 0) yield ready.shift() as R;
      start();
    }
  } finally {
    closed = true;
  }
}
