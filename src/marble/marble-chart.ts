import { HUMAN } from '../org/names.js';
import type { CoordinationMode, MarbleRow } from './marble-row.js';

/**
 * How a MARBLE row's coordination mode and relationships become an org chart. MARBLE always runs
 * an engine planner beside the agents: it hands out the task and sums the results up
 * (marble/engine/engine.py); here it is an agent, `coordinator`, that reports to the human, takes
 * the task and answers. The mode decides who reports to whom:
 *
 *   star   every agent reports to the coordinator, and the coordinator is their only channel:
 *          relationships add no edge (MARBLE's planner assigns each agent its part).
 *   graph  every agent reports to the coordinator, and each relationship is an edge both ways
 *          between its two agents (MARBLE gives every agent the task and lets them talk along
 *          their relationships).
 *   tree   a relationship of kind "parent" [parent, child] makes the child report to the parent
 *          (MARBLE's agent_graph.py); agents without a parent report to the coordinator; the
 *          other relationships are edges both ways.
 *   chain  the agents in the row's order, each reporting to the one before, the first to the
 *          coordinator (MARBLE starts its chain at agent1, the first of every published row);
 *          relationships are edges both ways.
 *
 * A relationship [a, b, kind] is an edge both ways because MARBLE shows an agent every agent a
 * relationship names it with, whichever end it is (base_agent.py `act`). Every edge of the chart
 * is a manager and its report, or two related agents; each may send to and read from the other.
 */

/** The coordinator's agent name: MARBLE's engine planner, as an agent. */
export const COORDINATOR = 'coordinator';

/** One agent's chart entry, as org/chart.yaml writes it. */
export interface ChartEntry {
  reports_to: string | null;
  send_to: string[];
  read_from: string[];
}

/** Each MARBLE agent's manager under a mode, by lemming name; cycles of "parent" are cut where they close. */
function managers(row: MarbleRow, mode: CoordinationMode, nameOf: (id: string) => string): Map<string, string> {
  const names = row.agents.map((agent) => nameOf(agent.id));
  const manager = new Map<string, string>();
  if (mode === 'chain') {
    names.forEach((name, index) => manager.set(name, index === 0 ? COORDINATOR : (names[index - 1] as string)));
    return manager;
  }
  if (mode === 'tree') {
    for (const relationship of row.relationships) {
      if (relationship.kind !== 'parent') continue;
      const parent = nameOf(relationship.source);
      const child = nameOf(relationship.target);
      if (manager.has(child) || parent === child) continue;
      // A parent that is (through its own parents) the child's report would close a loop: the chart has none.
      let above: string | undefined = parent;
      while (above !== undefined && above !== child) above = manager.get(above);
      if (above === child) continue;
      manager.set(child, parent);
    }
  }
  for (const name of names) if (!manager.has(name)) manager.set(name, COORDINATOR);
  return manager;
}

/** The chart of a row under a mode (the row's own, or another for a variant), the human and the coordinator included. Pure. */
export function chartFor(row: MarbleRow, mode: CoordinationMode, nameOf: (id: string) => string): Record<string, ChartEntry> {
  const manager = managers(row, mode, nameOf);
  const linked = new Map<string, Set<string>>([[COORDINATOR, new Set([HUMAN])]]);
  const link = (left: string, right: string): void => {
    if (left === right) return;
    for (const [from, to] of [[left, right], [right, left]] as const) {
      let set = linked.get(from);
      if (!set) linked.set(from, (set = new Set()));
      set.add(to);
    }
  };
  for (const [name, boss] of manager) link(name, boss);
  if (mode !== 'star') for (const relationship of row.relationships) link(nameOf(relationship.source), nameOf(relationship.target));
  const chart: Record<string, ChartEntry> = Object.create(null) as Record<string, ChartEntry>;
  chart[HUMAN] = { reports_to: null, send_to: [COORDINATOR], read_from: ['*'] };
  // Managers first in each list: the offline model hands work to a team in the order its chart entry lists it.
  const order = (name: string): string[] => [...(linked.get(name) ?? [])].sort((left, right) => rank(left) - rank(right));
  const names = [COORDINATOR, ...row.agents.map((agent) => nameOf(agent.id))];
  const rank = (name: string): number => (name === HUMAN ? -1 : names.indexOf(name));
  chart[COORDINATOR] = { reports_to: HUMAN, send_to: order(COORDINATOR), read_from: order(COORDINATOR) };
  for (const name of names.slice(1)) chart[name] = { reports_to: manager.get(name) ?? COORDINATOR, send_to: order(name), read_from: order(name) };
  return chart;
}
