import { describe, expect, test } from 'vitest';
import { keptLength, MAX_COMPONENT, MAX_DIMENSIONS, vectorProblem } from '../../src/memory/vector-rule.js';

describe('the rule of a vector lemming keeps (memory/vector-rule.ts)', () => {
  test('a list of finite numbers, 1 to MAX_DIMENSIONS of them, each at most MAX_COMPONENT either way, keeps it', () => {
    expect(vectorProblem([0.1, -0.2, 0])).toBeUndefined();
    expect(vectorProblem(new Array(MAX_DIMENSIONS).fill(-MAX_COMPONENT))).toBeUndefined();
  });

  test('anything else is said, with what a vector holds', () => {
    expect(vectorProblem('0.1,0.2')).toBe('it is string, not a list of numbers');
    expect(vectorProblem(null)).toBe('it is null, not a list of numbers');
    expect(vectorProblem([])).toBe(`it holds 0 numbers; a vector holds 1 to ${MAX_DIMENSIONS}`);
    expect(vectorProblem(new Array(MAX_DIMENSIONS + 1).fill(0))).toBe(`it holds ${MAX_DIMENSIONS + 1} numbers; a vector holds 1 to ${MAX_DIMENSIONS}`);
    expect(vectorProblem([0.5, 'NaN'])).toBe(`its number 2 is "NaN"; each is a finite number from -${MAX_COMPONENT} to ${MAX_COMPONENT}`);
    expect(vectorProblem([1e13])).toMatch(/^its number 1 is 10000000000000;/);
    expect(vectorProblem([[1]])).toMatch(/^its number 1 is a list;/);
    expect(vectorProblem(['x'.repeat(1000)])?.length).toBeLessThan(200);
  });

  test('of another length than the model gave before, refused', () => {
    expect(vectorProblem([1, 2, 3], 3)).toBeUndefined();
    expect(vectorProblem([1, 2, 3, 4], 3)).toBe('it holds 4 numbers where the model gave 3 before');
  });

  test('a vector of the most numbers, each written as long as JSON writes a double, stays under the 256 KB a vector file is read back with', () => {
    const widest = JSON.stringify({ model: 'm'.repeat(200), hash: 'f'.repeat(64), vector: new Array(MAX_DIMENSIONS).fill(-1.2345678901234567e-300) });
    expect(Buffer.byteLength(widest)).toBeLessThan(256 * 1024);
  });

  test('the length a model gave before is that of most kept vectors, the newest of those tied; none kept, none', () => {
    expect(keptLength([63, 64, 64, 64])).toBe(64);
    expect(keptLength([64, 64, 63])).toBe(64);
    expect(keptLength([4, 8])).toBe(8);
    expect(keptLength([])).toBeUndefined();
  });
});
