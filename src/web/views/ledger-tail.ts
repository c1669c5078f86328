import { ledgerEnd, readLedgerFrom, type LedgerEntry } from '../../engine/money/ledger.js';
import { statePaths } from '../../engine/record/state-paths.js';
import type { TurnSpend } from '../api-types.js';

export type { TurnSpend };

/**
 * The credit ledger as the dashboard reads it: every line across its pieces, read once, then only
 * what was appended since (a ledger that shrank, after a reset, is read again from the start).
 */
export class LedgerTail {
  private entries: LedgerEntry[] = [];
  private offset = 0;

  constructor(private readonly root: string) {}

  /** Every entry, oldest first, including those appended since the last call. */
  all(): readonly LedgerEntry[] {
    const path = statePaths(this.root).ledger;
    const size = ledgerEnd(path);
    if (size < this.offset) {
      this.entries = [];
      this.offset = 0;
    }
    if (size > this.offset) {
      const { entries, end } = readLedgerFrom(path, this.offset);
      this.entries.push(...entries);
      this.offset = end;
    }
    return this.entries;
  }

  /** Credits, calls and tokens charged per turn, oldest first; for one agent when `agent` is given. */
  spendByTurn(agent?: string): TurnSpend[] {
    const turns = new Map<number, TurnSpend>();
    for (const entry of this.all()) {
      if (entry.type !== 'charge' || (agent !== undefined && entry.agent !== agent)) continue;
      let spend = turns.get(entry.turn);
      if (!spend) {
        spend = { turn: entry.turn, credits: 0, calls: 0, inputTokens: 0, outputTokens: 0 };
        turns.set(entry.turn, spend);
      }
      spend.credits += entry.credits;
      spend.calls += 1;
      spend.inputTokens += entry.input_tokens;
      spend.outputTokens += entry.output_tokens;
      if (entry.cached_input_tokens) spend.cachedInputTokens = (spend.cachedInputTokens ?? 0) + entry.cached_input_tokens;
      if (entry.cache_write_tokens) spend.cacheWriteTokens = (spend.cacheWriteTokens ?? 0) + entry.cache_write_tokens;
    }
    return [...turns.values()].sort((left, right) => left.turn - right.turn);
  }
}
