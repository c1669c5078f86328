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
 */
export function reachableFrom(org: Org, from: string): string[] {
  const sender = org.agents.get(from);
  const candidates = !sender ? [] : sender.sendTo === '*' ? [...org.agents.keys()] : [...sender.sendTo];
  // The same test as checkEdge, without building a reason for each of N candidates.
  return candidates.filter((to) => {
    const recipient = org.agents.get(to);
    return to !== from && recipient !== undefined && (recipient.readFrom === '*' || recipient.readFrom.has(from));
  });
}

/** The agents that report to `manager`, in name order. */
export function directReports(org: Org, manager: string): string[] {
  return indexOf(org).reports.get(manager) ?? [];
}

interface OrgIndex {
  reports: Map<string, string[]>;
}

/** Per-org answers, computed once per loaded org (an org never changes; an edit loads a new one). */
const indexes = new WeakMap<Org, OrgIndex>();

function indexOf(org: Org): OrgIndex {
  let index = indexes.get(org);
  if (index) return index;
  const reports = new Map<string, string[]>();
  for (const agent of org.agents.values()) {
    if (agent.reportsTo === null || agent.name === HUMAN) continue;
    const list = reports.get(agent.reportsTo);
    if (list) list.push(agent.name);
    else reports.set(agent.reportsTo, [agent.name]);
  }
  index = { reports };
  indexes.set(org, index);
  return index;
}
