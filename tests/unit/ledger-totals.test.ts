import { expect, test } from 'vitest';
import { addEntries, balanceOf, emptySnapshot, type LedgerEntry, type LedgerSnapshot } from '../../src/engine/money/ledger.js';

const at = '2026-11-22T18:00:00.000Z';
const charge = (agent: string, turn: number, credits: number): LedgerEntry => ({ type: 'charge', turn, agent, model: 'm', input_tokens: 100, output_tokens: 10, credits, at });

/** A snapshot as a fresh process has it: parsed from engine.json. */
function fromFile(snapshot: LedgerSnapshot): LedgerSnapshot {
  return JSON.parse(JSON.stringify(snapshot)) as LedgerSnapshot;
}

test('charges, top-ups and transfers add up per agent, and the newest charged turn is kept', () => {
  const first = fromFile(addEntries(emptySnapshot(), [charge('ana', 1, 0.5), charge('bo', 1, 0.25)], 100));
  const next = addEntries(
    first,
    [
      charge('ana', 2, 0.5),
      { type: 'top-up', agent: 'bo', credits: 3, at },
      { type: 'transfer', agent: 'bo', credits: -1, proposal: 'p-1', at },
      { type: 'transfer', agent: 'cy', credits: 1, proposal: 'p-1', at },
      // A line of an earlier turn read late (a recovered turn) never moves lastCharged back.
      charge('ana', 1, 0),
    ],
    250,
  );
  expect(next.offset).toBe(250);
  expect(next.totals.ana).toEqual({ spent: 1, toppedUp: 0, inputTokens: 300, outputTokens: 30, calls: 3 });
  expect(next.totals.bo).toEqual({ spent: 0.25, toppedUp: 2, inputTokens: 100, outputTokens: 10, calls: 1 });
  expect(next.totals.cy).toEqual({ spent: 0, toppedUp: 1, inputTokens: 0, outputTokens: 0, calls: 0 });
  expect(next.lastCharged).toEqual({ ana: 2, bo: 1 });
  expect(balanceOf(10, next.totals.bo)).toBe(11.75);
});

test('the snapshot added to is never changed: a turn that fails to commit leaves the state it started from', () => {
  const first = fromFile(addEntries(emptySnapshot(), [charge('ana', 1, 0.5)], 100));
  const before = JSON.stringify(first);
  const next = addEntries(first, [charge('ana', 2, 0.5), charge('bo', 2, 0.5)], 200);
  expect(JSON.stringify(first)).toBe(before);
  expect(next.totals.ana?.calls).toBe(2);
  // With nothing new, nothing is copied.
  expect(addEntries(next, [], 200)).toBe(next);
  expect(addEntries(next, [], 300).totals).toBe(next.totals);
});

test('sums of charges in whole billionths are whole billionths: what status --json and the state show carries no dust of decimals', () => {
  // 0.0040525 = 0.0020025 + 0.00205 (charges of the default org's offline model), 0.1 + 0.2, and a run of a thousand small charges.
  const snapshot = addEntries(
    emptySnapshot(),
    [charge('ana', 1, 0.0020025), charge('ana', 2, 0.00205), charge('bo', 1, 0.1), charge('bo', 2, 0.2), { type: 'top-up', agent: 'bo', credits: 0.1, at }, { type: 'top-up', agent: 'bo', credits: 0.2, at }],
    100,
  );
  expect(snapshot.totals.ana?.spent).toBe(0.0040525);
  expect(snapshot.totals.bo?.spent).toBe(0.3);
  expect(snapshot.totals.bo?.toppedUp).toBe(0.3);
  let many = emptySnapshot();
  for (let turn = 1; turn <= 1000; turn += 1) many = addEntries(many, [charge('cy', turn, 0.000000123)], turn);
  expect(many.totals.cy?.spent).toBe(0.000123);
});
