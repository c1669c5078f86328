import { showCredits } from '../../format/format.js';
import { HUMAN } from '../../org/names.js';
import type { Agent, Org } from '../../org/org.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { CallReason, EngineEvent } from '../events.js';
import { balanceOf, type LedgerSnapshot } from '../money/ledger.js';
import { makeNotice } from './notices.js';
import { drawActive, type RuleDraws } from './activation.js';
import { groupByRecipient, type MailByAgent } from '../record/pending-index.js';

/** What `planTurn` decides: who is called, and what telling managers about agents out of credits adds. */
export interface TurnPlan {
  /** Agents to call, in name order, with their waiting mail (`waiting`: how much waits for an agent a meeting takes, which it is not shown). */
  calls: Array<{ agent: string; reason: CallReason; mail: readonly PendingItem[]; waiting?: number }>;
  events: EngineEvent[];
  /** Agents at zero after this plan (whose manager has been told). */
  outOfCredits: string[];
  /** Notices for managers that are agents. */
  notices: PendingItem[];
  /** Notices for a manager that is the human. */
  humanNotices: EngineState['humanNotices'];
  /** Agents with work that org.yaml `engine.activation` did not draw this turn: their mail waits. */
  notDrawn: number;
  /** Each activation rule that governed an agent with work: how many, and how many it drew. */
  draws: RuleDraws[];
}

/** True when the agent's schedule wakes it in `turn`, mail or not. */
export function isScheduled(schedule: { every: number; offset: number }, turn: number): boolean {
  return schedule.every > 0 && turn >= schedule.offset && (turn - schedule.offset) % schedule.every === 0;
}

/** Group waiting mail by recipient. */
export const mailByAgent = groupByRecipient;

/**
 * Decide who works in `turn`: every agent with mail or a schedule that says so, and drawn where
 * org.yaml `engine.activation` draws,
 * except those out of credits, whose manager is told once. Idle agents cost
 * nothing: the work here follows the agents with mail. Pure.
 */
export function planTurn(org: Org, state: EngineState, mail: MailByAgent, ledger: LedgerSnapshot, turn: number, meeting: ReadonlySet<string> = new Set()): TurnPlan {
  const plan: TurnPlan = { calls: [], events: [], outOfCredits: [], notices: [], humanNotices: [], notDrawn: 0, draws: [] };
  const called: Array<{ agent: string }> = [];
  for (const name of mail.keys()) if (org.agents.get(name)?.isHuman === false) called.push({ agent: name });
  const scheduled = (agent: Agent | undefined): boolean => agent !== undefined && !agent.isHuman && isScheduled(agent.schedule, turn);
  for (const agent of org.agents.values()) if (!mail.has(agent.name) && scheduled(agent)) called.push({ agent: agent.name });
  // A meeting's attendees are called, mail or not (turn/hold-meetings.ts).
  for (const name of meeting) if (!mail.has(name) && !scheduled(org.agents.get(name)) && org.agents.get(name)?.isHuman === false) called.push({ agent: name });
  const alreadyTold = new Set(state.outOfCredits);
  // Stay "told" while still at zero, so a manager hears once per time an agent runs dry.
  const stillDry = state.outOfCredits.filter((name) => {
    const agent = org.agents.get(name);
    return agent !== undefined && balanceOf(agent.credits, ledger.totals[name]) <= 0;
  });
  // Activation draws first (engine/turn/activation.ts): the agents not drawn cost the plan a draw
  // each and nothing more, however much mail waits; only those drawn are put in name order.
  const drawn = drawActive(org.settings.activation, org, turn, called);
  plan.notDrawn = drawn.notDrawn;
  plan.draws = drawn.draws;
  for (const { agent: name } of drawn.calls.sort((left, right) => (left.agent < right.agent ? -1 : left.agent > right.agent ? 1 : 0))) {
    const agent = org.agents.get(name);
    if (!agent) continue;
    const balance = balanceOf(agent.credits, ledger.totals[name]);
    if (balance <= 0) {
      if (!stillDry.includes(name)) stillDry.push(name);
      plan.events.push({ type: 'agent-skipped', turn, agent: name, reason: 'out-of-credits', balance });
      if (!alreadyTold.has(name)) tellManager(plan, org, name, turn, balance);
      continue;
    }
    // An agent in a meeting spends its turn there (turn/hold-meetings.ts): its mail waits for its next turn.
    const agentMail = meeting.has(name) ? [] : (mail.get(name) ?? []);
    const waiting = meeting.has(name) ? (mail.get(name)?.length ?? 0) : 0;
    plan.calls.push({ agent: name, reason: meeting.has(name) ? 'meeting' : agentMail.length > 0 ? 'mail' : 'schedule', mail: agentMail, ...(waiting > 0 ? { waiting } : {}) });
  }
  plan.outOfCredits = stillDry.sort();
  return plan;
}

/**
 * Tell an agent's manager, once, that it has run dry (or cannot pay for its next call, `needed`);
 * an agent whose chart names no manager that is in the org tells the human, so someone always
 * hears. Returns who was told.
 */
export function tellManager(plan: Pick<TurnPlan, 'notices' | 'humanNotices'>, org: Org, agent: string, turn: number, balance: number, needed?: number): string {
  const reportsTo = org.agents.get(agent)?.reportsTo;
  const manager = reportsTo && org.agents.has(reportsTo) ? reportsTo : HUMAN;
  const subject = `${agent} is out of credits`;
  const cost = needed === undefined ? '' : `, and its next call would cost about ${showCredits(needed)}`;
  const nobody = manager === reportsTo ? '' : ` ${agent} reports to nobody in org/chart.yaml, so you are told.`;
  const body =
    `${agent} has ${showCredits(balance)} credits left${cost}; it will not be called until it has more. ` +
    `Its mail waits for it. A person can top it up with \`lemming top-up ${agent} <credits>\`.${nobody}`;
  const notice = makeNotice(turn, manager, `credits-${agent}`, 1, subject, body);
  if (manager === HUMAN) plan.humanNotices.push({ id: notice.id, turn, subject, body });
  else plan.notices.push(notice);
  return manager;
}
