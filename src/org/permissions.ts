import { HUMAN } from './names.js';
import { didYouMean } from './suggest-name.js';
import type { Audience, Org } from './org.js';

/** Whether a message may pass along an edge of the chart, and if not, why. */
export type Verdict = { allowed: true } | { allowed: false; reason: string };

function includes(audience: Audience, name: string): boolean {
  return audience === '*' ? true : audience.has(name);
}

/**
 * A message from `from` reaches `to` only if both ends of the edge agree:
 * the sender may send to the recipient and the recipient may read from the sender.
 */
export function checkEdge(org: Org, from: string, to: string): Verdict {
  const sender = org.agents.get(from);
  const recipient = org.agents.get(to);
  if (!sender) return { allowed: false, reason: `${from} is not an agent of this org` };
  if (!recipient) return { allowed: false, reason: `there is no agent named ${to}${didYouMean(to, org.agents.keys())}` };
  if (from === to) return { allowed: false, reason: `${from} cannot send a message to itself` };
  if (!includes(sender.sendTo, to)) {
    return { allowed: false, reason: `${from} may not send to ${to} (chart.yaml: agents.${from}.send_to)` };
  }
  if (!includes(recipient.readFrom, from)) {
    return { allowed: false, reason: `${to} does not read from ${from} (chart.yaml: agents.${to}.read_from)` };
  }
  return { allowed: true };
}

/**
 * Everyone `from` can actually reach (both ends of the edge agree), in the order of
 * its `send_to` list, which is the order a person wrote; for `"*"`, in name order.
 * For `"*"` the work is proportional to the answer, not to the org: the agents that
 * read from everyone and those that name `from` in their `read_from` are indexed once
 * per org, so asking for each of N agents does not walk N agents N times.
 */
export function reachableFrom(org: Org, from: string): string[] {
  const sender = org.agents.get(from);
  if (!sender) return [];
  if (sender.sendTo !== '*') {
    // The same test as checkEdge, without building a reason for each candidate.
    return [...sender.sendTo].filter((to) => {
      const recipient = org.agents.get(to);
      return to !== from && recipient !== undefined && (recipient.readFrom === '*' || recipient.readFrom.has(from));
    });
  }
  const index = indexOf(org);
  return mergeInNameOrder(index.openReaders, index.readersNaming.get(from) ?? [], index.position).filter((to) => to !== from);
}

/**
 * Whether `from` can reach every other agent of the org, answered without listing them
 * (what a prompt needs to say "everyone" for an org whose chart is all `"*"`).
 */
export function reachesEveryone(org: Org, from: string): boolean {
  const sender = org.agents.get(from);
  if (!sender || org.agents.size < 2) return false;
  if (sender.sendTo !== '*') return reachableFrom(org, from).length === org.agents.size - 1;
  const index = indexOf(org);
  const naming = index.readersNaming.get(from) ?? [];
  // `from` itself never counts: an open reader, or a reader that names itself.
  const selfCounted = sender.readFrom === '*' || sender.readFrom.has(from) ? 1 : 0;
  return index.openReaders.length + naming.length - selfCounted === org.agents.size - 1;
}

/** Two lists of agent names, each in name order and with no name in both, as one list in name order. */
function mergeInNameOrder(left: readonly string[], right: readonly string[], position: ReadonlyMap<string, number>): string[] {
  if (right.length === 0) return [...left];
  if (left.length === 0) return [...right];
  const merged: string[] = [];
  let at = 0;
  for (const name of left) {
    const rank = position.get(name) ?? 0;
    while (at < right.length && (position.get(right[at] as string) ?? 0) < rank) merged.push(right[at++] as string);
    merged.push(name);
  }
  while (at < right.length) merged.push(right[at++] as string);
  return merged;
}

/** The agents that report to `manager`, in name order. */
export function directReports(org: Org, manager: string): string[] {
  return indexOf(org).reports.get(manager) ?? [];
}

interface OrgIndex {
  reports: Map<string, string[]>;
  /** Agents whose `read_from` is `"*"`, in name order. */
  openReaders: string[];
  /** For each sender, the agents whose `read_from` list names it (and is not `"*"`), in name order. */
  readersNaming: Map<string, string[]>;
  /** Each agent's place in name order. */
  position: Map<string, number>;
}

/** Per-org answers, computed once per loaded org (an org never changes; an edit loads a new one). */
const indexes = new WeakMap<Org, OrgIndex>();

function indexOf(org: Org): OrgIndex {
  let index = indexes.get(org);
  if (index) return index;
  const reports = new Map<string, string[]>();
  const openReaders: string[] = [];
  const readersNaming = new Map<string, string[]>();
  const position = new Map<string, number>();
  for (const agent of org.agents.values()) {
    position.set(agent.name, position.size);
    if (agent.readFrom === '*') openReaders.push(agent.name);
    else for (const sender of agent.readFrom) pushTo(readersNaming, sender, agent.name);
    if (agent.reportsTo === null || agent.name === HUMAN) continue;
    pushTo(reports, agent.reportsTo, agent.name);
  }
  index = { reports, openReaders, readersNaming, position };
  indexes.set(org, index);
  return index;
}

function pushTo(lists: Map<string, string[]>, key: string, value: string): void {
  const list = lists.get(key);
  if (list) list.push(value);
  else lists.set(key, [value]);
}
