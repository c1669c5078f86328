import type { EngineSettings } from '../../org/schema.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import type { EngineEvent } from '../events.js';
import { makeNotice } from '../turn/notices.js';
import type { BreakerState } from './breaker-state.js';

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
 * - ping-pong: two agents whose messages alternate between them `ping_pong` times in a row, neither
 *   writing to anyone else meanwhile (a third recipient ends the exchange; a person's mail is not counted);
 * - spend: an agent charged more than `credits_per_turn` a turn on average over the last `window` turns.
 * A held agent stays held, its mail waiting, until a person runs `lemming retry <agent>`; the human
 * is told once, when it is held, as of an agent out of credits. Counting happens once per turn
 * (`countedThrough`), so a turn planned again after a crash holds the same agents and tells nobody twice. Pure.
 */
export function tripBreakers(settings: BreakerSettings, previous: BreakerState, input: BreakerTurn): BreakerDecision {
  const state: BreakerState = { ...previous, pairs: { ...previous.pairs }, held: { ...previous.held }, offsets: [...previous.offsets] };
  const decision: BreakerDecision = { state, events: [], humanNotices: [], released: [] };
  const { turn } = input;
  for (const name of Object.keys(state.held)) {
    if (!input.released(name)) continue;
    delete state.held[name];
    for (const key of Object.keys(state.pairs)) if (key.split(' ').includes(name)) delete state.pairs[key];
    decision.released.push(name);
    decision.events.push({ type: 'agent-note', turn, agent: name, message: 'called again: a person asked to (`lemming retry`); the circuit breaker that held it is reset' });
  }
  if (turn <= state.countedThrough) return decision;
  state.countedThrough = turn;
  const hold = (agent: string, reason: string, detail: string): void => {
    if (state.held[agent]) return;
    state.held[agent] = { turn, reason };
    const subject = `${agent} is held by a circuit breaker: ${reason}`;
    const body =
      `${agent} ${detail}, past org/org.yaml engine.breakers, so it is held: it will not be called, and its mail waits for it, ` +
      `until a person runs \`lemming retry ${agent}\`. \`lemming analyze\` shows the org's ping-pongs and spending.`;
    const notice = makeNotice(turn, 'human', `breaker-${agent}`, 1, subject, body);
    decision.humanNotices.push({ id: notice.id, turn, subject, body });
  };

  if (settings.ping_pong !== undefined) {
    const recipients = new Map<string, Set<string>>();
    for (const item of input.newMail) {
      if (item.kind !== 'message' || !input.isAgent(item.from) || !input.isAgent(item.to)) continue;
      let to = recipients.get(item.from);
      if (!to) recipients.set(item.from, (to = new Set()));
      to.add(item.to);
    }
    // An agent that wrote to more than one agent brought someone new in: its exchanges start again.
    for (const key of Object.keys(state.pairs)) {
      const [first, second] = key.split(' ') as [string, string];
      const broke = (agent: string, partner: string): boolean => {
        const to = recipients.get(agent);
        return to !== undefined && (to.size > 1 || !to.has(partner));
      };
      if (broke(first, second) || broke(second, first)) delete state.pairs[key];
    }
    for (const [from, to] of recipients) {
      if (to.size !== 1) continue;
      const [partner] = [...to] as [string];
      const key = [from, partner].sort().join(' ');
      const pair = state.pairs[key];
      const count = pair && pair.last === partner && pair.turn < turn ? pair.count + 1 : 1;
      state.pairs[key] = { count, last: from, turn };
      if (count >= settings.ping_pong) {
        delete state.pairs[key];
        const [first, second] = key.split(' ') as [string, string];
        const detail = (other: string): string => `and ${other} have sent ${count} messages back and forth, neither writing to anyone else`;
        hold(first, `ping-pong with ${second}`, detail(second));
        hold(second, `ping-pong with ${first}`, detail(first));
      }
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
        hold(agent, 'spending too fast', `was charged ${spent.toFixed(4)} credits in the last ${turns} turns (${(spent / turns).toFixed(4)} a turn; engine.breakers.spend.credits_per_turn is ${limit})`);
      }
    }
  }
  return decision;
}
