import { createHook } from 'node:async_hooks';
import { describe, expect, test } from 'vitest';
import { SideEvents, withSideEvents } from '../../src/engine/turn/side-events.js';

describe('side events between results', () => {
  test('events pushed while a result is awaited come out at once, before the result', async () => {
    const side = new SideEvents<string>();
    let release: (value: number) => void = () => undefined;
    async function* source(): AsyncGenerator<number> {
      yield await new Promise<number>((resolve) => (release = resolve));
    }
    const seen: unknown[] = [];
    const merged = withSideEvents(source(), side);
    const first = merged.next();
    side.push('retrying');
    seen.push((await first).value);
    release(7);
    for await (const item of merged) seen.push(item);
    expect(seen).toEqual([{ event: 'retrying' }, { result: 7 }]);
  });

  test('a source that fails after a side event won the race fails the merge, never as an unhandled rejection', async () => {
    const side = new SideEvents<string>();
    let fail: (error: Error) => void = () => undefined;
    async function* source(): AsyncGenerator<number> {
      yield await new Promise<number>((_resolve, reject) => (fail = reject));
    }
    const merged = withSideEvents(source(), side);
    const first = merged.next();
    side.push('retrying');
    expect((await first).value).toEqual({ event: 'retrying' });
    const second = merged.next();
    fail(new Error('replay has no answer'));
    await expect(second).rejects.toThrow('replay has no answer');
  });

  test('merging costs a few promises per result, not a race of fresh ones (every event of a turn passes through it)', async () => {
    async function* source(count: number): AsyncGenerator<number> {
      for (let index = 0; index < count; index += 1) yield index;
    }
    let promises = 0;
    const hook = createHook({
      init(_id, type) {
        if (type === 'PROMISE') promises += 1;
      },
    });
    const countWhile = async (run: () => Promise<void>): Promise<number> => {
      promises = 0;
      hook.enable();
      try {
        await run();
      } finally {
        hook.disable();
      }
      return promises;
    };
    const plain = await countWhile(async () => {
      for await (const value of source(1000)) void value;
    });
    const merged = await countWhile(async () => {
      for await (const item of withSideEvents(source(1000), new SideEvents<string>())) void item;
    });
    // The merge is itself an async generator (some 4 promises a result); it was 10 a result with a race per step.
    expect((merged - plain) / 1000).toBeLessThanOrEqual(7);
  });
});
