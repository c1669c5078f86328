import { formatCount, showCredits } from '../format/format.js';
import type { BlameReport } from './blame-run.js';

function share(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '–';
}

/** What blame will cost, in one line: said before a fork is made, and by `--dry-run` alone. Pure. */
export function estimateLine(report: Pick<BlameReport, 'estimate' | 'k'>): string {
  const { estimate } = report;
  return (
    `${formatCount(estimate.steps)} candidate step(s), ${report.k} fork(s) each: ${formatCount(estimate.forks)} fork(s), about ${formatCount(estimate.calls)} call(s) and ${showCredits(estimate.credits)} credits ` +
    `(each fork re-runs the original's calls from its step's turn on); the ${formatCount(estimate.sharedCalls)} call(s) (${showCredits(estimate.sharedCredits)} credits) of the turns before each step are copied from the history, not made`
  );
}

/** The most blame can spend, in one line, beside the estimate: every fork to the run's bound, every agent called each turn at its models' limits; and the ceiling. Pure. */
export function worstCaseLine(report: Pick<BlameReport, 'worstCase' | 'bounds' | 'ceiling'>): string {
  const { worstCase, bounds, ceiling } = report;
  const held = ceiling.given ? `the ceiling, --max-credits, is ${showCredits(ceiling.credits)} credits: a fork whose worst case could pass it is not started` : 'the ceiling is that worst case (--max-credits sets a lower one)';
  return (
    `At most ${formatCount(worstCase.calls)} call(s) and ${showCredits(worstCase.credits)} credits: the worst case of the ${formatCount(worstCase.forks)} fork(s), each run no further than turn ${bounds.lastTurn} ` +
    `(the run's bound: ${bounds.turns} turn(s) after turn ${bounds.fromTurn}, set by ${bounds.by}) with every agent called every turn at the most its models can be charged; ${held}`
  );
}

/** The forks a ceiling left unstarted, in a sentence, or nothing when every fork ran. Pure. */
export function notRunLine(report: Pick<BlameReport, 'notRun' | 'ceiling'>): string | undefined {
  if (report.notRun.length === 0) return undefined;
  return `${formatCount(report.notRun.length)} fork(s) not run (${report.notRun.join(', ')}): each could have taken the spending past the ceiling of ${showCredits(report.ceiling.credits)} credits${report.ceiling.given ? ' (--max-credits)' : ''}; a step with fewer forks has a wider interval.`;
}

/** The blame's report as markdown (report.md): what was tried, then the steps and agents most to blame first. Pure. */
export function renderBlame(report: BlameReport): string {
  const how = report.model === undefined ? `its agent's own model with ${report.k} other seed(s) (drawn from seed ${report.seed})` : `the repair model ${report.model}, ${report.k} time(s)`;
  const lines = [
    `# Blame: check ${report.check.name}`,
    '',
    `Run: ${report.run}. It fails the check \`${report.check.name}\` (\`${report.check.run}\`). Each candidate step (${report.path ? "the calls on the path of the person's requests" : 'every agent call from turn 1'}) was re-run on ${how} in a fork of the run made before its turn, the fork run to its end (idle, or the run's own last turn, ${report.bounds.lastTurn}) and checked. A step's pass rate is how often that change alone made the run pass.`,
    '',
    `Spent: ${formatCount(report.spent.forks)} fork(s), ${formatCount(report.spent.calls)} call(s), ${showCredits(report.spent.credits)} credits; ${formatCount(report.spent.sharedCalls)} call(s) on the shared turns before the steps (copied from the history). Estimated before: ${estimateLine(report)}. ${worstCaseLine(report)}.`,
    '',
    ...[notRunLine(report)].flatMap((line) => (line === undefined ? [] : [line, ''])),
    '## Steps, most to blame first',
    '',
    '| rank | turn | agent | forks | passed | pass rate | 95% interval | calls | credits |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.steps.map((step, index) => `| ${index + 1} | ${step.turn} | ${step.agent} | ${step.forks} | ${step.passed} | ${share(step.rate)} | [${share(step.interval[0])}, ${share(step.interval[1])}] | ${formatCount(step.calls)} | ${showCredits(step.credits)} |`),
    '',
    '## Agents',
    '',
    '| agent | steps | forks | passed | pass rate | 95% interval |',
    '| --- | --- | --- | --- | --- | --- |',
    ...report.agents.map((agent) => `| ${agent.agent} | ${agent.steps} | ${agent.forks} | ${agent.passed} | ${share(agent.rate)} | [${share(agent.interval[0])}, ${share(agent.interval[1])}] |`),
    '',
    `Each fork is an org under ${report.folder}, named \`t<turn>-<agent>-<try>\`: \`lemming diff ${report.run} <fork>\` shows what the changed call did.`,
    '',
  ];
  return lines.join('\n');
}
