
import { nameRecord } from '../../org/names.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import type { Escalations, Exchanges, Repeats } from './loop-breakers.js';
import { readSavedJson } from '../../storage/read-own-file.js';

/**
 * What the circuit breakers remember between turns, in `org/state/breakers.json` (part of the
 * org's record: a copy goes on holding whom it held). Its size follows the pairs talking lately
 * and the agents held, never the history.
 */
export interface BreakerState {
  version: 1;
  /** The last turn whose new mail was counted: a turn planned again after a crash counts nothing twice. */
  countedThrough: number;
  /** Each pair exchanging lately (`a b`, in name order): the ping-pong rule's count (loop-rules.ts), and its last messages. */
  pairs: Exchanges;
  /** The ledger's length when each recent turn was planned: where the last `window` turns' charges begin. */
  offsets: Array<{ turn: number; offset: number }>;
  /** Agents held, by a breaker or by hand (an intervention's `hold:`), with why and since which turn. */
  held: Record<string, Held>;
  /** The repeated-message breaker's counts (engine.breakers.repeated_messages); absent while it is off. */
  repeats?: Repeats;
  /** The escalation-storm breaker's window (engine.breakers.escalation_storm); absent while it is off. */
  escalations?: Escalations;
}

/** One agent held: since which turn, why, and who held it (`by`; absent: a breaker, as state written before lemming recorded it reads). */
export interface Held {
  turn: number;
  reason: string;
  by?: 'intervention';
}

/** Who holds an agent: a loop breaker of org.yaml `engine.breakers`, or an intervention's `hold:` (the cause its held turns are counted under). */
export type Holder = 'breaker' | 'intervention';

/** Who holds this agent; a hold that does not say is a breaker's. */
export function holderOf(held: Held): Holder {
  return held.by === 'intervention' ? 'intervention' : 'breaker';
}

/** No breaker has counted anything yet. */
export function emptyBreakerState(): BreakerState {
  return { version: 1, countedThrough: 0, pairs: nameRecord(), offsets: [], held: nameRecord() };
}

/** Read the file; a missing or unreadable one is an empty state (a breaker only ever holds, so losing it frees). */
export function readBreakerState(path: string): BreakerState {
  try {
    const data = readSavedJson<Partial<BreakerState>>(path) ?? {};
    if (data.version !== 1) return emptyBreakerState();
    return {
      version: 1,
      countedThrough: typeof data.countedThrough === 'number' ? data.countedThrough : 0,
      pairs: nameRecord(data.pairs ?? {}),
      offsets: Array.isArray(data.offsets) ? data.offsets : [],
      held: nameRecord(data.held ?? {}),
      ...(data.repeats ? { repeats: nameRecord(data.repeats) } : {}),
      ...(data.escalations ? { escalations: nameRecord(data.escalations) } : {}),
    };
  } catch {
    return emptyBreakerState();
  }
}

/** Replace the file (temporary file, then rename). */
export function writeBreakerState(path: string, state: BreakerState): void {
  writeFileAtomic(path, `${JSON.stringify(state)}\n`);
}
