/**
 * A communication network as the comparison needs it: the people, who wrote to whom at least once
 * (a directed edge per ordered pair, no self-loops), and each person's department when known. The
 * real network (a SNAP edge list) and a run's network (its message files) both become one, so one
 * set of measures reads both. Pure.
 */
export interface DirectedNetwork {
  /** Everyone in the network, in a fixed order; a person who never wrote nor was written to counts too. */
  people: string[];
  /** Each directed edge once, `from` before `to`, never from a person to themselves. */
  edges: Array<[string, string]>;
  /** Each person's department; absent when the network has none. */
  departments?: ReadonlyMap<string, string>;
  /** Self-loops left out (a person who wrote to themselves), counted so a report can say so. */
  selfLoops: number;
  /**
   * Whom each person may write to (a run's chart: both ends of an edge agreeing, a list's members), or
   * `everyone` (every other person of the network: a chart of `"*"`, not listed at 10,000 agents);
   * absent where no chart is known (a real network).
   */
  allowed?: ReadonlyMap<string, readonly string[] | 'everyone'>;
}

/**
 * A network from people and directed pairs: repeated pairs count once, self-loops are counted and
 * left out, and a pair naming someone outside `people` is left out too (the human writing to an
 * agent is not part of an organisation's own network).
 */
export function directedNetwork(people: readonly string[], pairs: Iterable<readonly [string, string]>, departments?: ReadonlyMap<string, string>): DirectedNetwork {
  const known = new Set(people);
  const seen = new Set<string>();
  const edges: Array<[string, string]> = [];
  let selfLoops = 0;
  for (const [from, to] of pairs) {
    if (!known.has(from) || !known.has(to)) continue;
    const key = `${from} ${to}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (from === to) selfLoops += 1;
    else edges.push([from, to]);
  }
  return { people: [...people], edges, selfLoops, ...(departments === undefined ? {} : { departments }) };
}
