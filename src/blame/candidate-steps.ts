import { readOrgRecords } from '../analysis/records/read-records.js';
import type { MessageRecord } from '../analysis/records/org-records.js';
import { readLedgerFrom, type ChargeLine } from '../engine/money/ledger.js';
import { statePaths } from '../engine/record/state-paths.js';
import type { Org } from '../org/org.js';

/** One agent call of a run: the step blame may change (the agent's call in that turn). */
export interface CandidateStep {
  turn: number;
  agent: string;
}

/** What the original run spent in each call, from its ledger: one charge line is one agent's call in one turn. */
export interface RunCalls {
  /** Every call, oldest first (turn, then agent), with the registry key it was charged to: the model it ran on. */
  calls: Array<CandidateStep & { credits: number; model: string }>;
  /** The run's last charged turn. */
  lastTurn: number;
}

/** The calls a run made, read from its ledger (research lines are no agent's call and are not counted). */
export function runCalls(root: string): RunCalls {
  const { entries } = readLedgerFrom(statePaths(root).ledger, 0);
  const calls = entries
    .filter((entry): entry is ChargeLine => entry.type === 'charge')
    .map((charge) => ({ turn: charge.turn, agent: charge.agent, credits: charge.credits, model: charge.model }))
    .sort((left, right) => left.turn - right.turn || (left.agent < right.agent ? -1 : left.agent > right.agent ? 1 : 0));
  return { calls, lastTurn: calls.reduce((last, call) => Math.max(last, call.turn), 0) };
}

/**
 * The calls on the path of the person's requests: those that wrote a message of a request's thread
 * (the request and every reply below it, by `reply_to`). A failing request's path is where its answer
 * went wrong or stopped; calls off it can only matter through the mail they left on it. Pure.
 */
export function pathSteps(messages: readonly MessageRecord[], humans: ReadonlySet<string>): CandidateStep[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const inThread = new Set<string>();
  const rootOf = (message: MessageRecord): MessageRecord | undefined => {
    const seen = new Set<string>();
    let at: MessageRecord | undefined = message;
    while (at && at.replyTo !== undefined && byId.has(at.replyTo) && !seen.has(at.id)) {
      seen.add(at.id);
      at = byId.get(at.replyTo);
    }
    return at;
  };
  for (const message of messages) {
    const root = rootOf(message);
    if (root && humans.has(root.from)) inThread.add(message.id);
  }
  const steps = new Map<string, CandidateStep>();
  for (const message of messages) {
    if (!inThread.has(message.id) || humans.has(message.from)) continue;
    steps.set(`${message.turn} ${message.from}`, { turn: message.turn, agent: message.from });
  }
  return [...steps.values()];
}

/**
 * The steps blame tries: every call of the run from turn 1, or with `path` only those that wrote a
 * message of the person's requests' threads (pathSteps). Oldest first.
 */
export function candidateSteps(root: string, org: Org, options: { path: boolean }): { steps: CandidateStep[]; run: RunCalls } {
  const run = runCalls(root);
  let steps: CandidateStep[] = run.calls.map(({ turn, agent }) => ({ turn, agent }));
  if (options.path) {
    const records = readOrgRecords(org);
    const humans = new Set(records.agents.filter((agent) => agent.isHuman).map((agent) => agent.name));
    const onPath = new Set(pathSteps(records.messages, humans).map((step) => `${step.turn} ${step.agent}`));
    steps = steps.filter((step) => onPath.has(`${step.turn} ${step.agent}`));
  }
  return { steps: steps.filter((step) => step.turn >= 1), run };
}
