import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { MOST_PACKS } from '../../src/history/pack-upkeep.js';
import { busyOrg } from '../helpers/busy-org.js';
import { setKeepHistory } from '../helpers/org-files.js';
import { gitOnHistory } from './history-org.js';

const packs = (root: string): number => readdirSync(join(root, 'org/state/history.git/objects/pack')).filter((name) => name.endsWith('.pack')).length;

test("a history kept over many runs stays in a few packs: git looks each new object up in every pack, so the store's packs are made fewer as they pile up", { timeout: 300_000 }, async () => {
  // 60 agents: a run's entries hold more than the 100 objects below which fast-import leaves them loose, not as a pack
  // (fastimport.unpackLimit), so each run's end is a pack as a real org's is.
  const root = busyOrg(60);
  setKeepHistory(root, true);
  // One engine, many short runs (a library user's, the bench's): each run's end puts its entries on the branch, a pack each.
  const engine = Engine.open({ root });
  const runs = MOST_PACKS + 16;
  const seen: number[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      for await (const event of engine.run({ maxTurns: 1, stopWhenIdle: false })) void event;
      seen.push(packs(root));
    }
  } finally {
    await engine.close();
  }
  // Without the upkeep there would be a pack a run (40 seen with it off); with it, never many more than MOST_PACKS. The
  // repack runs beside the engine, so on a loaded machine a few runs' packs come before it has made them fewer (28 seen).
  expect(Math.max(...seen)).toBeLessThanOrEqual(MOST_PACKS + 8);
  expect(packs(root)).toBeLessThan(runs);
  // And the merge did merge: once the packs passed MOST_PACKS, a later run found them few (3 to 5 seen; without the
  // merge they only grow, and the bound above alone held with it turned off).
  expect(Math.min(...seen.slice(MOST_PACKS))).toBeLessThan(MOST_PACKS / 2);
  // Every turn is there, and git finds the store whole.
  const turns = gitOnHistory(root, ['log', '--format=%s', 'main']).trim().split('\n').filter((subject) => subject.startsWith('turn '));
  expect(turns.length).toBeGreaterThanOrEqual(runs);
  gitOnHistory(root, ['fsck', '--no-dangling']);
});
