/**
 * Networks to hold a measured one against: what a measure would be by chance alone, given what the
 * network cannot help (its size and each person's number of contacts), and what the real institution
 * itself shows at a run's size. Each is seeded, so the same network and seed give the same draws. Pure.
 *
 * - rewiredNetwork: degree-preserving rewiring (Maslov and Sneppen, 2002): pairs of edges a→b, c→d
 *   swapped to a→d, c→b, never making a self-loop or a repeated edge, ten swaps an edge. Each person
 *   keeps exactly their out- and in-degree; everything else (who writes back, who closes triangles)
 *   is as chance leaves it.
 * - configurationNetwork: the directed configuration model, erased: each person's out-stubs and
 *   in-stubs paired at random, self-loops and repeats dropped (so degrees can fall a little).
 * - subgraphNetwork: the network among `size` people drawn at random: the institution's own
 *   variability at a simulation's size, which a figure of a 250-person run must be read against.
 * - chartNetwork: the chart-constrained null: each sender keeps their number of contacts, drawn
 *   uniformly among those the run's chart lets them write to. A run on a chart of departments keeps
 *   most of its edges inside them whatever its agents do: a share inside departments above the
 *   rewired null's is the chart's as much as the agents', and only what stands above this null is theirs.
 */
import { positionPairs, seededShuffle, shuffledSubset, subsetDraws } from '../statistics/sampling.js';
import type { DirectedNetwork } from './directed-network.js';

/** Each network's edges by its people's positions, numbered when first drawn from (a network is not changed once read). */
const NUMBERED = new WeakMap<DirectedNetwork, ReadonlyArray<readonly [number, number]>>();

/**
 * The network's edges by its people's positions, a new list the caller may change. Numbered once a
 * network: the reference is drawn from NULL_DRAWS times, and at 300,000 people numbering it again for
 * each draw (a map of its people, a pair an edge) was two fifths of `analyze --reference`'s CPU.
 */
function numbered(network: DirectedNetwork): { edges: Array<[number, number]> } {
  let pairs = NUMBERED.get(network);
  if (pairs === undefined) {
    const index = new Map(network.people.map((person, position) => [person, position]));
    pairs = network.edges.map(([from, to]) => [index.get(from) as number, index.get(to) as number] as const);
    NUMBERED.set(network, pairs);
  }
  // The pairs are shared and never changed (a rewiring puts new pairs in its list): the list is the caller's.
  return { edges: [...pairs] as Array<[number, number]> };
}

function named(network: DirectedNetwork, edges: ReadonlyArray<readonly [number, number]>, people: readonly string[] = network.people): DirectedNetwork {
  return {
    people: [...people],
    edges: edges.map(([from, to]) => [network.people[from] as string, network.people[to] as string]),
    selfLoops: 0,
    ...(network.departments === undefined ? {} : { departments: network.departments }),
    ...(network.allowed === undefined ? {} : { allowed: network.allowed }),
  };
}

/** The network with each person's out- and in-degree kept and its edges rewired at random (swapsPerEdge swaps tried an edge). */
export function rewiredNetwork(network: DirectedNetwork, seed: number, swapsPerEdge = 10): DirectedNetwork {
  const { edges } = numbered(network);
  const count = network.people.length;
  const key = (from: number, to: number): number => from * count + to;
  const present = new Set(edges.map(([from, to]) => key(from, to)));
  const draw = positionPairs(edges.length, seed);
  const tries = swapsPerEdge * edges.length;
  for (let attempt = 0; attempt < tries && edges.length >= 2; attempt += 1) {
    const [first, second] = draw();
    const [a, b] = edges[first] as [number, number];
    const [c, d] = edges[second] as [number, number];
    if (first === second || a === d || c === b || present.has(key(a, d)) || present.has(key(c, b))) continue;
    present.delete(key(a, b));
    present.delete(key(c, d));
    present.add(key(a, d));
    present.add(key(c, b));
    edges[first] = [a, d];
    edges[second] = [c, b];
  }
  return named(network, edges);
}

/** The erased directed configuration model of the network's degree sequence. */
export function configurationNetwork(network: DirectedNetwork, seed: number): DirectedNetwork {
  const { edges } = numbered(network);
  const heads = seededShuffle(
    edges.map(([, to]) => to),
    seed,
  );
  const count = network.people.length;
  const seen = new Set<number>();
  const paired: Array<[number, number]> = [];
  edges.forEach(([from], position) => {
    const to = heads[position] as number;
    if (from === to || seen.has(from * count + to)) return;
    seen.add(from * count + to);
    paired.push([from, to]);
  });
  return named(network, paired);
}

/** The network among `size` people drawn at random from it (all of them when it has no more). */
export function subgraphNetwork(network: DirectedNetwork, size: number, seed: number): DirectedNetwork {
  if (size >= network.people.length) return network;
  const { edges } = numbered(network);
  const chosen = shuffledSubset(
    network.people.map((_, position) => position),
    size,
    seed,
  );
  const kept = new Set(chosen);
  return named(
    network,
    edges.filter(([from, to]) => kept.has(from) && kept.has(to)),
    chosen.map((position) => network.people[position] as string),
  );
}

/**
 * The chart-constrained null of a run: each sender's number of contacts kept, the recipients drawn
 * uniformly without replacement among those the chart allows them (`allowed`; the ones they did write
 * to are always among them, as a chart edited during the run may have allowed more than it does now).
 * Undefined for a network with no chart (a real one).
 */
export function chartNetwork(network: DirectedNetwork, seed: number): DirectedNetwork | undefined {
  if (network.allowed === undefined) return undefined;
  const recipients = new Map<string, string[]>();
  for (const [from, to] of network.edges) {
    const list = recipients.get(from);
    if (list) list.push(to);
    else recipients.set(from, [to]);
  }
  const draw = subsetDraws(seed);
  const edges: Array<[string, string]> = [];
  network.people.forEach((person, position) => {
    const written = recipients.get(person);
    if (written === undefined) return;
    const allowed = network.allowed!.get(person) ?? [];
    if (allowed === 'everyone') {
      for (const at of draw.positions(network.people.length, written.length, position)) edges.push([person, network.people[at] as string]);
      return;
    }
    const candidates = [...new Set([...allowed, ...written])].filter((other) => other !== person);
    for (const to of draw.among(candidates, written.length)) edges.push([person, to]);
  });
  return { ...network, edges, selfLoops: 0 };
}
