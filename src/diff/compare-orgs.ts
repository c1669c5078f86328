import { balanceOf } from '../engine/money/ledger.js';
import type { RunMetrics } from '../experiment/run-metrics.js';
import { changeCount, compareMessages, fromHuman, lastAnswer, messageRef, someChanges, toHuman, type MessageComparison } from './compare-messages.js';
import type { AgentMoney, BalanceRow, FileChange, OrgDiff, OutcomeRow, ProposalChange } from './org-diff.js';
import type { LedgerTotals, OrgSnapshot } from './org-snapshot.js';
import { unifiedDiff } from './unified-diff.js';

/** Credits are sums of small prices: a difference is rounded so that 0.3 − 0.1 − 0.2 reads as 0. */
function round(credits: number): number {
  return Math.round(credits * 1e9) / 1e9;
}

function money(snapshot: OrgSnapshot, agent: string): AgentMoney | null {
  const folder = snapshot.agents.get(agent);
  if (!folder) return null;
  const totals = snapshot.totals[agent];
  return {
    budget: folder.budget ?? null,
    toppedUp: round(totals?.toppedUp ?? 0),
    spent: round(totals?.spent ?? 0),
    balance: folder.budget === undefined ? null : balanceOf(folder.budget, totals),
  };
}

function balances(a: OrgSnapshot, b: OrgSnapshot, agents: readonly string[]): BalanceRow[] {
  return agents.map((agent) => {
    const left = money(a, agent);
    const right = money(b, agent);
    const balanceDifference = left?.balance === null || right?.balance === null || !left || !right ? null : round(right.balance - left.balance);
    return { agent, a: left, b: right, balanceDifference, spentDifference: round((right?.spent ?? 0) - (left?.spent ?? 0)) };
  });
}

/** A row differs when the money on its two sides differs in any part, or only one side has the agent. */
export function rowDiffers(row: BalanceRow): boolean {
  if (!row.a || !row.b) return true;
  return row.a.budget !== row.b.budget || row.a.toppedUp !== row.b.toppedUp || row.a.spent !== row.b.spent || row.a.balance !== row.b.balance;
}

function ledgerDifference(a: LedgerTotals, b: LedgerTotals): LedgerTotals {
  return {
    calls: b.calls - a.calls,
    spent: round(b.spent - a.spent),
    toppedUp: round(b.toppedUp - a.toppedUp),
    inputTokens: b.inputTokens - a.inputTokens,
    outputTokens: b.outputTokens - a.outputTokens,
  };
}

function roundedLedger(totals: LedgerTotals): LedgerTotals {
  return { ...totals, spent: round(totals.spent), toppedUp: round(totals.toppedUp) };
}

function fileChanges(a: ReadonlyMap<string, string>, b: ReadonlyMap<string, string>, name: (key: string) => string): FileChange[] {
  const changes: FileChange[] = [];
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const file = name(key);
    const diff = unifiedDiff(a.get(key) ?? '', b.get(key) ?? '', a.has(key) ? `A/${file}` : '/dev/null', b.has(key) ? `B/${file}` : '/dev/null');
    if (diff.length > 0) changes.push({ file, diff });
  }
  return changes;
}

function proposalChanges(a: OrgSnapshot, b: OrgSnapshot): ProposalChange[] {
  const changes: ProposalChange[] = [];
  for (const id of [...new Set([...a.proposals.keys(), ...b.proposals.keys()])].sort()) {
    const left = a.proposals.get(id);
    const right = b.proposals.get(id);
    if (left && right && left.status === right.status && left.reason === right.reason) continue;
    const side = (proposal: typeof left) => (proposal ? { status: proposal.status, ...(proposal.reason ? { reason: proposal.reason } : {}) } : null);
    changes.push({ id, description: (right ?? left)?.description ?? id, a: side(left), b: side(right) });
  }
  return changes;
}

/** The measures of a run's result worth comparing; wall time and attempts are left out (they differ on every machine). */
function measures(metrics: RunMetrics | undefined): Map<string, string | number | boolean | null> {
  const values = new Map<string, string | number | boolean | null>();
  if (!metrics) return values;
  values.set('ended', metrics.ended);
  values.set('turns', metrics.turns);
  values.set('turns to idle', metrics.turnsToIdle);
  values.set('messages', metrics.messages);
  values.set('refusals', metrics.refusals);
  values.set('errors', metrics.errors);
  values.set('calls', metrics.calls);
  values.set('credits', metrics.credits);
  values.set('human answered in turn', metrics.humanAnswer?.turn ?? null);
  for (const check of metrics.outcome?.checks ?? []) {
    values.set(`check ${check.name} passed`, check.passed);
    values.set(`check ${check.name} score`, check.score);
  }
  const judge = metrics.outcome?.judge;
  if (judge) values.set(`judge score (of ${judge.scale})`, judge.score);
  return values;
}

function outcomeRows(a: OrgSnapshot, b: OrgSnapshot): OutcomeRow[] | null {
  if (!a.outcome && !b.outcome) return null;
  const left = measures(a.outcome);
  const right = measures(b.outcome);
  return [...new Set([...left.keys(), ...right.keys()])].map((measure) => {
    const valueA = left.get(measure) ?? null;
    const valueB = right.get(measure) ?? null;
    return { measure, a: valueA, b: valueB, same: valueA === valueB };
  });
}

/** How each side is named in the output. */
export interface SideLabels {
  a: string;
  b: string;
}

/**
 * Compare two org snapshots: messages by id (bodies as unified diffs; `created:` only when asked),
 * the human's mail, agent folders, resumes and org files, each agent's money, the ledger,
 * proposals, and an experiment run's measures and scores. Pure: the same snapshots give the same
 * answer, whatever folders they came from.
 */
export function compareOrgs(a: OrgSnapshot, b: OrgSnapshot, options: MessageComparison, labels: SideLabels = { a: a.root, b: b.root }): OrgDiff {
  const messages = compareMessages(a.messages, b.messages, options);
  const sent = someChanges(messages, fromHuman);
  const received = someChanges(messages, toHuman);
  const answerA = lastAnswer(a.messages);
  const answerB = lastAnswer(b.messages);
  const answerChanged = messages.changed.some((message) => message.id === answerB?.id);
  const allAgents = [...new Set([...a.agents.keys(), ...b.agents.keys()])].sort();
  const agents = { added: allAgents.filter((agent) => !a.agents.has(agent)), removed: allAgents.filter((agent) => !b.agents.has(agent)) };
  const resumeText = (snapshot: OrgSnapshot) => new Map([...snapshot.agents.values()].map((agent) => [agent.name, agent.resume]));
  // Resumes of agents on both sides: an added or removed agent is said once, in `agents`.
  const resumes = fileChanges(resumeText(a), resumeText(b), (agent) => `agents/${agent}/resume.md`).filter((change) => {
    const agent = change.file.split('/')[1] as string;
    return a.agents.has(agent) && b.agents.has(agent);
  });
  const orgFiles = fileChanges(a.orgFiles, b.orgFiles, (file) => file);
  const moneyRows = balances(a, b, allAgents);
  const ledger = { a: roundedLedger(a.ledger), b: roundedLedger(b.ledger), difference: ledgerDifference(a.ledger, b.ledger) };
  const proposals = proposalChanges(a, b);
  const outcome = outcomeRows(a, b);
  const summary = {
    messagesAdded: messages.added.length,
    messagesMissing: messages.missing.length,
    messagesChanged: messages.changed.length,
    humanMessagesDiffering: changeCount(sent) + changeCount(received),
    agentsAdded: agents.added.length,
    agentsRemoved: agents.removed.length,
    resumesChanged: resumes.length,
    orgFilesChanged: orgFiles.length,
    balancesDiffering: moneyRows.filter(rowDiffers).length,
    proposalsDecidedDifferently: proposals.length,
    outcomeMeasuresDiffering: outcome?.filter((row) => !row.same).length ?? 0,
  };
  const ledgerDiffers = Object.values(ledger.difference).some((value) => value !== 0);
  // A file one side cannot read is left out of the messages; that the two sides cannot read different files is a difference still.
  const sameUnreadable = JSON.stringify(a.unreadable) === JSON.stringify(b.unreadable);
  const equal = a.turn === b.turn && !ledgerDiffers && sameUnreadable && Object.values(summary).every((count) => count === 0);
  return {
    a: { root: a.root, org: a.name, turn: a.turn, label: labels.a },
    b: { root: b.root, org: b.name, turn: b.turn, label: labels.b },
    equal,
    comparedCreated: options.created,
    summary,
    messages,
    human: {
      sent,
      received,
      lastAnswer: { a: answerA && messageRef(answerA), b: answerB && messageRef(answerB), same: answerA?.id === answerB?.id && !answerChanged },
    },
    agents,
    resumes,
    orgFiles,
    balances: moneyRows,
    ledger,
    proposals,
    outcome,
    unreadable: { a: a.unreadable, b: b.unreadable },
  };
}

