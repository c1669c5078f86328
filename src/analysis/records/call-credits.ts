import { pairKey, type OrgRecords } from './org-records.js';

/**
 * What each call cost (key `turn agent`): the ledger's charges, which are the truth; for an org
 * with no ledger (files copied without org/state, or written by hand), what the messages' own
 * `usage.credits` say, each call counted once however many messages it wrote. Pure.
 */
export function callCredits(records: Pick<OrgRecords, 'charges' | 'messages'>): ReadonlyMap<string, number> {
  if (records.charges.size > 0) return records.charges;
  const calls = new Map<string, number>();
  for (const message of records.messages) {
    if (message.credits === undefined) continue;
    const key = pairKey(message.turn, message.from);
    calls.set(key, Math.max(calls.get(key) ?? 0, message.credits));
  }
  return calls;
}
