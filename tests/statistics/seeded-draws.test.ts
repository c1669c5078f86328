import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { simulatedForks, simulatedProbe, simulatedRun } from '../../src/blame/simulated-run.js';
import { directedNetwork } from '../../src/reference/directed-network.js';
import { configurationNetwork, rewiredNetwork } from '../../src/reference/null-models.js';
import { parseTimedEdges, randomWindows } from '../../src/reference/timed-edges.js';
import { seededRandom } from '../../src/random/seeded-random.js';

/** A fingerprint of what a draw made: the same draws, the same fingerprint. */
function print(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}

const people = Array.from({ length: 40 }, (_, index) => `p${index}`);
function random(p: number, seed: number) {
  const next = seededRandom(seed);
  const pairs: Array<[string, string]> = [];
  for (const from of people) for (const to of people) if (from !== to && next() < p) pairs.push([from, to]);
  return directedNetwork(people, pairs);
}

describe('seeded draws of the measuring rooms, through the statistics room', () => {
  test('a rewiring, a configuration model, windows of email and simulated forks draw what they drew before', async () => {
    const network = random(0.1, 5);
    const lines = Array.from({ length: 300 }, (_, index) => `p${index % 7} p${(index * 3) % 11} ${index * 20_000}`).join('\n');
    const { edges } = parseTimedEdges(lines, 'mail.txt');
    const run = simulatedRun({ steps: 12, agents: 3, culprit: 4, culpritFlip: 0.8, noise: 0.1, control: 0.05 });
    const forks = await simulatedForks(run, 9)(Array.from({ length: 30 }, (_, index) => ({ step: index % 12, control: index % 3 === 0 })));
    const probe = simulatedProbe(run, 11);
    const probes = [await probe(3, 10), await probe(7, 10), await simulatedProbe(run, 11, true)(2, 10)];
    // Fingerprints taken before the draws moved into src/statistics/sampling.ts: the same draws, the same figures.
    expect(print(rewiredNetwork(network, 7).edges)).toBe('14c1cbc8f674d6b0');
    expect(print(configurationNetwork(network, 7).edges)).toBe('9e591c1c4f9e8a0d');
    expect(print(randomWindows(edges, 3, 6, 4).map((each) => each.edges))).toBe('0cae1e07dbe1772b');
    expect(print(forks)).toBe('d3e4c0447acef229');
    expect(print(probes)).toBe('b264a1952095e4be');
  });

  test('no measuring room draws from the seeded generator itself: its draws are the statistics room\'s', () => {
    const rooms = ['src/reference', 'src/blame', 'src/calibrate', 'src/analysis', 'src/experiment/personas', 'src/survey'];
    const drawing = rooms.flatMap((room) =>
      readdirSync(room, { recursive: true, encoding: 'utf8' })
        .filter((name) => name.endsWith('.ts'))
        .map((name) => join(room, name))
        .filter((file) => /\b(seededRandom|shuffleInPlace)\b/.test(readFileSync(file, 'utf8'))),
    );
    expect(drawing).toEqual([]);
  });
});
