import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { PREPARED_FILE, runBounds } from '../../src/experiment/run-bounds.js';
import { ATTEMPTS_FILE } from '../../src/experiment/run-process.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { loopOrg } from './loop-org.js';

it("a run's bounds: its experiment's record, else the turn cap its last attempt stopped at, else engine.max_turns from its start, never before the turn it reached; a broken record names the file and the field", () => {
  const root = loopOrg(7);
  const org = loadOrg(root).org;
  expect(runBounds(root, org, 3)).toMatchObject({ fromTurn: 0, turns: 7, lastTurn: 7 });
  expect(runBounds(root, org, 9).lastTurn).toBe(9);
  // An experiment's run made before the bounds were recorded: its last attempt stopped at the experiment's turn cap.
  writeFileSync(join(root, PREPARED_FILE), JSON.stringify({ variant: 'baseline', seed: 1 }));
  writeFileSync(join(root, ATTEMPTS_FILE), JSON.stringify([{ exitCode: 0, finished: { type: 'run-finished', reason: 'turn-cap', lastTurn: 4, cap: { by: 'turns', turns: 4 } } }]));
  expect(runBounds(root, org, 4)).toMatchObject({ fromTurn: 0, turns: 4, lastTurn: 4 });
  // One that fell idle says no bound: engine.max_turns.
  writeFileSync(join(root, ATTEMPTS_FILE), JSON.stringify([{ exitCode: 0, finished: { type: 'run-finished', reason: 'idle', lastTurn: 2 } }]));
  expect(runBounds(root, org, 2)).toMatchObject({ turns: 7, lastTurn: 7 });
  writeFileSync(join(root, PREPARED_FILE), JSON.stringify({ variant: 'baseline', seed: 1, bounds: { fromTurn: 5, turns: 4, by: 'study.yaml turns: 4' } }));
  expect(runBounds(root, org, 6)).toEqual({ fromTurn: 5, turns: 4, by: 'study.yaml turns: 4', lastTurn: 9 });
  writeFileSync(join(root, PREPARED_FILE), JSON.stringify({ variant: 'baseline', seed: 1, bounds: { fromTurn: 0, turns: '4', by: 'study.yaml turns: 4' } }));
  expect(() => runBounds(root, org, 1)).toThrow(/experiment-prepared\.json: bounds: .* is not a run's bounds; it holds whole numbers, for example "bounds": \{ "fromTurn": 0, "turns": 4/);
});
