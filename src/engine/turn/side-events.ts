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
    return this.queued.length === 0 ? [] : this.queued.splice(0, this.queued.length);
  }

  /** Whether something was pushed and not taken yet. */
  get waiting(): boolean {
    return this.queued.length > 0;
  }

  /** Call `wake` at the next push (only the last function given is called). */
  onPush(wake: () => void): void {
    this.wake = wake;
  }
}

type Step<R> = { result: IteratorResult<R> } | { error: unknown };

/**
 * The results of `source` with the side events between them, each as soon as it is
 * there: `{ event }` for a side event, `{ result }` for a result. Side events pushed
 * before a result arrives come before it.
 *
 * Every event of a turn passes through here (twice: the calls' results, and the engine's
 * notices), so a step costs one promise for the source's next value and, only when that
 * is not there yet, one to wait on; no race of fresh promises per step.
 */
export async function* withSideEvents<R, E>(source: AsyncIterable<R>, side: SideEvents<E>): AsyncGenerator<{ event: E } | { result: R }> {
  const iterator = source[Symbol.asyncIterator]();
  let step: Step<R> | undefined;
  let wake: (() => void) | undefined;
  const arrived = (value: Step<R>): void => {
    step = value;
    wake?.();
  };
  // Both outcomes are handled here, so a failure of the source is never an unhandled rejection.
  const requestStep = (): void => {
    iterator.next().then(
      (result) => arrived({ result }),
      (error: unknown) => arrived({ error }),
    );
  };
  requestStep();
  for (;;) {
    if (step === undefined && !side.waiting) {
      await new Promise<void>((resolve) => {
        wake = resolve;
        side.onPush(resolve);
      });
      wake = undefined;
    }
    for (const event of side.take()) yield { event };
    const current = step;
    if (current === undefined) continue;
    step = undefined;
    if ('error' in current) throw current.error;
    if (current.result.done) return;
    yield { result: current.result.value };
    requestStep();
  }
}
