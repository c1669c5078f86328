import { shuffledSubset } from '../statistics/sampling.js';
import type { EdgeList } from './edge-list.js';

/**
 * A random piece of a network: `size` of its people drawn at random (seeded: the same people for the
 * same seed), and the edges among them. `import-network --people N` makes an org of such a piece, so a
 * run of a few hundred agents can be read against the real institution's own pieces of that size
 * (`analyze --reference` draws them the same way, null-models.ts): a piece of the institution is
 * no copy of all of it, and a run should be held to what a piece scores, not to the whole. Pure.
 */
export function networkPiece(list: EdgeList, people: readonly string[], size: number, seed: number): { list: EdgeList; people: string[] } {
  if (size >= people.length) return { list, people: [...people] };
  const chosen = shuffledSubset(people, size, seed);
  const kept = new Set(chosen);
  const edges = list.edges.filter(([from, to]) => kept.has(from) && kept.has(to));
  return { list: { ...list, nodes: list.nodes.filter((node) => kept.has(node)), edges }, people: chosen };
}
