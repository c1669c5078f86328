import { describe, expect, test } from 'vitest';
import { mapConcurrent } from '../../src/engine/turn/map-concurrent.js';

/** Work items whose ends the test decides: each started item waits until `finish` is called for it. */
function controlledWork() {
  const started: number[] = [];
  const finishers = new Map<number, (value: number) => void>();
  const worker = (item: number): Promise<number> =>
    new Promise((resolve) => {
      started.push(item);
      finishers.set(item, resolve);
    });
  const finish = (item: number) => finishers.get(item)?.(item * 10);
  return { started, worker, finish };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('mapConcurrent (the turn\'s calls, `concurrency` at once)', () => {
  test('a slot that frees starts the next item at once, before the caller has taken the results ready', async () => {
    const { started, worker, finish } = controlledWork();
    const results = mapConcurrent([1, 2, 3, 4, 5], 2, worker);
    const first = results.next();
    await settle();
    expect(started).toEqual([1, 2]);
    // Both lanes end together; the caller is still busy with the first answer (it has not asked for the second).
    finish(1);
    finish(2);
    expect((await first).value).toBe(10);
    await settle();
    expect(started).toEqual([1, 2, 3, 4]);
    finish(3);
    finish(4);
    const rest: number[] = [];
    const taking = (async () => {
      for (;;) {
        const next = await results.next();
        if (next.done) return;
        rest.push(next.value);
        if (next.value === 40) finish(5);
      }
    })();
    await taking;
    expect(rest.sort((a, b) => a - b)).toEqual([20, 30, 40, 50]);
    expect(started).toEqual([1, 2, 3, 4, 5]);
  });

  test('a worker that answers at once does not get the whole list started ahead of the caller: at most `limit` results wait', async () => {
    const started: number[] = [];
    const results = mapConcurrent(Array.from({ length: 100 }, (_, index) => index), 2, async (item) => {
      started.push(item);
      return item;
    });
    await results.next();
    await settle();
    await settle();
    // 2 running and at most 3 waiting (the bound is checked as each one lands), beside the one taken.
    expect(started.length).toBeLessThanOrEqual(6);
    let taken = 1;
    for await (const _ of results) taken += 1;
    expect(taken).toBe(100);
    expect(started).toHaveLength(100);
  });

  test('nothing more starts once the caller stops taking results, a worker fails, or the signal aborts', async () => {
    const stopping = controlledWork();
    const stopped = mapConcurrent([1, 2, 3, 4], 1, stopping.worker);
    const first = stopped.next();
    await settle();
    stopping.finish(1);
    await first;
    await stopped.return(undefined);
    await settle();
    expect(stopping.started).toEqual([1, 2]);
    stopping.finish(2);
    await settle();
    expect(stopping.started).toEqual([1, 2]);

    let calls = 0;
    const failing = mapConcurrent([1, 2, 3], 1, async () => {
      calls += 1;
      throw new Error('boom');
    });
    await expect(failing.next()).rejects.toThrow('boom');
    expect(calls).toBe(1);

    const controller = new AbortController();
    const aborting = controlledWork();
    const aborted = mapConcurrent([1, 2, 3], 1, aborting.worker, controller.signal);
    const pending = aborted.next();
    await settle();
    controller.abort();
    aborting.finish(1);
    expect((await pending).value).toBe(10);
    expect((await aborted.next()).done).toBe(true);
    expect(aborting.started).toEqual([1]);
  });
});
