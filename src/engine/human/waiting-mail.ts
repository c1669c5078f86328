import { scanOutbox } from '../../mailbox/outbox-scan.js';
import { heldForNextTurn } from '../breakers/hold-by-breakers.js';
import { budgetHeld, budgetToTell } from '../budget/budget-entry.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import { estimateCallCost } from '../money/charge.js';
import type { EngineState } from '../record/engine-state.js';
import { pendingByAgent } from '../record/pending-index.js';
import { balanceOf, caughtUp } from '../money/ledger.js';
import { OutboxHintStore } from '../record/outbox-hints.js';
import { loadedRouting } from '../routing/routing-entry.js';
import { FailingAgents } from '../turn/failing-agents.js';
import { prepareCall } from '../turn/prepare-call.js';
import { hasDecisionsToTakeUp } from '../turn/proposal-notices.js';
import { discoverMail } from '../turn/discover-mail.js';
import { agentPaths, statePaths } from '../record/state-paths.js';
import { takenNames } from '../record/taken-files.js';
import { TokenRatios } from '../record/token-ratios.js';

/** An agent (not the human) with unread mail, its balance, and whether a turn would call it. */
export interface WaitingAgent {
  name: string;
  balance: number;
  /** It has credits for its next call, as the turn's plan will judge it. */
  payable: boolean;
}

/**
 * Agents with unread mail, by name. An agent the last turn found short of its call's
 * estimated cost is payable again only when that estimate now fits its balance (a
 * top-up, a bigger budget), so an agent that cannot pay never keeps a run going.
 */
export function agentsWithMail(root: string, org: Org, state: EngineState): WaitingAgent[] {
  const { totals } = caughtUp(statePaths(root).ledger, state.ledger);
  // By recipient, from the index each commit keeps (record/pending-index.ts): a run asks this every turn.
  return [...pendingByAgent(state.pending).keys()].sort().flatMap((name) => {
    const agent = org.agents.get(name);
    if (!agent || agent.isHuman) return [];
    const balance = balanceOf(agent.credits, totals[name]);
    return [{ name, balance, payable: balance > 0 && (!state.outOfCredits.includes(name) || affordsNextCall(root, org, state, name, balance)) }];
  });
}

function affordsNextCall(root: string, org: Org, state: EngineState, name: string, balance: number): boolean {
  const mail = pendingByAgent(state.pending).get(name) ?? [];
  // Judged as the turn's plan judges it: with the token ratios its servers have taught.
  const ratios = TokenRatios.load(root, org.models, state.turn + 1);
  const call = prepareCall(root, org, name, 'mail', mail, state.turn + 1, { ratios });
  const entry = org.models[call.modelKey];
  return !entry || estimateCallCost(call.prompt.request, entry, ratios.scale(call.modelKey)) <= balance;
}

/**
 * Mail the next turn takes in that the engine's state does not hold yet, by recipient: what the
 * person wrote (`lemming send`, chat) or a hand dropped into an outbox since the last turn, the chart
 * permitting, and the notice a refused one earns its sender. Reads only the outboxes that changed
 * since the engine last listed them, and changes nothing: for a screen's first frame, not each turn.
 */
export function mailNotYetTakenIn(root: string, org: Org, state: EngineState): Map<string, number> {
  const discovery = discoverMail(root, org, state, OutboxHintStore.load(statePaths(root).outboxHints), state.turn + 1);
  const counts = new Map<string, number>();
  for (const item of discovery.pending) counts.set(item.to, (counts.get(item.to) ?? 0) + 1);
  return counts;
}

/**
 * Agents with mail they cannot pay for whose manager has not been told yet: the next turn's plan
 * tells them, so a run or a drive must not end before it. Not one a reached ceiling (org.yaml
 * `budget:`) holds: the plan holds it before it looks at its credits, so no turn would tell, and a
 * run waiting for that turn ran empty turns to its cap; its manager is told once a turn can plan it.
 * Cheap for agents at zero; an agent with credits costs a prompt estimate.
 */
export function strandedUntold(root: string, org: Org, state: EngineState, waiting = agentsWithMail(root, org, state)): string[] {
  const ceilingHeld = budgetHeld(org, state.ledger.totals);
  return waiting
    .filter((agent) => !state.outOfCredits.includes(agent.name) && !ceilingHeld(agent.name) && (agent.balance <= 0 || !affordsNextCall(root, org, state, agent.name, agent.balance)))
    .map((agent) => agent.name);
}

/**
 * Whether something the org owes a person's attention is still untold: a stranded agent whose
 * manager has not been told (see strandedUntold), or an engine notice (an agent out of credits,
 * a refused send) waiting for an agent that will read it (`canRead`: payable and not held).
 * A drive that got its reply runs on until there is none.
 */
export function hasUntoldTrouble(root: string, org: Org, state: EngineState, canRead: (agent: string) => boolean): boolean {
  const waiting = agentsWithMail(root, org, state);
  const readers = new Set(waiting.filter((agent) => agent.payable && canRead(agent.name)).map((agent) => agent.name));
  const mail = pendingByAgent(state.pending);
  if ([...readers].some((reader) => mail.get(reader)?.some((item) => item.kind === 'notice'))) return true;
  return strandedUntold(root, org, state, waiting).length > 0;
}

/**
 * Whether a turn would find work, a crash's unfinished turn apart: a proposal the human decided,
 * mail awaiting an answer under routing rules, mail for an agent that left, unread mail for an
 * agent that can pay for it and is not held, an agent still to join, an outbox that changed since
 * the last turn (new mail, maybe), or a stranded agent whose manager is still to be told.
 */
export function turnWouldFindWork(root: string, org: Org, state: EngineState, hints: Pick<OutboxHintStore, 'get'>, changed?: ReadonlySet<string>): boolean {
  // The human decided a proposal: carrying it out, or telling its proposer, takes a turn.
  if (hasDecisionsToTakeUp(root, org)) return true;
  // Mail waiting for an answer (org/routing.yaml escalate) is answered or raised within its turns: they cost no call.
  if (state.awaiting !== undefined && state.awaiting.length > 0 && loadedRouting()?.escalationInForce(root, org)) return true;
  // Mail waiting for an agent that has left goes back to its senders with a turn.
  if ([...pendingByAgent(state.pending).keys()].some((to) => to !== HUMAN && !org.agents.has(to))) return true;
  const failing = FailingAgents.load(root);
  const breakerHeld = heldForNextTurn(org);
  const ceilingHeld = budgetHeld(org, state.ledger.totals);
  if (agentsWithMail(root, org, state).some((agent) => agent.payable && !failing.isHeld(org, agent.name) && !breakerHeld(agent.name) && !ceilingHeld(agent.name))) return true;
  const members = new Set(state.members);
  const takenPath = statePaths(root).taken;
  // With the change feed's answer (org/changes/), only the outboxes that may have changed are looked at.
  const names = changed ? [...org.agents.keys()].filter((name) => !members.has(name) || changed.has(name)) : org.agents.keys();
  for (const name of names) {
    // An agent that has not joined yet joins with a turn (and, in an org that has run, says what it took as history).
    if (!members.has(name) && state.turn > 0) return true;
    let taken: ReadonlySet<string> | undefined;
    const scan = scanOutbox(agentPaths(root, name).outbox, hints.get(name), (file) => (taken ??= takenNames(takenPath, name)).has(file));
    if (scan && (scan.newFiles.length > 0 || scan.skipped.length > 0)) return true;
  }
  // A ceiling (org.yaml budget) passed a share the human has not heard of: one more turn tells them.
  if (budgetToTell(org, state.ledger.totals)) return true;
  // An agent that cannot pay for its mail and whose manager has not heard yet: one more turn tells them.
  return strandedUntold(root, org, state).length > 0;
}
