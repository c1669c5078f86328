import { nameRecord } from '../../org/names.js';
import { join } from 'node:path';
import { outboxPath } from '../../mailbox/message-file.js';
import { HUMAN } from '../../org/names.js';
import type { Org } from '../../org/org.js';
import type { RoutingRules } from '../../org/routing/routing-rules.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { EngineEvent } from '../events.js';
import { crashPoint } from '../record/crash-points.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { AgentOutcome } from '../record/journal.js';
import { agentPaths } from '../record/state-paths.js';
import { summarise } from '../turn/summarise.js';
import { escalate, type AwaitingAnswer } from './escalation.js';
import { decideForwards, forwardedMail, forwardText } from './forward-mail.js';

type MessageItem = Extract<PendingItem, { kind: 'message' }>;

/** What the routing rules did in a turn: committed with it. */
export interface RoutedTurn {
  /** Forwarded copies waiting for their targets, and notices of escalations for agents. */
  newMail: PendingItem[];
  humanNotices: EngineState['humanNotices'];
  /** The files the forwards wrote, by outbox: taken in with the turn, so no scan takes them as new mail. */
  wrote: Record<string, string[]>;
  /** Mail still waiting for an answer after this turn. */
  awaiting: AwaitingAnswer[];
  events: EngineEvent[];
}

/** Whether `upper` is `agent`'s manager, or its manager's, and so on: a report up the chart awaits no answer. */
function isAbove(org: Org, upper: string, agent: string): boolean {
  const seen = new Set<string>();
  for (let at = org.agents.get(agent)?.reportsTo; at && !seen.has(at); at = org.agents.get(at)?.reportsTo) {
    if (at === upper) return true;
    seen.add(at);
  }
  return false;
}

/** What routing a turn reads: the plan's rules and new mail, and what each agent did. */
export interface RouteInput {
  root: string;
  org: Org;
  turn: number;
  /** The rules as the turn was planned (journaled with the plan); absent: none. */
  rules: RoutingRules | undefined;
  /** The file was broken as the turn was planned: what awaited an answer without an escalation rule in force keeps waiting. */
  held?: boolean;
  /** When the turn was planned: the `created` time of every forward, so one written again is the same bytes. */
  at: string;
  state: EngineState;
  /** Mail the turn's scan took in (messages the person wrote, files dropped in outboxes). */
  discovered: readonly PendingItem[];
  outcomes: readonly AgentOutcome[];
}

/**
 * Apply `org/routing.yaml` at the end of a turn, after every agent's answer is applied and journaled
 * and before the turn commits: forward this turn's new mail as the rules say, and raise mail left
 * unanswered too long. Everything is decided from the journal (the plan, the outcomes) and the
 * message files, and the forwards are written under fixed names, atomically: a run killed anywhere
 * in here finishes the turn by deciding and writing the same again, and a committed turn is never
 * routed twice. No model is called and nothing is charged.
 */
export function routeTurn(input: RouteInput): RoutedTurn {
  const { root, org, turn, rules, outcomes } = input;
  const routed: RoutedTurn = { newMail: [], humanNotices: [], wrote: nameRecord(), awaiting: [], events: [] };
  // Most orgs have no rules: a turn of theirs does nothing here (and what awaited an answer under rules now gone stops waiting).
  if (!rules || (rules.forward.length === 0 && !rules.escalate)) return input.held ? { ...routed, awaiting: input.state.awaiting ?? [] } : routed;
  const newMail: MessageItem[] = [...input.discovered, ...outcomes.flatMap((outcome) => outcome.newMail)].filter((item): item is MessageItem => item.kind === 'message');
  const wroteBy = new Map(outcomes.map((outcome) => [outcome.agent, outcome.wrote?.length ?? 0]));
  const decided = decideForwards(root, org, rules?.forward ?? [], newMail, turn, (outbox) => wroteBy.get(outbox) ?? 0, input.at);
  for (const warning of decided.warnings) routed.events.push({ type: 'warning', turn, file: 'org/routing.yaml', message: warning });

  const replies = new Set<string>();
  for (const outcome of outcomes) for (const reply of outcome.replies ?? []) replies.add(`${outcome.agent} ${reply}`);
  for (const item of input.discovered) if (item.kind === 'message' && item.answers) replies.add(`${item.from} ${item.answers.id}`);
  const asked: AwaitingAnswer[] = newMail
    .filter((item) => item.to !== HUMAN && !org.agents.get(item.to)?.isHuman && !isAbove(org, item.to, item.from))
    .filter((item) => rules?.escalate?.priorities === undefined || rules.escalate.priorities.includes(item.priority))
    .map((item) => ({ id: item.id, from: item.from, to: item.to, turn: item.turn, ...(item.subject ? { subject: item.subject } : {}) }));
  const escalation = escalate(org, rules?.escalate, input.state.awaiting ?? [], asked, replies, turn);
  routed.awaiting = input.held && !rules?.escalate ? (input.state.awaiting ?? []) : escalation.awaiting;
  routed.newMail.push(...escalation.notices);
  routed.humanNotices.push(...escalation.humanNotices);
  for (const raised of escalation.raised) {
    routed.events.push({ type: 'agent-note', turn, agent: raised.to, message: `${raised.id} unanswered: raised to ${raised.manager} (org/routing.yaml escalate)` });
  }

  // Decided; from here on a crash writes the same files again.
  crashPoint('before-route');
  for (const forward of decided.forwards) {
    writeFileAtomic(join(agentPaths(root, forward.outbox).outbox, forward.fileName), forwardText(forward));
    crashPoint('mid-route');
    routed.wrote[forward.outbox] = [...(routed.wrote[forward.outbox] ?? []), forward.fileName];
    routed.newMail.push(...forwardedMail(forward));
    routed.events.push({ type: 'message-delivered', turn, message: summarise(forward.message, `${outboxPath(forward.outbox)}/${forward.fileName}`) });
  }
  crashPoint('after-route');
  return routed;
}
