import { LemmingError } from '../../errors.js';
import type { Org } from '../../org/org.js';
import { describeProposal, type Proposal } from '../../tools/proposals/proposal.js';
import { PROPOSALS_DIRECTORY, readProposal, saveProposal } from '../../tools/proposals/proposal-store.js';
import { balancesNow } from '../money/transfer.js';
import { acquireLock, lockHolder, LockedError, takeLockFileWaiting, type OrgLock } from '../record/lock.js';
import { statePaths } from '../record/state-paths.js';
import { finishApproval } from './finish-approval.js';
import { checkProposal, type ProposalCheck } from './check-proposal.js';
import { andList } from '../../format/format.js';

/** What deciding a proposal did, for the command to print. */
export interface Decision {
  proposal: Proposal;
  summary: string;
  /**
   * An approval made while an engine held the org's lock: recorded, and carried out by
   * that engine at the start of its next turn (absent when it was carried out at once).
   */
  deferred?: true;
}

/** Where a proposal's file is, from the org's root, as a person finds it. */
function proposalFile(id: string): string {
  return `${PROPOSALS_DIRECTORY}/${id}.md`;
}

/** The command a decision holds the org's lock under while it carries itself out. */
const DECIDING = 'approve';
/** How long a decision waits for another one to finish carrying itself out (milliseconds each takes), and how often it looks. */
const WAIT_FOR_DECISION_MS = 5_000;
const LOOK_EVERY_MS = 25;

/**
 * The org's lock for carrying a decision out, or undefined when a live engine holds it. Another
 * decision holding it (the page beside `lemming approve`, two dashboards) is waited for: it lets go
 * in moments. Before, the second was answered that "the running engine (`lemming approve`)" would
 * carry it out at its next turn, with no engine running, while the first had already done it.
 */
async function lockForDecision(root: string): Promise<OrgLock | undefined> {
  for (let waited = 0; ; waited += LOOK_EVERY_MS) {
    try {
      return acquireLock(root, DECIDING);
    } catch (error) {
      if (!(error instanceof LockedError)) throw error;
      if (lockHolder(root)?.command !== DECIDING || waited >= WAIT_FOR_DECISION_MS) return undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, LOOK_EVERY_MS));
  }
}

/** What the engine will do with an approval it carries out later, checked on the org as it stands now (check-proposal.ts). */
function willHappen(org: Org, proposal: Proposal): string {
  const check = proposal.kind === 'tool' ? undefined : checkProposal(org, proposal);
  const refused = check?.refused === undefined ? '' : `, unless the org changes first: as it stands it cannot be carried out (${check.refused})`;
  if (proposal.hire) return `${proposal.hire.name} joins then${refused}`;
  if (proposal.retire) {
    const taken = check && check.removedFrom.length > 0 ? `, and is taken out of ${andList(check.removedFrom)}` : '';
    return `${proposal.retire.name} leaves then${taken}${refused}${warned(check)}`;
  }
  return 'the call runs then';
}

/** A check's warning, to end a summary with (check-proposal.ts: a retirement that leaves the human nobody to write to). */
function warned(check: ProposalCheck | undefined): string {
  return check?.warning === undefined ? '' : `; ${check.warning}`;
}

/**
 * Read the proposal, check the decision against it and write it, under `org/state/lock.decide`: a decision made
 * at the same moment elsewhere waits (moments) and then finds this one made. Before, each read the proposal pending,
 * both were answered (`approved`, `rejected`, exit 0), and the file could say rejected with the hire carried out.
 * Returns the Decision when nothing is left to do (made already), else the proposal as read and as decided.
 */
function recordDecision(root: string, id: string, verdict: 'approve' | 'reject', reason: string | undefined, now: Date): Decision | { proposal: Proposal; decided: Proposal } {
  const lock = takeLockFileWaiting(statePaths(root).decisionLock, verdict, (holder, where) => `a decision on a proposal is being recorded by ${where} (\`lemming ${holder.command}\`, since ${holder.started}); try again`);
  try {
    const proposal = readProposal(root, id);
    const wanted = verdict === 'approve' ? 'approved' : 'rejected';
    if (proposal.status === 'done' && verdict === 'approve') return { proposal, summary: `${id} was already done` };
    if (proposal.status === 'rejected' && verdict === 'reject') return { proposal, summary: `${id} was already rejected` };
    if (proposal.status === 'failed') {
      throw new LemmingError('already-decided', `${id} was approved and could not be carried out (${proposal.reason ?? 'no reason recorded'}); it is closed in ${proposalFile(id)}, and a decision cannot be changed: its proposer may propose it again`);
    }
    if (proposal.status !== 'pending' && !(verdict === 'approve' && proposal.status === 'approved')) {
      throw new LemmingError('already-decided', `${id} was already ${proposal.status}; a decision cannot be changed`);
    }
    const decided: Proposal = proposal.status === 'pending' ? { ...proposal, status: wanted, decided_at: now.toISOString(), ...(reason ? { reason } : {}) } : proposal;
    if (decided !== proposal) saveProposal(root, decided);
    return { proposal, decided };
  } finally {
    lock.release();
  }
}

/**
 * The human's decision on a proposal, as `lemming approve`/`reject`, chat and the dashboard
 * make it. The decision is recorded first (the proposal file, atomically); the proposer is
 * told in its next inbox. An approval is carried out at once under the org's lock when no
 * engine is running; when one is, it holds the lock and carries the approval out at the
 * start of its next turn, so the org is only ever changed by the lock's holder. Approving
 * one already approved finishes what a crash cut short; a decision cannot be changed.
 */
export async function decideProposal(org: Org, id: string, verdict: 'approve' | 'reject', reason: string | undefined, now = new Date()): Promise<Decision> {
  const recorded = recordDecision(org.root, id, verdict, reason, now);
  if ('summary' in recorded) return recorded;
  const { proposal, decided } = recorded;
  if (verdict === 'reject') return { proposal: decided, summary: `rejected ${id}: ${describeProposal(proposal)}; ${proposal.proposed_by} is told at the next turn` };
  const lock = await lockForDecision(org.root);
  if (!lock) {
    const holder = lockHolder(org.root);
    const engine = holder ? `the running engine (process ${holder.pid}, \`lemming ${holder.command}\`)` : 'the engine';
    return {
      proposal: decided,
      // What a retiring agent holds now, not what will move: it may still spend until that turn.
      summary: `approved ${id}: ${describeProposal(proposal, balancesNow(org))}; ${engine} carries it out at the start of its next turn: ${willHappen(org, proposal)}`,
      deferred: true,
    };
  }
  try {
    // Read again under the lock: an engine or another decision that held it until a moment ago may have carried it out.
    const current = readProposal(org.root, id);
    if (current.status !== 'approved') return { proposal: current, summary: `approved ${id}: ${describeProposal(current)}; it has been carried out (${current.status})` };
    const finished = await finishApproval(org, current, now);
    if (!finished.failed) return { proposal: finished.proposal, summary: `approved ${id}: ${finished.summary}` };
    const told = org.agents.has(proposal.proposed_by) ? `; ${proposal.proposed_by} is told at the next turn` : '';
    return { proposal: finished.proposal, summary: `approved ${id}, but ${finished.summary}; ${proposalFile(id)} is marked failed with that reason${told}` };
  } finally {
    lock.release();
  }
}
