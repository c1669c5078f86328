import type { LEDGER_RULE } from '../../org/ledger-line.js';

/*
 * The lines of the credit ledger (`org/state/ledger.jsonl`) and what is summed from them, as types:
 * ledger.ts reads, counts and appends them. Types only, so no process loads this file.
 */

/** One model's part of a charge, and a charge line's own counts: tokens, answers and what they cost at its prices. */
export interface ModelShare {
  /** Every prompt token, the cached ones included. */
  input_tokens: number;
  output_tokens: number;
  /** Of input_tokens, those the vendor's prompt cache served; only where there were some. */
  cached_input_tokens?: number;
  /** Of input_tokens, those written to the vendor's prompt cache; only where there were some. */
  cache_write_tokens?: number;
  /** The answers summed, when more than one and the model has a `price_per_call` (absent: one). */
  calls?: number;
  credits: number;
}

/** A charge line: a call's tokens, priced, paid from the agent's balance. */
export interface ChargeLine extends ModelShare {
  type: 'charge';
  turn: number;
  agent: string;
  model: string;
  /** The provider reported no usage, or a count below the usage gate's floor; lemming's estimate (or that floor) was charged. */
  estimated?: boolean;
  /** Why the counts are not the server's, when a sentence is needed: an answer refused unread is charged at what its call was reserved at. */
  note?: string;
  /**
   * When answers of more than one model make up the charge (a step answered by a fallback, an
   * unusable answer before another model's): each model's tokens and credits, which sum to the
   * line's. Absent: all of it is `model`'s.
   */
  models?: Record<string, ModelShare>;
  at: string;
}

/**
 * A research line: a call made to ask an agent a question (`lemming ask`, an experiment's survey),
 * priced by the same rule as a charge (charge.ts) but paid by the research account, never by the
 * agent's balance: no balance, total or turn record of the agent counts it.
 */
export interface ResearchLine extends Omit<ChargeLine, 'type'> {
  type: 'research';
  /** What asked: `ask` or `survey`. */
  purpose: string;
}

/** One line of the append-only credit ledger (`org/state/ledger.jsonl`). */
export type LedgerEntry =
  | ChargeLine
  | ResearchLine
  | { type: 'top-up'; agent: string; credits: number; at: string }
  /**
   * Credits moved between agents by an approved proposal: one entry on each side
   * (negative for the giver), so a hire or a retirement never creates money.
   */
  | { type: 'transfer'; agent: string; credits: number; proposal: string; at: string };

/** What an agent has spent and been given, summed from the ledger. */
export interface AgentTotals {
  spent: number;
  toppedUp: number;
  inputTokens: number;
  outputTokens: number;
  /** Of inputTokens, those served by a prompt cache; absent while there were none, so an org without caching keeps the same state file. */
  cachedInputTokens?: number;
  /** Of inputTokens, those written to a prompt cache; absent while there were none. */
  cacheWriteTokens?: number;
  calls: number;
}

/**
 * Ledger totals as of a byte offset, kept in the engine's state so that no one
 * re-reads the whole ledger: only what was appended after `offset`. Both records are keyed by
 * agent names and have no prototype (org/names.ts `nameRecord`): `totals.constructor` is the
 * agent `constructor`'s, or undefined.
 */
export interface LedgerSnapshot {
  offset: number;
  totals: Record<string, AgentTotals>;
  /** The last turn charged for each agent, so a restarted turn never charges twice. */
  lastCharged: Record<string, number>;
  /**
   * The rule of a line the totals were counted by (org/ledger-line.ts, LEDGER_RULE). Absent: counted by a
   * lemming that skipped the lines it could not count, so `caughtUp` counts the ledger again from its start.
   */
  rule?: typeof LEDGER_RULE;
  /**
   * The CRC-32 of the ledger's first `offset` bytes (counted-prefix.ts): what `lemming validate` holds the
   * ledger to, so a line changed in place is found. Absent: kept by a lemming before it, made at the next catch-up.
   */
  crc?: number;
}
