import { expect, test } from 'vitest';
import { formatCount, plural, showCredits, showGiven } from '../../src/format/format.js';

test('counts are shown with thousands separators, exactly as en-US shows them', () => {
  for (const count of [0, 7, 999, 1_000, 12_345, 100_000, 999_999, 1_000_000, 1_234_567_890, -1, -1_000, -98_765_432, 1.5, 1234.5678, 0.1 + 0.2, -1234.5, 2.25, 7.0004]) {
    expect(formatCount(count)).toBe(count.toLocaleString('en-US'));
  }
  expect(plural(1_000, 'turn')).toBe('1,000 turns');
  expect(plural(1, 'turn')).toBe('1 turn');
});

test('credits are never shown in exponent notation, and an amount above nothing never reads as 0.0000', () => {
  expect([0, -0, 0.5, 12.345, 1_000_000, -0.25].map(showCredits)).toEqual(['0.0000', '0.0000', '0.5000', '12.35', '1000000.00', '-0.2500']);
  // Below a ten-thousandth, to the ledger's billionths: a top-up of one, a balance nearly spent.
  expect([1e-9, 0.0000001, 0.00003, -0.000002, 5e-11].map(showCredits)).toEqual(['0.000000001', '0.0000001', '0.00003', '-0.000002', '0.0000']);
});

test('an amount a refusal got is shown digit for digit in plain decimals, whatever JavaScript would write', () => {
  expect([1e-10, 1.25e-7, -3e-8, 0.1234567891, 5_000_000, 1e21, 1.5e22, 0].map(showGiven)).toEqual([
    '0.0000000001',
    '0.000000125',
    '-0.00000003',
    '0.1234567891',
    '5000000',
    '1000000000000000000000',
    '15000000000000000000000',
    '0',
  ]);
  for (const amount of [1e-10, 1.25e-7, 7e-300, 1.5e22]) expect(Number(showGiven(amount))).toBe(amount);
  // JSON's and YAML's 1e309: the person never wrote Infinity, so the text says where it came from.
  expect(showGiven(Number('1e309'))).toBe('Infinity: a number past the largest there is (about 1.8e308) is read as Infinity');
});
