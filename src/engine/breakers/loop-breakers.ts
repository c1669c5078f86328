import { createHash } from 'node:crypto';
import type { EscalationStormSetting, PingPongSetting, RepeatedMessagesSetting } from '../../org/budget-schema.js';
import type { PendingItem } from '../record/engine-state.js';
import type { LoopSeen } from '../events.js';
import { exchangeAfter, movesTo, inStormWindow, isEscalation, quoteOf, repetitionText, repetitionTurns, type Exchange, type TurnConduct } from './loop-rules.js';

/** A message of the last turn as the loop breakers read it: waiting mail's own fields. */
export type MailSeen = Pick<Extract<PendingItem, { kind: 'message' }>, 'id' | 'from' | 'to' | 'turn' | 'file' | 'priority'>;

/** What a message's body is read by: its sender's outbox, its file, its turn. */
export type BodyRef = Pick<MailSeen, 'from' | 'file' | 'turn'>;

/** A message a breaker keeps to name in its notice. */
export interface KeptMessage {
  id: string;
  from: string;
  file: string;
}

/** What the repeated-message breaker keeps: by sender and text (hashed), the turns it was written in and its last messages. */
export type Repeats = Record<string, { from: string; turns: number[]; messages: KeptMessage[]; quote: string }>;

/** What the escalation-storm breaker keeps: by manager, the escalations of the last turns. */
export type Escalations = Record<string, Array<KeptMessage & { turn: number }>>;

/** What the ping-pong breaker keeps: by pair (`a b`, in name order), its exchange (loop-rules.ts) and its last messages. */
export type Exchanges = Record<string, Exchange & { /** Its last messages, named when it is held. */ recent?: KeptMessage[] }>;

/** What the ping-pong breaker reads of the org besides the mail. */
export interface PairLook {
  /** Whether a name is an agent the engine calls (a person's mail is not counted). */
  isAgent(name: string): boolean;
  /** Whether an agent called a tool that makes something in the turn the mail was written in. */
  madeSomething(agent: string): boolean;
  bodyOf(message: BodyRef): string;
}

/** How many messages a notice names. */
const NAMED = 5;

function named<Kept extends KeptMessage>(messages: readonly Kept[], quote: (message: Kept) => string): LoopSeen['messages'] {
  return messages.slice(-NAMED).map((message) => ({ id: message.id, file: message.file, quote: quote(message) }));
}

/**
 * The repeated-message breaker for one turn's new mail: each agent's text (loop-rules.ts's rule) is
 * counted by the turns it was written in, over the last `within` turns; at `times` the sender is in a
 * loop, reported once (its count starts again). Pure but for the bodies `bodyOf` reads.
 */
export function countRepeats(previous: Readonly<Repeats>, mail: readonly MailSeen[], setting: RepeatedMessagesSetting, turn: number, bodyOf: (message: BodyRef) => string): { repeats: Repeats; found: LoopSeen[] } {
  const repeats: Repeats = Object.create(null) as Repeats;
  for (const [key, entry] of Object.entries(previous)) {
    const turns = entry.turns.filter((written) => written > turn - 1 - setting.within);
    if (turns.length > 0) repeats[key] = { ...entry, turns, messages: [...entry.messages] };
  }
  const found: LoopSeen[] = [];
  for (const message of mail) {
    const body = bodyOf(message);
    const text = repetitionText(body);
    if (text === '') continue;
    const key = `${message.from} ${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
    const entry = (repeats[key] ??= { from: message.from, turns: [], messages: [], quote: quoteOf(body) });
    entry.turns = repetitionTurns(entry.turns, message.turn);
    entry.messages = [...entry.messages, { id: message.id, from: message.from, file: message.file }].slice(-NAMED);
    if (entry.turns.length < setting.times) continue;
    delete repeats[key];
    found.push({
      kind: 'repeated-messages',
      agents: [message.from],
      action: setting.on === 'pause' ? 'pause' : 'warn',
      summary: `${message.from} wrote the same text in ${entry.turns.length} turns (${entry.turns.join(', ')}): "${entry.quote}"`,
      messages: named(entry.messages, () => entry.quote),
    });
  }
  return { repeats, found };
}

/**
 * The escalation-storm breaker for one turn's new mail (written in the turn before `turn`):
 * escalations (loop-rules.ts's rule) are kept by the manager they reach for the last `turns` turns,
 * counted back from the turn the mail was written in (a turn with no mail still passes); `messages`
 * of them in that window are a storm, whose senders are in it, reported once (the manager's count
 * starts again). Pure but for the bodies read.
 */
export function countEscalations(
  previous: Readonly<Escalations>,
  mail: readonly MailSeen[],
  setting: EscalationStormSetting,
  turn: number,
  managerOf: (agent: string) => string | null | undefined,
  bodyOf: (message: BodyRef) => string,
): { escalations: Escalations; found: LoopSeen[] } {
  const escalations: Escalations = Object.create(null) as Escalations;
  for (const [to, list] of Object.entries(previous)) escalations[to] = [...list];
  const reached = new Set<string>();
  for (const message of mail) {
    if (!isEscalation(message, managerOf)) continue;
    (escalations[message.to] ??= []).push({ id: message.id, file: message.file, from: message.from, turn: message.turn });
    reached.add(message.to);
  }
  // The window ends at the turn the mail was written in, not at the newest message: a turn without
  // mail would have ended it at turn 0, and every escalation kept was let go.
  const written = turn - 1;
  const found: LoopSeen[] = [];
  for (const [to, list] of Object.entries(escalations)) {
    const window = list.filter((item) => inStormWindow(written - setting.turns + 1, item.turn, setting.turns));
    if (window.length === 0) {
      delete escalations[to];
      continue;
    }
    escalations[to] = window;
    if (!reached.has(to) || window.length < setting.messages) continue;
    delete escalations[to];
    const senders = [...new Set(window.map((item) => item.from))].sort();
    found.push({
      kind: 'escalation-storm',
      agents: senders,
      action: setting.on === 'pause' ? 'pause' : 'warn',
      summary: `${window.length} escalations (high or urgent) reached ${to} within ${setting.turns} turn(s), from ${senders.join(', ')}`,
      messages: named(window, (item) => quoteOf(bodyOf(item))),
    });
  }
  return { escalations, found };
}

/**
 * The ping-pong breaker for one turn's new mail (written in the turn before `turn`): each pair's
 * exchange is taken on by loop-rules.ts's rule, with what each agent wrote and whether it made
 * something; at `messages` the pair is in a loop, reported once (its count starts again). Pure but
 * for what `look` reads (whether an agent made something, the bodies of a loop found).
 */
export function countPingPongs(previous: Readonly<Exchanges>, mail: readonly MailSeen[], setting: PingPongSetting, turn: number, look: PairLook): { pairs: Exchanges; found: Array<{ seen: LoopSeen; count: number }> } {
  const written = turn - 1;
  const wrote = new Map<string, Set<string>>();
  const sent = new Map<string, KeptMessage[]>();
  for (const message of mail) {
    if (message.to === message.from || !look.isAgent(message.to)) continue;
    let to = wrote.get(message.from);
    if (!to) wrote.set(message.from, (to = new Set()));
    to.add(message.to);
    const direction = `${message.from} ${message.to}`;
    sent.set(direction, [...(sent.get(direction) ?? []), { id: message.id, from: message.from, file: message.file }]);
  }
  const made = new Map<string, boolean>();
  const conductOf = (agent: string): TurnConduct | undefined => {
    let didMake = made.get(agent);
    if (didMake === undefined) made.set(agent, (didMake = look.madeSomething(agent)));
    const to = wrote.get(agent);
    return to === undefined && !didMake ? undefined : { wrote: to ?? new Set(), made: didMake };
  };
  const keys = new Set(Object.keys(previous));
  for (const [from, to] of wrote) if (to.size === 1) keys.add([from, ...to].sort().join(' '));
  const pairs: Exchanges = Object.create(null) as Exchanges;
  const found: Array<{ seen: LoopSeen; count: number }> = [];
  for (const key of keys) {
    const pair = key.split(' ') as [string, string];
    const before = previous[key];
    const after = exchangeAfter(pair, before, written, conductOf);
    if (after === undefined) continue;
    if (after === before) {
      pairs[key] = before;
      continue;
    }
    const continued = before !== undefined && after.since === before.since;
    const movedBy = (from: string, to: string): KeptMessage[] => (movesTo(conductOf(from), to) ? (sent.get(`${from} ${to}`) ?? []) : []);
    const now = [...movedBy(pair[0], pair[1]), ...movedBy(pair[1], pair[0])].sort((left, right) => (left.id < right.id ? -1 : 1));
    const recent = [...(continued ? (before.recent ?? []) : []), ...now].slice(-NAMED);
    if (after.count < setting.messages) {
      pairs[key] = { ...after, recent };
      continue;
    }
    const seen: LoopSeen = {
      kind: 'ping-pong',
      agents: pair,
      action: setting.on === 'pause' ? 'pause' : 'warn',
      summary: `${pair[0]} and ${pair[1]} sent ${after.count} messages back and forth, neither writing to anyone else nor making anything`,
      messages: named(recent, (message) => quoteOf(look.bodyOf({ from: message.from, file: message.file, turn: written }))),
    };
    found.push({ seen, count: after.count });
  }
  return { pairs, found };
}
