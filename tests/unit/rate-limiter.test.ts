import { describe, expect, test } from 'vitest';
import { RateLimiter } from '../../src/providers/rate-limiter.js';

/** A clock that only moves when someone sleeps. */
function fakeTime() {
  const clock = { now: 0, sleeps: [] as number[] };
  return {
    clock,
    environment: {
      now: () => clock.now,
      sleep: async (ms: number) => {
        clock.sleeps.push(ms);
        clock.now += ms;
      },
    },
  };
}

describe('rate limits', () => {
  test('requests per minute: the fourth request of a 3-per-minute model waits for the first to leave the window', async () => {
    const { clock, environment } = fakeTime();
    const limiter = new RateLimiter({ requestsPerMinute: 3 }, environment);
    const admitted: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const permit = await limiter.acquire(10);
      admitted.push(clock.now);
      permit.release();
      clock.now += 1000;
    }
    expect(admitted).toEqual([0, 1000, 2000, 60_000]);
  });

  test('tokens per minute: counted from what was reported, and waited out instead of bursting', async () => {
    const { clock, environment } = fakeTime();
    const limiter = new RateLimiter({ tokensPerMinute: 1000 }, environment);
    const first = await limiter.acquire(100);
    first.release(700); // the provider reported more than estimated
    clock.now = 5000;
    const second = await limiter.acquire(200);
    second.release(200);
    expect(clock.now).toBe(5000);
    const third = await limiter.acquire(300); // 700 + 200 + 300 > 1000: wait for the first to leave
    expect(clock.now).toBe(60_000);
    third.release();
    // A request bigger than the whole budget goes alone once the minute is clear.
    await limiter.acquire(5000);
    expect(clock.now).toBe(65_000 + 60_000 - 5000);
  });

  test('concurrency: the third caller waits until one of two in flight is released; order is first come, first served', async () => {
    const limiter = new RateLimiter({ concurrency: 2 });
    const order: string[] = [];
    const a = await limiter.acquire(1);
    const b = await limiter.acquire(1);
    const c = limiter.acquire(1).then((permit) => (order.push('c'), permit));
    const d = limiter.acquire(1).then((permit) => (order.push('d'), permit));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual([]);
    b.release();
    (await c).release();
    a.release();
    (await d).release();
    expect(order).toEqual(['c', 'd']);
  });

  test('a stopped run stops waiting', async () => {
    const limiter = new RateLimiter({ concurrency: 1 });
    await limiter.acquire(1);
    const controller = new AbortController();
    const waiting = limiter.acquire(1, controller.signal);
    controller.abort(new Error('stopped'));
    await expect(waiting).rejects.toThrow('stopped');
  });
});
