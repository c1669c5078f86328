import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';
import { listProposals, saveProposal } from '../../tools/proposals/proposal-store.js';
import type { EngineEvent } from '../events.js';
import { crashPoint } from '../record/crash-points.js';

/** What carrying out one approved proposal did. */
export interface Finished {
  proposal: Proposal;
  /** One line for the person: what changed, or why nothing could. */
  summary: string;
  /** The proposal could not be carried out (it is marked failed, with the reason, and its proposer told). */
  failed: boolean;
}

/** When the change takes effect: the engine carries approvals out just before the turn they join. */
type Effective = 'at the next turn' | 'from this turn';

function carriedOut(proposal: Proposal, when: Effective): string {
  if (proposal.hire) return `${proposal.hire.name} joins ${when}`;
  if (proposal.retire) return `${proposal.retire.name} leaves ${when}; its folder is in agents/.retired/`;
  return `result${proposal.result_error ? ' (an error)' : ''}: ${(proposal.result ?? '').split('\n')[0]?.slice(0, 200)}`;
}

/**
 * Carry out a proposal the human approved, then mark it done. The file says `approved`
 * until every effect is in place, and each effect checks whether it is already there, so
 * a crash anywhere in between is finished by the next attempt, never doubled: the
 * proposal file is this effect's journal. One that can no longer be carried out (a hire
 * whose name was taken meanwhile) is marked failed with the reason, so its proposer hears
 * why and no turn tries it again; not rejected, which is the human's decision, not what
 * happened.
 */
export async function finishApproval(org: Org, proposal: Proposal, now: Date, when: Effective = 'at the next turn'): Promise<Finished> {
  let done: Proposal;
  let warning: string | undefined;
  try {
    // Loaded only when there is an approval to carry out: most turns have none.
    const { carryOutProposal } = await import('./carry-out-proposal.js');
    ({ proposal: done, warning } = await carryOutProposal(org, proposal, now));
  } catch (error) {
    if (!(error instanceof LemmingError) || error.code !== 'bad-proposal') throw error;
    const closed: Proposal = { ...proposal, status: 'failed', reason: error.message };
    saveProposal(org.root, closed);
    return { proposal: closed, summary: error.message, failed: true };
  }
  crashPoint('after-carry-out');
  saveProposal(org.root, done);
  // Described as done: a retirement then says how many credits went where.
  return { proposal: done, summary: `${describeProposal(done)}; ${carriedOut(done, when)}${warning === undefined ? '' : `; ${warning}`}`, failed: false };
}

/**
 * At the start of a turn, before the org is loaded for it: carry out what the human
 * approved while this engine held the lock (`lemming approve` during a run records the
 * decision and leaves the rest to the engine), so a hire joins in this very turn.
 */
export async function carryOutApprovals(org: Org, turn: number, now: Date): Promise<EngineEvent[]> {
  const events: EngineEvent[] = [];
  for (const proposal of listProposals(org.root).proposals) {
    if (proposal.status !== 'approved') continue;
    const finished = await finishApproval(org, proposal, now, 'from this turn');
    events.push({ type: 'proposal-carried-out', turn, id: proposal.id, proposer: proposal.proposed_by, summary: finished.summary, failed: finished.failed });
  }
  return events;
}
