import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../../errors.js';
import { writeFileAtomic } from '../../storage/atomic-write.js';
import { sweepTemporaries } from '../../storage/temporary-files.js';
import type { Org } from '../../org/org.js';
import { removeAgentFromChart } from '../../tools/proposals/chart-edit.js';
import { checkNewAgent, formatResume, writeNewAgent } from '../../tools/proposals/new-agent.js';
import type { Proposal } from '../../tools/proposals/proposal.js';
import { ToolRunner } from '../../tools/tool-runner.js';
import { addEntries, balanceOf, emptySnapshot, readLedgerFrom, type LedgerEntry } from '../money/ledger.js';
import { transferOnce } from '../money/transfer.js';
import { statePaths } from '../record/state-paths.js';

function ledgerEntries(root: string): LedgerEntry[] {
  return readLedgerFrom(statePaths(root).ledger, 0).entries;
}

/** A hire: the resume and chart entries (each skipped when already there), then the budget from the proposer. */
function hire(org: Org, proposal: Proposal, at: string): Proposal {
  const details = proposal.hire;
  if (!details) throw new LemmingError('bad-proposal', `${proposal.id} is a hire without details`);
  // An agent of that name whose resume is the one this hire writes was written by an attempt a crash cut short.
  const resumeFile = join(org.root, 'agents', details.name, 'resume.md');
  const ours = existsSync(resumeFile) && readFileSync(resumeFile, 'utf8') === formatResume(details, 0);
  if (!ours) {
    const problems = checkNewAgent(org, details);
    if (problems.length > 0) throw new LemmingError('bad-proposal', `${proposal.id} cannot be carried out: ${problems.join('; ')}`);
  }
  writeNewAgent(org.root, details, 0);
  transferOnce(org.root, proposal.id, proposal.proposed_by, details.name, details.credits, at);
  return { ...proposal, status: 'done' };
}

/**
 * A retirement: the agent's credits left go back to the proposer, it leaves the chart,
 * and its folder moves to `agents/.retired/<name>` (kept, not deleted: its outbox and logs
 * stay readable). It leaves the org at the next turn.
 */
function retire(org: Org, proposal: Proposal, at: string): Proposal {
  const name = proposal.retire?.name;
  if (!name) throw new LemmingError('bad-proposal', `${proposal.id} is a retirement without a name`);
  const agent = org.agents.get(name);
  if (agent) {
    const totals = addEntries(emptySnapshot(), ledgerEntries(org.root), 0).totals[name];
    transferOnce(org.root, proposal.id, name, proposal.proposed_by, Math.max(0, balanceOf(agent.credits, totals)), at);
  }
  const chartFile = join(org.root, 'org', 'chart.yaml');
  const before = readFileSync(chartFile, 'utf8');
  const after = removeAgentFromChart(before, name);
  if (after !== before) writeFileAtomic(chartFile, after);
  const folder = join(org.root, 'agents', name);
  if (existsSync(folder)) {
    mkdirSync(join(org.root, 'agents', '.retired'), { recursive: true });
    renameSync(folder, join(org.root, 'agents', '.retired', `${name}-${proposal.id}`));
  }
  return { ...proposal, status: 'done' };
}

/** A tool call that waited for approval: run now, as the proposer, and its result kept in the proposal for the notice. */
async function runTool(org: Org, proposal: Proposal, at: string): Promise<Proposal> {
  const tool = proposal.tool;
  const agent = org.agents.get(proposal.proposed_by);
  if (!tool || !agent) throw new LemmingError('bad-proposal', `${proposal.id} names no tool, or its proposer has left`);
  const runner = new ToolRunner(org.root, () => org);
  if (tool.name === 'write_file') {
    // Run again when an earlier attempt was cut short, which may have left the file's temporary (not inside a turn: no recovery sweeps it).
    sweepTemporaries(join(org.root, 'agents', agent.name, 'workspace'), { recursive: true });
    sweepTemporaries(join(org.root, 'workspace'), { recursive: true });
  }
  try {
    const name = tool.name.includes('/') ? tool.name.replace('/', '__') : tool.name;
    const totals = addEntries(emptySnapshot(), ledgerEntries(org.root), 0).totals[agent.name];
    const run = await runner.run(
      { id: proposal.id, name, arguments: tool.arguments },
      { org, agent, turn: proposal.turn, sequence: 0, at, balance: balanceOf(agent.credits, totals) },
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
