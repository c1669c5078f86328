import { deliveriesOf } from '../records/deliveries.js';
import type { OrgRecords } from '../records/org-records.js';
import type { ReachAtTurn } from '../org-analysis.js';

/**
 * How far the org's mail had spread by the end of each turn: the agents (the person left out) that
 * any delivery of every form, written in that turn or before, had reached. From the turn of the first
 * delivery to the last finished turn, a row each, so a cascade's speed reads as a curve. Pure.
 */
export function reachByTurn(records: OrgRecords): ReachAtTurn[] {
  const humans = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
  const first = new Map<string, number>();
  for (const delivery of deliveriesOf(records)) {
    if (humans.has(delivery.to)) continue;
    const known = first.get(delivery.to);
    if (known === undefined || delivery.turn < known) first.set(delivery.to, delivery.turn);
  }
  if (first.size === 0) return [];
  const turns = [...first.values()];
  const start = Math.min(...turns);
  const end = Math.max(records.turn, ...turns);
  const reach: ReachAtTurn[] = [];
  for (let turn = start; turn <= end; turn += 1) reach.push({ turn, reached: turns.filter((reached) => reached <= turn).length });
  return reach;
}
