import { deliveriesOf } from '../records/deliveries.js';
import { pairKey, type OrgRecords } from '../records/org-records.js';
import type { EdgeUse, EdgeUsage } from '../org-analysis.js';

export type { EdgeUse, EdgeUsage };

/** Messages per chart edge (a message to k people on each of its k edges): the busy ones, the ones off the chart, the ones never used. Pure. */
export function edgeUsage(records: OrgRecords): EdgeUsage {
  const counts = new Map<string, EdgeUse>();
  for (const message of deliveriesOf(records.messages)) {
    const key = pairKey(message.from, message.to);
    let use = counts.get(key);
    if (!use) counts.set(key, (use = { from: message.from, to: message.to, messages: 0, permitted: records.edges ? records.edges.has(key) : true }));
    use.messages += 1;
  }
  const byName = (left: { from: string; to: string }, right: { from: string; to: string }): number =>
    left.from < right.from ? -1 : left.from > right.from ? 1 : left.to < right.to ? -1 : left.to > right.to ? 1 : 0;
  const used = [...counts.values()].sort((left, right) => right.messages - left.messages || byName(left, right));
  if (!records.edges) return { used };
  const unused = [...records.edges]
    .filter((key) => !counts.has(key))
    .map((key) => {
      const [from, to] = key.split(' ') as [string, string];
      return { from, to };
    })
    .sort(byName);
  return { used, unused, permitted: records.edges.size };
}
