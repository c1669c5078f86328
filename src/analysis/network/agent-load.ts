import { addCredits } from '../../engine/money/credit-sum.js';
import { deliveriesOf } from '../records/deliveries.js';
import { callCredits } from '../records/call-credits.js';
import type { OrgRecords } from '../records/org-records.js';
import type { AgentLoad } from '../org-analysis.js';

export type { AgentLoad };

/** Span of control and load of every agent, in name order. Pure. */
export function agentLoads(records: OrgRecords): AgentLoad[] {
  const loads = new Map<string, AgentLoad>();
  for (const agent of records.agents) loads.set(agent.name, { agent: agent.name, reports: [], messagesIn: 0, messagesOut: 0, turnsActive: 0, credits: 0 });
  for (const agent of records.agents) if (agent.reportsTo !== null) loads.get(agent.reportsTo)?.reports.push(agent.name);
  const humans = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
  const activeTurns = new Map<string, Set<number>>();
  const active = (agent: string): Set<number> => {
    let turns = activeTurns.get(agent);
    if (!turns) activeTurns.set(agent, (turns = new Set()));
    return turns;
  };
  for (const message of records.messages) {
    const sender = loads.get(message.from);
    if (sender) sender.messagesOut += 1;
  }
  // Each reader of a message to several people received it: k recipients, k messages in; a list's
  // post and a meeting's speech are deliveries too, whatever the chart says of the pair.
  for (const delivery of deliveriesOf(records)) {
    const recipient = loads.get(delivery.to);
    if (recipient) recipient.messagesIn += 1;
  }
  for (const [key, credits] of callCredits(records)) {
    const [turn, agent] = key.split(' ') as [string, string];
    const load = loads.get(agent);
    if (!load) continue;
    load.credits = addCredits(load.credits, credits);
    active(agent).add(Number(turn));
  }
  for (const [agent, turns] of records.activity) for (const [turn, done] of turns) if (done.called) active(agent).add(turn);
  for (const message of records.messages) if (!humans.has(message.from)) active(message.from).add(message.turn);
  for (const [agent, turns] of activeTurns) {
    const load = loads.get(agent);
    if (load && !humans.has(agent)) load.turnsActive = turns.size;
  }
  return [...loads.values()];
}
