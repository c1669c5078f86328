import { adoptOrg } from '../../engine/record/adopt-org.js';
import type { Output } from '../cli-context.js';

/** `lemming adopt`: take the mail in the outboxes as history, for an org that lost its record. */
export function adoptCommand(root: string, output: Output): number {
  const report = adoptOrg(root);
  output.out(
    `took ${report.files} message file(s) in ${report.outboxes} outbox(es) as history; the next turn is ${report.turn + 1}` +
      (report.keptPending > 0 ? `; ${report.keptPending} unread message(s) still wait` : ''),
  );
  output.out(report.ledger ? 'credits go on from org/state/ledger.jsonl' : 'no ledger was found: balances start again from the budgets in the resumes');
  return 0;
}
