import { describe, expect, it } from 'vitest';
import { normalQuantile, twoSidedZ } from '../../src/statistics/distributions.js';
import { differenceInterval } from '../../src/statistics/proportion-difference.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';

describe('intervals at a stated confidence', () => {
  it('the normal quantile gives the z every 95 % interval used, and others', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(twoSidedZ(0.9)).toBeCloseTo(1.644854, 5);
    expect(twoSidedZ(0.99)).toBeCloseTo(2.575829, 5);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232, 5);
    expect(normalQuantile(1)).toBeNaN();
  });

  it('a Wilson interval at 95 % is what it always was, and narrower at 90 %', () => {
    expect(wilsonInterval(3, 10)).toEqual(wilsonInterval(3, 10, 0.95));
    const [low95, high95] = wilsonInterval(3, 10);
    const [low90, high90] = wilsonInterval(3, 10, 0.9);
    expect(low90).toBeGreaterThan(low95);
    expect(high90).toBeLessThan(high95);
  });

  it("Newcombe's interval of a difference matches his worked example (56/70 against 48/80: 0.0524 to 0.3339)", () => {
    const [low, high] = differenceInterval({ passed: 56, trials: 70 }, { passed: 48, trials: 80 });
    expect(low).toBeCloseTo(0.0524, 3);
    expect(high).toBeCloseTo(0.3339, 3);
    expect(differenceInterval({ passed: 1, trials: 1 }, { passed: 0, trials: 0 })).toEqual([NaN, NaN]);
  });
});
