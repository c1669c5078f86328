import { expect, test } from 'vitest';
import { inPool } from '../../src/experiment/in-pool.js';

/**
 * The pool experiments and blame run their runs and forks in (`--parallel`): a failure stops new
 * work, and is thrown only once the work under way has ended, so the caller's clean-up (blame removes
 * the templates its forks copy) never runs under a lane still at work.
 */
test('one item fails: nothing starts after it, the items under way end, then the failure is thrown', async () => {
  const started: number[] = [];
  const ended: number[] = [];
  let thrownWhile: number[] | undefined;
  const items = [0, 1, 2, 3, 4, 5];
  const pool = inPool(items, 2, async (item) => {
    started.push(item);
    if (item === 1) throw new Error('fork 1 failed');
    // Item 0 is still under way when item 1 fails.
    await new Promise((resolve) => setTimeout(resolve, item === 0 ? 50 : 1));
    ended.push(item);
  });
  await pool.catch((error: Error) => {
    thrownWhile = [...ended];
    expect(error.message).toBe('fork 1 failed');
  });
  expect(thrownWhile).toEqual([0]);
  expect(started).toEqual([0, 1]);
});

test('no failure: every item runs, at most `limit` at once', async () => {
  let running = 0;
  let most = 0;
  const done: number[] = [];
  await inPool([1, 2, 3, 4, 5], 3, async (item) => {
    running += 1;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, 2));
    running -= 1;
    done.push(item);
  });
  expect(done.sort()).toEqual([1, 2, 3, 4, 5]);
  expect(most).toBe(3);
});
