import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { sweepWorkspaceTemporaries } from '../../sandbox/beneath/sweep-beneath.js';
import type { Org } from '../../org/org.js';
import { candidateProblems, type FileChanges } from '../../org/check-candidate.js';
import { CHART_FILE } from '../../org/names.js';
import { addAgentToChart, removeAgentFromChart, type ChartAddition } from '../../tools/proposals/chart-edit.js';
import { checkHireScope, checkNewAgent, formatResume, writeNewAgent } from '../../tools/proposals/new-agent.js';
import type { Proposal } from '../../tools/proposals/proposal.js';
import { ToolRunner } from '../../tools/tool-runner.js';
import { RETIRED_FOLDER } from '../../mailbox/message-file.js';
import { balanceNow, movedFor, refundOnce, transferOnce } from '../money/transfer.js';
import { statePaths } from '../record/state-paths.js';
import { deliveredMail } from '../record/taken-files.js';

/** Refuse a change that would leave the org invalid: checked as `lemming validate` checks the files, before anything is written. */
function refuseIfInvalid(org: Org, proposal: Proposal, changes: FileChanges): void {
  const problems = candidateProblems(org.root, changes);
  if (problems.length === 0) return;
  const shown = problems.slice(0, 5).map((problem) => `${problem.file}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`);
  throw new LemmingError('bad-proposal', `${proposal.id} would leave the org invalid (${shown.join('; ')})`);
}

/**
 * A hire. Checked first against the org as it is now (the new agent, its reach against its
 * proposer's, the org it would make, which must pass `lemming validate`), then paid (the budget
 * moves from the proposer, who must be in the org and hold it now), then written (resume and
 * chart entries). Each step is skipped when already done, so an approval cut short by a crash
 * is finished, never doubled; a paid hire that can no longer be written is refunded.
 */
function hire(org: Org, proposal: Proposal, at: string): Proposal {
  const details = proposal.hire;
  if (!details) throw new LemmingError('bad-proposal', `${proposal.id} is a hire without details`);
  // An agent of that name whose resume is the one this hire writes was written by an attempt a crash cut short.
  const resumeFile = join(org.root, 'agents', details.name, 'resume.md');
  const resume = formatResume(details, 0);
  const ours = existsSync(resumeFile) && readFileSync(resumeFile, 'utf8') === resume;
  if (!ours) {
    try {
      const problems = [...checkNewAgent(org, details), ...checkHireScope(org, proposal.proposed_by, details)];
      if (problems.length > 0) throw new LemmingError('bad-proposal', `${proposal.id} cannot be carried out: ${problems.join('; ')}`);
      const chart = readFileSync(join(org.root, CHART_FILE), 'utf8');
      refuseIfInvalid(org, proposal, new Map([[`agents/${details.name}/resume.md`, resume], [CHART_FILE, addAgentToChart(chart, hireEntry(details))]]));
    } catch (error) {
      refundOnce(org.root, proposal.id, details.name, proposal.proposed_by, at);
      throw error;
    }
  }
  transferOnce(org, proposal.id, proposal.proposed_by, details.name, details.credits, at);
  writeNewAgent(org.root, details, 0);
  return { ...proposal, status: 'done' };
}

/**
 * A retirement: the credits the agent holds now go to the proposer (`retirementCredits`), it
 * leaves the chart, and its folder moves to `agents/.retired/<name>-<proposal>` (kept, not
 * deleted: its outbox and logs stay readable, and mail it sent that waits to be read is still
 * delivered from there). It leaves the org at the next turn. The proposer, who receives the
 * credits, must still be in the org. The proposal keeps how many moved, read from the ledger, so
 * the approval, the event, the notice and the listings say it, also after a crash cut it short.
 */
function retire(org: Org, proposal: Proposal, at: string): Proposal {
  const details = proposal.retire;
  const name = details?.name;
  if (!details || !name) throw new LemmingError('bad-proposal', `${proposal.id} is a retirement without a name`);
  const agent = org.agents.get(name);
  const chartFile = join(org.root, CHART_FILE);
  const before = readFileSync(chartFile, 'utf8');
  const after = removeAgentFromChart(before, name);
  if (agent) {
    if (agent.isHuman) throw new LemmingError('bad-proposal', `${proposal.id} cannot be carried out: the human cannot be retired`);
    if (!org.agents.has(proposal.proposed_by)) {
      throw new LemmingError('bad-proposal', `${proposal.id} cannot be carried out: ${proposal.proposed_by}, who would receive ${name}'s credits, is no longer in the org`);
    }
    refuseIfInvalid(org, proposal, new Map<string, string | null>([[`agents/${name}/resume.md`, null], [CHART_FILE, after]]));
    // A transfer a crash tore moves what its first line took, not the balance that line left (nothing).
    transferOnce(org, proposal.id, name, proposal.proposed_by, movedFor(org.root, proposal.id) ?? Math.max(0, balanceNow(org, name)), at);
  }
  if (after !== before) writeFileAtomic(chartFile, after);
  const folder = join(org.root, 'agents', name);
  if (existsSync(folder)) {
    mkdirSync(join(org.root, 'agents', RETIRED_FOLDER), { recursive: true });
    renameSync(folder, join(org.root, 'agents', RETIRED_FOLDER, `${name}-${proposal.id}`));
  }
  return { ...proposal, status: 'done', retire: { ...details, credits: movedFor(org.root, proposal.id) ?? 0 } };
}

function hireEntry(details: NonNullable<Proposal['hire']>): ChartAddition {
  return { name: details.name, reportsTo: details.reports_to, sendTo: details.send_to, readFrom: details.read_from };
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

/**
 * Carry out an approved proposal. Each kind's steps check what is already done, so an
 * approval cut short by a crash is finished, never doubled, by approving again. A tool
 * call runs again if the crash came after it ran and before its result was kept: at
 * least once, like any tool a turn was running when the engine died.
 */
export async function carryOutProposal(org: Org, proposal: Proposal, now: Date): Promise<Proposal> {
  const at = now.toISOString();
  if (proposal.kind === 'hire') return hire(org, proposal, at);
  if (proposal.kind === 'retire') return retire(org, proposal, at);
  return runTool(org, proposal, at);
}
