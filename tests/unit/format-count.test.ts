import { expect, test } from 'vitest';
import { formatCount, plural } from '../../src/format/format.js';

test('counts are shown with thousands separators, exactly as en-US shows them', () => {
  for (const count of [0, 7, 999, 1_000, 12_345, 100_000, 999_999, 1_000_000, 1_234_567_890, -1, -1_000, -98_765_432, 1.5, 1234.5678, 0.1 + 0.2, -1234.5, 2.25, 7.0004]) {
    expect(formatCount(count)).toBe(count.toLocaleString('en-US'));
  }
  expect(plural(1_000, 'turn')).toBe('1,000 turns');
  expect(plural(1, 'turn')).toBe('1 turn');
});
