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
});
