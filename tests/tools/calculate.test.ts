import { describe, expect, test } from 'vitest';
import { calculateTool } from '../../src/tools/calculate/calculate-tool.js';

describe('calculate', () => {
  test.each([
    ['2 + 3 * 4', '2 + 3 * 4 = 14'],
    ['(1200 * 1.2 - 300) / 7', '(1200 * 1.2 - 300) / 7 = 162.85714285714'],
    ['0.1 + 0.2', '0.1 + 0.2 = 0.3'],
    ['2^10', '2^10 = 1024'],
    ['sqrt(2) * 10^3', 'sqrt(2) * 10^3 = 1414.2135623731'],
    ['17 % 5', '17 % 5 = 2'],
    ['round(2.567, 2)', 'round(2.567, 2) = 2.57'],
    ['max(3, 9, 4) - min(3, 9, 4)', 'max(3, 9, 4) - min(3, 9, 4) = 6'],
    ['log(100, 10)', 'log(100, 10) = 2'],
    ['sin(pi / 2)', 'sin(pi / 2) = 1'],
    ['1 / 0', '1 / 0 = Infinity'],
  ])('%s', (expression, shown) => {
    expect(calculateTool(expression)).toEqual({ isError: false, content: shown });
  });

  test('mistakes are error results that say what is wrong', () => {
    expect(calculateTool('2 +')).toMatchObject({ isError: true, content: expect.stringMatching(/^calculate: Unexpected end of expression/) });
    expect(calculateTool('foo(2)')).toMatchObject({ isError: true, content: 'calculate: Undefined function foo' });
    expect(calculateTool('')).toMatchObject({ isError: true, content: expect.stringContaining('give the expression') });
    expect(calculateTool(42)).toMatchObject({ isError: true });
  });

  test('nothing beyond arithmetic: no import, no new units, no nested evaluation, no JavaScript', () => {
    for (const expression of ['import({x: 1})', 'createUnit("foo")', 'evaluate("1+1")', 'parse("1")', 'process.exit(1)', 'this.constructor']) {
      const result = calculateTool(expression);
      expect(result.isError, expression).toBe(true);
    }
  });
});
