import { existsSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readMessageFile } from '../../mailbox/message-file.js';
import type { Org } from '../../org/org.js';
import type { EngineEvent } from '../events.js';
import { balanceOf, readLedgerFrom, type LedgerSnapshot } from '../money/ledger.js';
import { readLogSince } from '../record/agent-log.js';
import type { EngineState, PendingItem } from '../record/engine-state.js';
import { statePaths } from '../record/state-paths.js';
import { holderOf, readBreakerState, writeBreakerState, type BreakerState, type Held, type Holder } from './breaker-state.js';
import { madeSomethingIn } from './loop-rules.js';
import { tripBreakers, type BreakerSettings } from './trip-breakers.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';

/** The breakers' part of a turn's plan: the calls left, what to log and tell, and `save` once the plan is journaled. */
export interface BreakerHold<Call> {
  calls: Call[];
  events: EngineEvent[];
  humanNotices: EngineState['humanNotices'];
  /** Keep what was counted (after the plan is journaled) and take up the retry requests used. */
  save(): void;
}

/**
 * Apply org.yaml `engine.breakers` to a turn being planned: count, hold who trips one (see
 * tripBreakers) and take the held agents out of the calls, their mail left waiting, as an agent
 * out of credits is. Off (a stat, nothing written) when the org sets no breakers and nobody was held by hand.
 */
export function holdByBreakers<Call extends { agent: string }>(
  org: Org,
  turn: number,
  newMail: readonly PendingItem[],
  activity: EngineState['activity'],
  ledger: LedgerSnapshot,
  calls: Call[],
): BreakerHold<Call> {
  const paths = statePaths(org.root);
  // Without breakers set, agents held by hand (an intervention's `hold:`) stay held: a stat tells whether any were.
  const settings: BreakerSettings | undefined = org.settings.breakers ?? (existsSync(paths.breakers) ? {} : undefined);
  const counting = settings && (settings.ping_pong !== undefined || settings.spend !== undefined || settings.repeated_messages !== undefined || settings.escalation_storm !== undefined);
  if (!settings || (!counting && !existsSync(paths.breakers))) return { calls, events: [], humanNotices: [], save: () => undefined };
  const previous: BreakerState = readBreakerState(paths.breakers);
  const decision = tripBreakers(settings, previous, {
    turn,
    newMail,
    ledgerOffset: ledger.offset,
    chargedSince: (offset) => {
      const spent = new Map<string, number>();
      for (const entry of readLedgerFrom(paths.ledger, offset).entries) if (entry.type === 'charge') spent.set(entry.agent, (spent.get(entry.agent) ?? 0) + entry.credits);
      return spent;
    },
    isAgent: (name) => org.agents.get(name)?.isHuman === false,
    released: (name) => existsSync(join(paths.retryRequests, name)),
    managerOf: (name) => org.agents.get(name)?.reportsTo,
    bodyOf: (message) => {
      const read = readMessageFile(org.root, message.from, basename(message.file), message.turn, org.settings.max_body_chars);
      return 'error' in read ? '' : read.message.body;
    },
    // Only an agent called in the last turn can have made something in it: its log's lines of that turn, read from the end.
    madeSomething: (name) => activity[name]?.turn === turn - 1 && readLogSince(org.root, name, turn - 1).some((entry) => entry.turn === turn - 1 && madeSomethingIn(entry)),
  });
  const events = [...decision.events];
  const kept: Call[] = [];
  for (const call of calls) {
    const held = decision.state.held[call.agent];
    if (!held) {
      kept.push(call);
      continue;
    }
    const agent = org.agents.get(call.agent);
    events.push({ type: 'agent-skipped', turn, agent: call.agent, reason: holderOf(held), balance: balanceOf(agent?.credits ?? 0, ledger.totals[call.agent]), breaker: held.reason });
  }
  return {
    calls: kept,
    events,
    humanNotices: decision.humanNotices,
    save: () => {
      writeBreakerState(paths.breakers, decision.state);
      for (const name of decision.released) rmSync(join(paths.retryRequests, name), { force: true });
    },
  };
}

/** Whether a breaker (or an intervention) holds this agent now (for `lemming retry`). */
export function heldByBreaker(root: string, agent: string): Held | undefined {
  return readBreakerState(statePaths(root).breakers).held[agent];
}

/**
 * `lemming retry <agent>` for an agent a breaker holds: the same request file a held failing agent
 * gets (a file, not an edit of the engine's state, so it never races a running engine); the next
 * turn calls it again and resets the breaker's count for it.
 */
export function requestBreakerRelease(root: string, agent: string): Held | undefined {
  const held = heldByBreaker(root, agent);
  if (held) writeFileAtomic(join(statePaths(root).retryRequests, agent), `${new Date().toISOString()}\n`);
  return held;
}

/** The agents a breaker or an intervention holds now, with who, why and since which turn (for `status`); none without breakers. */
export function breakerHolds(org: Org): Array<{ agent: string; by: Holder; turn: number; reason: string }> {
  const path = statePaths(org.root).breakers;
  if (!org.settings.breakers && !existsSync(path)) return [];
  return Object.entries(readBreakerState(path).held).map(([agent, held]) => ({ agent, by: holderOf(held), turn: held.turn, reason: held.reason }));
}

/**
 * Who holds an agent for the next turn, a breaker or an intervention (held, and no `lemming retry`
 * asked to let it go): its mail is no work for a turn, so a run with only such mail left is idle.
 * Off: nobody.
 */
export function heldForNextTurn(org: Org): (agent: string) => Holder | undefined {
  const paths = statePaths(org.root);
  if (!org.settings.breakers && !existsSync(paths.breakers)) return () => undefined;
  const { held } = readBreakerState(paths.breakers);
  return (agent) => {
    const hold = held[agent];
    return hold === undefined || existsSync(join(paths.retryRequests, agent)) ? undefined : holderOf(hold);
  };
}
