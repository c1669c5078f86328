import { expect, test } from 'vitest';
import { packsToMerge, type StoredPack } from '../../src/history/pack-merge.js';

const packs = (...objects: number[]): StoredPack[] => objects.map((count, index) => ({ name: `pack-${index}`, objects: count }));
const names = (chosen: StoredPack[]): string[] => chosen.map((pack) => pack.name).sort();

// The choice `git repack --geometric=2` makes (its find_split), which the upkeep made before it merged by object list.
test('the packs merged are the small ones below a geometric progression, and each next one they would reach half of', () => {
  // A progression already: nothing to merge.
  expect(packsToMerge(packs(1, 2, 4, 8))).toEqual([]);
  expect(packsToMerge(packs(100))).toEqual([]);
  // A run's packs beside a big one: the small ones merge, the big one stays (it is more than twice their 5).
  expect(names(packsToMerge(packs(1000, 1, 1, 1, 1, 1)))).toEqual(['pack-1', 'pack-2', 'pack-3', 'pack-4', 'pack-5']);
  // Merged, they reach half of the next: it is rolled in too, and so on up while the sum keeps up.
  expect(names(packsToMerge(packs(20, 9, 1, 1, 1, 1, 1)))).toEqual(['pack-0', 'pack-1', 'pack-2', 'pack-3', 'pack-4', 'pack-5', 'pack-6']);
  expect(names(packsToMerge(packs(100, 9, 1, 1, 1, 1, 1)))).toEqual(['pack-1', 'pack-2', 'pack-3', 'pack-4', 'pack-5', 'pack-6']);
});
