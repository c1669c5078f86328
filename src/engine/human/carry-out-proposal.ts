import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { sweepWorkspaceTemporaries } from '../../sandbox/beneath/sweep-beneath.js';
import type { Org } from '../../org/org.js';
import { loadOrg } from '../../org/load-org-once.js';
import { CHART_FILE } from '../../org/names.js';
import { formatResume, writeNewAgent } from '../../tools/proposals/new-agent.js';
import { checkProposal, type ProposalCheck } from './check-proposal.js';
import { changingChart } from './chart-lock.js';
import { removeAgentFromChart } from '../../tools/proposals/chart-edit.js';
import type { Proposal } from '../../tools/proposals/proposal.js';
import { saveProposal } from '../../tools/proposals/proposal-store.js';
import { ToolRunner } from '../../tools/tool-runner.js';
import { RETIRED_FOLDER } from '../../mailbox/retired-folders.js';
import { balanceNow, movedFor, refundOnce, transferOnce } from '../money/transfer.js';
import { statePaths } from '../record/state-paths.js';
import { deliveredMail } from '../record/taken-files.js';

/** Refuse what the org's files do not allow (check-proposal.ts: the hire's rules, then `lemming validate`'s checks on the org it would make). */
function refuseIfRefused(proposal: Proposal, check: ProposalCheck): void {
  if (check.refused !== undefined) throw new LemmingError('bad-proposal', `${proposal.id} cannot be carried out: ${check.refused}`);
}

/**
 * A hire, under the chart's lock from its check to its write: checked against the org as it is then
 * (read again: an agent `lemming add-agent` wrote a moment ago is in it), so the new agent, its reach
 * against its proposer's, its name against the agents' and mailing lists', the org it would make, which
 * must pass `lemming validate`; then paid (the budget moves from the proposer, who must be in the org
 * and hold it now), then written (resume and chart entries). Before, the check and the payment came
 * before the lock, and a hire approved while `add-agent` added its name gave its budget to that agent
 * and was said done. Each step is skipped when already done, so an approval cut short by a crash is
 * finished, never doubled; a paid hire that can no longer be written is refunded.
 */
function hire(org: Org, proposal: Proposal, at: string): Proposal {
  const details = proposal.hire;
  if (!details) throw new LemmingError('bad-proposal', `${proposal.id} is a hire without details`);
  return changingChart(org.root, 'approve', () => {
    // An agent of that name whose resume is the one this hire writes was written by an attempt a crash cut short.
    const resumeFile = join(org.root, 'agents', details.name, 'resume.md');
    const ours = existsSync(resumeFile) && readFileSync(resumeFile, 'utf8') === formatResume(details, 0);
    const current = ours ? org : loadOrg(org.root).org;
    if (!ours) {
      try {
        refuseIfRefused(proposal, checkProposal(current, proposal));
      } catch (error) {
        refundOnce(org.root, proposal.id, details.name, proposal.proposed_by, at);
        throw error;
      }
    }
    transferOnce(current, proposal.id, proposal.proposed_by, details.name, details.credits, at);
    writeNewAgent(org.root, details, 0);
    return { ...proposal, status: 'done' };
  });
}

/**
 * A retirement: the credits the agent holds now go to the proposer (`retirementCredits`), it is
 * taken out of the mailing lists and meetings that name it (retirementEdits: what would be left
 * must pass `lemming validate`, or the retirement is refused saying which file to edit), it leaves
 * the chart, and its folder moves to `agents/.retired/<name>-<proposal>` (kept, not deleted: its
 * outbox and logs stay readable, and mail it sent that waits to be read is still delivered from
 * there). It leaves the org at the next turn. The proposer, who receives the credits, must still be
 * in the org. The proposal keeps how many credits moved, read from the ledger, and the fields it was
 * taken out of, so the approval, the event, the notice and the listings say them, also after a crash cut it short.
 */
function retire(org: Org, proposal: Proposal, at: string): CarriedOut {
  const details = proposal.retire;
  const name = details?.name;
  if (!details || !name) throw new LemmingError('bad-proposal', `${proposal.id} is a retirement without a name`);
  const check = checkProposal(org, proposal);
  refuseIfRefused(proposal, check);
  if (org.agents.has(name)) {
    // A transfer a crash tore moves what its first line took, not the balance that line left (nothing).
    transferOnce(org, proposal.id, name, proposal.proposed_by, movedFor(org.root, proposal.id) ?? Math.max(0, balanceNow(org, name)), at);
  }
  // Where it is taken out is kept in the proposal (this effect's journal) before any list or meeting is edited:
  // an attempt cut short after an edit finds nothing left there to take it out of, and still says it.
  const removedFrom = [...new Set([...(details.removed_from ?? []), ...check.removedFrom])];
  if (removedFrom.length > (details.removed_from?.length ?? 0)) saveProposal(org.root, { ...proposal, retire: { ...details, removed_from: removedFrom } });
  // The lists and meetings first, the chart after: an attempt cut short between them finds the agent still in the chart and edits what is left.
  for (const [file, text] of check.files) if (text !== null && file !== CHART_FILE) writeFileAtomic(join(org.root, file), text);
  // The chart as it is under its lock, not as the check read it: an agent added since keeps its place.
  const chartFile = join(org.root, CHART_FILE);
  changingChart(org.root, 'approve', () => {
    const before = readFileSync(chartFile, 'utf8');
    const after = removeAgentFromChart(before, name);
    if (after !== before) writeFileAtomic(chartFile, after);
  });
  const folder = join(org.root, 'agents', name);
  if (existsSync(folder)) {
    mkdirSync(join(org.root, 'agents', RETIRED_FOLDER), { recursive: true });
    renameSync(folder, join(org.root, 'agents', RETIRED_FOLDER, `${name}-${proposal.id}`));
  }
  const done: Proposal = { ...proposal, status: 'done', retire: { ...details, credits: movedFor(org.root, proposal.id) ?? 0, ...(removedFrom.length > 0 ? { removed_from: removedFrom } : {}) } };
  // Checked on the org before the change, whoever carries it out (`lemming approve` or a running engine's next turn).
  return { proposal: done, ...(check.warning === undefined ? {} : { warning: check.warning }) };
}

/** A tool call that waited for approval: run now, as the proposer, and its result kept in the proposal for the notice. */
async function runTool(org: Org, proposal: Proposal, at: string): Promise<Proposal> {
  const tool = proposal.tool;
  const agent = org.agents.get(proposal.proposed_by);
  if (!tool || !agent) throw new LemmingError('bad-proposal', `${proposal.id} names no tool, or its proposer has left`);
  const runner = new ToolRunner(org.root, () => org);
  if (tool.name === 'write_file') {
    // Run again when an earlier attempt was cut short, which may have left the file's temporary (not inside a turn: no recovery sweeps it).
    sweepWorkspaceTemporaries(org.root, join(org.root, 'agents', agent.name, 'workspace'));
    sweepWorkspaceTemporaries(org.root, join(org.root, 'workspace'));
  }
  try {
    const name = tool.name.includes('/') ? tool.name.replace('/', '__') : tool.name;
    const run = await runner.run(
      { id: proposal.id, name, arguments: tool.arguments },
      { org, agent, turn: proposal.turn, sequence: 0, at, balance: balanceNow(org, agent.name), delivered: deliveredMail(statePaths(org.root).taken, []) },
      { approved: true },
    );
    return { ...proposal, status: 'done', result: run.result.content.slice(0, 4_000), ...(run.result.isError ? { result_error: true } : {}) };
  } finally {
    await runner.close();
  }
}

/** An approved proposal carried out, and what the person should know of what it did (check-proposal.ts: a retirement that leaves the human nobody to write to). */
export interface CarriedOut {
  proposal: Proposal;
  warning?: string;
}

/**
 * Carry out an approved proposal. Each kind's steps check what is already done, so an
 * approval cut short by a crash is finished, never doubled, by approving again. A tool
 * call runs again if the crash came after it ran and before its result was kept: at
 * least once, like any tool a turn was running when the engine died.
 */
export async function carryOutProposal(org: Org, proposal: Proposal, now: Date): Promise<CarriedOut> {
  const at = now.toISOString();
  if (proposal.kind === 'hire') return { proposal: hire(org, proposal, at) };
  if (proposal.kind === 'retire') return retire(org, proposal, at);
  return { proposal: await runTool(org, proposal, at) };
}
