import type { ChartEdge } from '../api-types.js';
import type { MessageIndex } from './message-index.js';

/** How far back an edge counts as used recently. */
export const RECENT_TURNS = 3;

/** The last count, kept while the index and the turn stay as they were: a chart asked for again costs no pass over the mail. */
let cached: { index: MessageIndex; version: number; turn: number; edges: ChartEdge[] } | undefined;

/** Messages along each edge (sender to recipient), in all and in the last `RECENT_TURNS` turns up to `turn`. */
export function edgeTraffic(index: MessageIndex, turn: number): ChartEdge[] {
  if (cached && cached.index === index && cached.version === index.version && cached.turn === turn) return cached.edges;
  const counts = new Map<string, ChartEdge>();
  for (const message of index.all()) {
    // A message to several people passes along each of their edges.
    for (const to of message.others === undefined ? [message.to] : [message.to, ...message.others]) {
      const key = `${message.from}\n${to}`;
      let used = counts.get(key);
      if (!used) {
        used = { from: message.from, to, recent: 0, total: 0 };
        counts.set(key, used);
      }
      used.total += 1;
      if (message.turn > turn - RECENT_TURNS) used.recent += 1;
    }
  }
  cached = { index, version: index.version, turn, edges: [...counts.values()] };
  return cached.edges;
}
