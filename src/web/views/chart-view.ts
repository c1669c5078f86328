import type { OrgStatus } from '../../engine/human/org-status.js';
import type { Org } from '../../org/org.js';
import { reachableFrom } from '../../org/permissions.js';
import { readersOf } from '../../org/lists/recipients.js';
import type { ChartEdge, ChartNode, ChartView, NodeState } from '../api-types.js';

export type { ChartEdge, ChartNode, ChartView, NodeState };

/** Beyond this many permission edges, the graph shows only those in use. */
const MAX_EDGES = 2_000;

/**
 * The org chart as nodes and edges, with each edge's traffic (from the message index: see
 * edge-traffic.ts), or none while the index loads (`edgesUsed` undefined): the chart needs no index.
 */
export function chartView(org: Org, status: OrgStatus, edgesUsed: readonly ChartEdge[] | undefined): ChartView {
  const byName = new Map(status.agents.map((agent) => [agent.name, agent]));
  const nodes = [...org.agents.values()].map((agent): ChartNode => {
    const line = byName.get(agent.name);
    const balance = line?.balance ?? 0;
    const state: NodeState = agent.isHuman
      ? 'human'
      : line?.lastError && line.lastError.turn === status.turn
        ? 'error'
        : balance <= 0
          ? 'out-of-credits'
          : (line?.unread ?? 0) > 0
            ? 'has-mail'
            : 'idle';
    return {
      name: agent.name,
      title: agent.title,
      model: agent.models.join(' -> '),
      isHuman: agent.isHuman,
      reportsTo: agent.reportsTo,
      balance,
      budget: (line?.budget ?? agent.credits) + (line?.toppedUp ?? 0),
      unread: line?.unread ?? 0,
      state,
    };
  });
  const traffic = new Map<string, ChartEdge>();
  const key = (from: string, to: string): string => `${from}\n${to}`;
  const edge = (from: string, to: string): ChartEdge => {
    let found = traffic.get(key(from, to));
    if (!found) {
      found = { from, to, recent: 0, total: 0 };
      traffic.set(key(from, to), found);
    }
    return found;
  };
  for (const used of edgesUsed ?? []) {
    if (!org.agents.has(used.from)) continue;
    // A post to a list goes along an edge to each member who read it, as the analysis counts it (the one rule of readers).
    const readers = org.agents.has(used.to) ? [used.to] : readersOf(org, used.from, [used.to]);
    for (const reader of readers) {
      const found = edge(used.from, reader);
      found.recent += used.recent;
      found.total += used.total;
    }
  }
  let allowed = 0;
  for (const agent of org.agents.keys()) {
    allowed += reachableFrom(org, agent).length;
    // Counting stops once the limit is passed: an org where everyone may write to everyone has N² edges.
    if (allowed > MAX_EDGES) break;
  }
  const edgesLimited = allowed > MAX_EDGES;
  if (!edgesLimited) {
    for (const from of org.agents.keys()) for (const to of reachableFrom(org, from)) edge(from, to);
  }
  return { turn: status.turn, nodes, edges: [...traffic.values()], edgesLimited, trafficCounted: edgesUsed !== undefined };
}
