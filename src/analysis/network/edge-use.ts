import { noForms } from '../../format/mail-outcomes.js';
import { deliveriesOf } from '../records/deliveries.js';
import { pairKey, type OrgRecords } from '../records/org-records.js';
import type { EdgeUse, EdgeUsage } from '../org-analysis.js';

export type { EdgeUse, EdgeUsage };

/**
 * Deliveries per directed edge, by form (a message to k people on each of its k edges, a list's post
 * on one edge per member, a speech on one per attendee who heard it): the busy edges, those the chart
 * does not have (a list or a meeting needs none), the chart's edges never used. Pure.
 */
export function edgeUsage(records: OrgRecords): EdgeUsage {
  const counts = new Map<string, EdgeUse>();
  for (const delivery of deliveriesOf(records)) {
    const key = pairKey(delivery.from, delivery.to);
    let use = counts.get(key);
    if (!use) counts.set(key, (use = { from: delivery.from, to: delivery.to, messages: 0, forms: noForms(), onChart: records.edges ? records.edges.has(key) : true }));
    use.messages += 1;
    use.forms[delivery.form] += 1;
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
