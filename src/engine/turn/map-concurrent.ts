/**
 * Run `worker` over `items` with at most `limit` running at once, yielding each
 * result as soon as it is ready (completion order, not input order). Stops
 * starting new work once `signal` is aborted.
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
  const start = (): void => {
    while (running < limit && next < items.length && !signal?.aborted) {
      const item = items[next] as T;
      next += 1;
      running += 1;
      worker(item).then(
        (result) => {
          ready.push(result);
          running -= 1;
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
}
