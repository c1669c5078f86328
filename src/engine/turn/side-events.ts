/**
 * Events that happen inside a model call (a retry about to wait) pushed from a callback,
 * to be yielded between the results of the turn's calls as soon as they happen.
 */
export class SideEvents<E> {
  private readonly queued: E[] = [];
  private wake: (() => void) | undefined;

  push(event: E): void {
    this.queued.push(event);
    this.wake?.();
  }

  /** Everything pushed so far, in order; the queue is left empty. */
  take(): E[] {
    return this.queued.splice(0, this.queued.length);
  }

  /** Resolves at the next push (at once if something waits already). */
  next(): Promise<void> {
    if (this.queued.length > 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined;
        resolve();
      };
    });
  }
}

/**
 * The results of `source` with the side events between them, each as soon as it is
 * there: `{ event }` for a side event, `{ result }` for a result. Side events pushed
 * before a result arrives come before it.
 */
export async function* withSideEvents<R, E>(source: AsyncIterable<R>, side: SideEvents<E>): AsyncGenerator<{ event: E } | { result: R }> {
  const iterator = source[Symbol.asyncIterator]();
  // One promise per step, raced again until it settles, so a failure of the source is always handled.
  const nextStep = () => iterator.next().then((step) => ({ step }));
  let pending = nextStep();
  for (;;) {
    const winner = await Promise.race([pending, side.next().then(() => undefined)]);
    for (const event of side.take()) yield { event };
    if (winner === undefined) continue;
    if (winner.step.done) return;
    yield { result: winner.step.value };
    pending = nextStep();
  }
}
