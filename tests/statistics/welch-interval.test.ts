import { describe, expect, test } from 'vitest';
import { tInterval, welchInterval } from '../../src/statistics/student-t.js';

/** Welch's t interval of a difference of means, held to scipy's `ttest_ind(b, a, equal_var=False).confidence_interval()`. */
describe("Welch's t interval", () => {
  test.each([
    [[1, 2, 3], [4, 6, 8], [-0.1553995031825055, 8.155399503182505]],
    [[1, 2, 3], [4, 6, 8, 7.5], [1.589177038740274, 7.160822961259726]],
  ])('%j against %j', (a, b, expected) => {
    const [low, high] = welchInterval(a, b);
    expect(low).toBeCloseTo(expected[0] as number, 6);
    expect(high).toBeCloseTo(expected[1] as number, 6);
  });

  test('values that do not vary give the difference itself; fewer than two a side give none', () => {
    expect(welchInterval([2, 2, 2], [5, 5, 5])).toEqual([3, 3]);
    expect(welchInterval([2], [5, 5, 5]).every(Number.isNaN)).toBe(true);
    expect(tInterval([4, 4, 4])).toEqual([4, 4]);
  });
});
