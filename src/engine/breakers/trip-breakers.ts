import { showCredits, showGiven } from '../../format/format.js';
import type { EngineSettings } from '../../org/schema.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { EngineEvent, LoopSeen } from '../events.js';
import { makeNotice } from '../turn/notices.js';
import type { BreakerState } from './breaker-state.js';
import { countEscalations, countPingPongs, countRepeats, type BodyRef, type MailSeen } from './loop-breakers.js';

/** org.yaml `engine.breakers`, when set. */
export type BreakerSettings = NonNullable<EngineSettings['breakers']>;

/** What the breakers read of one turn as it is planned. */
export interface BreakerTurn {
  turn: number;
  /** The mail written in the last turn, delivered in this one: what the ping-pong breaker counts. */
  newMail: readonly PendingItem[];
  /** The ledger's length now: every charge up to the last turn is before it. */
  ledgerOffset: number;
  /** Credits charged per agent in the ledger after `offset`. */
  chargedSince(offset: number): ReadonlyMap<string, number>;
  /** Agents that take part in breakers: members of the org that the engine calls (not people). */
  isAgent(name: string): boolean;
  /** A person asked for this held agent to be called again (`lemming retry`). */
  released(name: string): boolean;
  /** Whom an agent reports to (org/chart.yaml): what makes a message an escalation. */
  managerOf(agent: string): string | null | undefined;
  /** A message's body, read from its file ('' when it cannot be): read only for the loops that need it. */
  bodyOf(message: BodyRef): string;
  /** Whether an agent called a tool that makes something in the last turn (its activity log): it ends its exchanges. */
  madeSomething(agent: string): boolean;
}

/** What the breakers decided for a turn: the state to keep, who is held, what the human is told. */
export interface BreakerDecision {
  state: BreakerState;
  events: EngineEvent[];
  humanNotices: EngineState['humanNotices'];
  /** Agents a person released this turn (their retry requests are taken up). */
  released: string[];
}

/**
 * Count this turn's new mail and the last turns' spending, and hold who trips a breaker:
 * - ping-pong: two agents that have sent `ping_pong` messages back and forth, taking turns or writing
 *   in the same turns, neither writing to anyone else nor making anything meanwhile: the rule
 *   `lemming analyze` finds them by (loop-rules.ts), applied to each turn's new mail (loop-breakers.ts);
 * - spend: an agent charged more than `credits_per_turn` a turn on average over the last `window` turns;
 * - repeated messages and escalation storms: the rules `lemming analyze` finds them by (loop-rules.ts),
 *   applied to each turn's new mail (loop-breakers.ts).
 * A loop breaker set to `warn` tells the human what it saw and holds nobody; `off` counts nothing.
 * A held agent stays held, its mail waiting, until a person runs `lemming retry <agent>`; the human
 * is told once, when it is held, as of an agent out of credits. Counting happens once per turn
 * (`countedThrough`), so a turn planned again after a crash holds the same agents and tells nobody twice. Pure.
 */
export function tripBreakers(settings: BreakerSettings, previous: BreakerState, input: BreakerTurn): BreakerDecision {
  const state: BreakerState = {
    ...previous,
    pairs: { ...previous.pairs },
    held: { ...previous.held },
    offsets: [...previous.offsets],
    ...(previous.repeats ? { repeats: { ...previous.repeats } } : {}),
    ...(previous.escalations ? { escalations: { ...previous.escalations } } : {}),
  };
  const decision: BreakerDecision = { state, events: [], humanNotices: [], released: [] };
  const { turn } = input;
  for (const name of Object.keys(state.held)) {
    if (!input.released(name)) continue;
    delete state.held[name];
    for (const key of Object.keys(state.pairs)) if (key.split(' ').includes(name)) delete state.pairs[key];
    if (state.repeats) for (const [key, entry] of Object.entries(state.repeats)) if (entry.from === name) delete state.repeats[key];
    if (state.escalations) for (const [to, list] of Object.entries(state.escalations)) state.escalations[to] = list.filter((item) => item.from !== name);
    decision.released.push(name);
    decision.events.push({ type: 'agent-note', turn, agent: name, message: 'called again: a person asked to (`lemming retry`); the circuit breaker that held it is reset' });
  }
  if (turn <= state.countedThrough) return decision;
  state.countedThrough = turn;
  const hold = (agent: string, reason: string, detail: string, seen?: LoopSeen): void => {
    if (state.held[agent]) return;
    state.held[agent] = { turn, reason };
    const subject = `${agent} is held by a circuit breaker: ${reason}`;
    const body =
      `${agent} ${detail}, past org/org.yaml engine.breakers, so it is held: it will not be called, and its mail waits for it, ` +
      `until a person runs \`lemming retry ${agent}\`. \`lemming analyze\` shows the org's ping-pongs, repetitions and spending.${seen ? messagesSeen(seen) : ''}`;
    const notice = makeNotice(turn, 'human', `breaker-${agent}`, 1, subject, body);
    decision.humanNotices.push({ id: notice.id, turn, subject, body });
  };
  let warned = 0;
  /** A loop seen: an event (the notifier's `loop`), and its agents held or the human told. */
  const loopSeen = (seen: LoopSeen, reason: (agent: string) => string, detail: (agent: string) => string, setting: string): void => {
    decision.events.push({ type: 'loop-detected', turn, ...seen });
    if (seen.action === 'pause') {
      for (const agent of seen.agents) hold(agent, reason(agent), detail(agent), seen);
      return;
    }
    const subject = `A loop was seen (not held): ${seen.summary}`;
    const body = `${seen.summary}. org/org.yaml engine.breakers.${setting} says \`warn\`, so nobody is held; \`pause\` would hold ${seen.agents.join(' and ')} until \`lemming retry\`.${messagesSeen(seen)}`;
    warned += 1;
    const notice = makeNotice(turn, 'human', `loop-${seen.kind}`, warned, subject, body);
    decision.humanNotices.push({ id: notice.id, turn, subject, body });
  };
  const mail: MailSeen[] = [];
  for (const item of input.newMail) if (item.kind === 'message' && input.isAgent(item.from)) mail.push({ id: item.id, from: item.from, to: item.to, turn: item.turn, file: item.file, priority: item.priority });

  const pingPong = settings.ping_pong;
  if (pingPong !== undefined && pingPong.on !== 'off') {
    const counted = countPingPongs(state.pairs, mail, pingPong, turn, input);
    state.pairs = counted.pairs;
    for (const { seen, count } of counted.found) {
      const other = (agent: string): string => (agent === seen.agents[0] ? (seen.agents[1] as string) : (seen.agents[0] as string));
      const detail = (agent: string): string => `and ${other(agent)} have sent ${count} messages back and forth, neither writing to anyone else nor making anything`;
      loopSeen(seen, (agent) => `ping-pong with ${other(agent)}`, detail, 'ping_pong');
    }
  }

  if (settings.spend !== undefined) {
    const { credits_per_turn: limit, window } = settings.spend;
    state.offsets.push({ turn, offset: input.ledgerOffset });
    while (state.offsets.length > window + 1) state.offsets.shift();
    const base = state.offsets[0];
    if (base && turn - base.turn >= window) {
      const turns = turn - base.turn;
      for (const [agent, spent] of input.chargedSince(base.offset)) {
        if (!input.isAgent(agent) || spent / turns <= limit) continue;
        hold(agent, 'spending too fast', `was charged ${showCredits(spent)} credits in the last ${turns} turns (${showCredits(spent / turns)} a turn; engine.breakers.spend.credits_per_turn is ${showGiven(limit)})`);
      }
    }
  }
  if (settings.repeated_messages !== undefined && settings.repeated_messages.on !== 'off') {
    const counted = countRepeats(state.repeats ?? {}, mail, settings.repeated_messages, turn, input.bodyOf);
    state.repeats = counted.repeats;
    for (const seen of counted.found) loopSeen(seen, () => 'repeating a message', () => `wrote the same text in ${settings.repeated_messages?.times} turns`, 'repeated_messages');
  }
  if (settings.escalation_storm !== undefined && settings.escalation_storm.on !== 'off') {
    const counted = countEscalations(state.escalations ?? {}, mail, settings.escalation_storm, turn, input.managerOf, input.bodyOf);
    state.escalations = counted.escalations;
    for (const seen of counted.found) loopSeen(seen, () => 'escalation storm', () => `is one of the agents of an escalation storm (${seen.summary})`, 'escalation_storm');
  }
  return decision;
}

/** The messages a loop was seen in, as a notice lists them: id, file, and the start of the text. */
function messagesSeen(seen: LoopSeen): string {
  if (seen.messages.length === 0) return '';
  return `\n\nThe messages:\n${seen.messages.map((message) => `- ${message.id} (${message.file})${message.quote ? `: "${message.quote}"` : ''}`).join('\n')}`;
}
