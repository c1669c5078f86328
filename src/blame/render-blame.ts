import { formatCount, showCredits } from '../format/format.js';
import type { BlameReport } from './blame-run.js';
import { BISECTION_WINDOW, CONFIRMED_STEPS, CONTENTION_WIDTH } from './search-strategy.js';
import { mostProbes } from './turn-bisection.js';
import type { FlipRate, StepBlame, Verdict } from './blame-ranking.js';
import { repeatabilityLine } from './call-repeatability.js';
import { blameModelKey } from './blame-fork.js';
import { smallestFisherP } from '../statistics/proportion-difference.js';
import { renderProvenance } from '../provenance/report-provenance.js';

function share(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : '–';
}

/** A p-value as a report shows it: two figures, or "< 0.001". */
export function showP(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** What a verdict means, in words. Pure. */
export function verdictWords(verdict: Verdict): string {
  return {
    effect: 'an effect: passes more often than its control, p < 0.05 adjusted for the steps tested',
    unclear: 'more often than its control, too few forks to tell among the steps tested (adjusted p ≥ 0.05)',
    noise: 'noise: its control passes as often',
    none: 'neither passes',
    'no-control': 'no control was run',
    'not-run': 'no fork ran',
  }[verdict];
}

function rateWithInterval(rate: Pick<FlipRate, 'passed' | 'forks' | 'rate' | 'interval'>): string {
  return `${rate.passed}/${rate.forks} (${share(rate.rate)} [${share(rate.interval[0])}, ${share(rate.interval[1])}])`;
}

/** A step's p and, where it was one of a family, its adjusted p: `p = 0.002 (adjusted 0.045)`. Pure. */
export function stepP(step: Pick<StepBlame, 'p' | 'adjustedP'>): string {
  return `p = ${showP(step.p)}${step.adjustedP === undefined ? '' : ` (adjusted ${showP(step.adjustedP)})`}`;
}

/** A step's figures in one line, as the command prints it and an experiment's report lists it. Pure. */
export function stepLine(step: StepBlame): string {
  const control = step.control ? ` against ${step.pooledControl ? 'the controls pooled (it had none of its own)' : 'its control'} ${rateWithInterval(step.control)}, ${stepP(step)}` : '';
  return `turn ${step.turn} ${step.agent}: passed ${rateWithInterval(step)}${control}: ${verdictWords(step.verdict)}`;
}

/** What every pass rate's bracket is, said where the rates are (the terminal's ranking, report.md): its level, its method and its unit. */
const RATE_INTERVALS = 'A pass rate is passes over forks, its bracket the 95 % Wilson interval over them (a fork one trial).';

/** What the controls are and what they can show, in a paragraph: or that none was run. Pure. */
export function controlParagraph(report: Pick<BlameReport, 'controls' | 'k' | 'repeatability'> & { steps?: BlameReport['steps'] }): string {
  if (report.controls === 0) {
    return `${RATE_INTERVALS} No control was run (--controls 0): nothing separates what changing a step did from how often the run passes by its own noise, so a pass rate here is not an effect.`;
  }
  // A side is what the step ranked first had (adaptive gives steps more or fewer than k), else k against the controls.
  const top = report.steps?.[0];
  const side = top?.control && !top.pooledControl ? Math.min(top.forks, top.control.forks) : Math.min(report.k, report.controls);
  const smallest = smallestFisherP(side);
  const tested = report.steps?.filter((step) => step.adjustedP !== undefined).length;
  return [
    RATE_INTERVALS,
    `Each step was also re-run as the run made it, ${report.controls} time(s) (its controls: the agent's own model and seed, through the same fork). A step's effect is its pass rate less its control's; p is Fisher's exact test, two-sided, of the two; a step whose control passes as often is noise.`,
    `${familyLine(tested)} With ${side} fork(s) a side the smallest p there can be is ${showP(smallest)}${smallest >= 0.05 ? ': no step can reach 5 % (give more with -k and --controls)' : ''}.`,
    ...report.repeatability.map(repeatabilityLine),
  ].join(' ');
}

/** How the verdicts are held against the number of steps read at once, in a sentence. Pure. */
export function familyLine(tested: number | undefined): string {
  const steps = tested === undefined ? 'every step tested against a control' : `the ${formatCount(tested)} step(s) tested against a control`;
  return `A verdict reads p adjusted for ${steps} (Holm's step-down, each step's p set against the p-values its own forks could give: a step whose forks all failed costs the others nothing), so the chance that any step of this blame is called an effect when none has one is at most 5 %.`;
}

/** What blame will cost, in one line: said before a fork is made, and by `--dry-run` alone. Pure. */
export function estimateLine(report: Pick<BlameReport, 'estimate' | 'k' | 'controls'>): string {
  const { estimate } = report;
  return (
    `${formatCount(estimate.steps)} candidate step(s), ${report.k} fork(s) each and ${report.controls} control(s): ${formatCount(estimate.forks)} fork(s), about ${formatCount(estimate.calls)} call(s) and ${showCredits(estimate.credits)} credits ` +
    `(each fork re-runs the original's calls from its step's turn on); the ${formatCount(estimate.sharedCalls)} call(s) (${showCredits(estimate.sharedCredits)} credits) of the turns before each step are copied from the history, not made`
  );
}

/** How a strategy other than per-step will spend its forks, in one line: what `--dry-run` says beside the worst case. Pure. */
export function strategyLine(report: Pick<BlameReport, 'strategy' | 'estimate' | 'k' | 'controls' | 'confidence' | 'budget' | 'firstPass'>): string {
  const steps = formatCount(report.estimate.steps);
  if (report.strategy === 'adaptive') {
    return (
      `${steps} candidate step(s), forked adaptively: ${report.firstPass} fork(s) each first, then one a round to the leader and its ${CONTENTION_WIDTH} closest contenders (the steps whose ${Math.round(report.confidence * 100)} % interval overlaps the leader's) ` +
      `until the leader is separated or ${formatCount(report.budget ?? 0)} changed fork(s) are spent; then ${report.controls} control(s) for each of the ${CONFIRMED_STEPS} steps ranked first. Per-step (-k ${report.k}, --controls ${report.controls}) would make ${formatCount(report.estimate.forks)} fork(s)`
    );
  }
  const turns = report.estimate.steps;
  return (
    `${steps} candidate step(s), bisected over turns: the run as it was ${Math.max(report.controls, 1)} time(s), then at most ${mostProbes(turns)} probe(s) of ${report.k} fork(s) from a turn with every later call changed, ` +
    `then the steps of the ${2 * BISECTION_WINDOW + 1} turns about the turn found, ${report.k} fork(s) and ${report.controls} control(s) each; where a probe shows changing more calls makes passing less likely, every step is forked instead (per-step: ${formatCount(report.estimate.forks)} fork(s))`
  );
}

/** What the strategy did, in a sentence: where adaptive stopped, or the turn bisection found (or why it fell back). Pure. */
export function searchLine(report: Pick<BlameReport, 'search' | 'confidence' | 'probes'>): string | undefined {
  const search = report.search;
  if (!search || search.strategy === 'per-step') return undefined;
  if (search.allocation) {
    const { state, rounds, contenders } = search.allocation;
    const how = { separated: `separated: its ${Math.round(report.confidence * 100)} % interval is above every other step's`, 'budget-spent': `not separated when the budget was spent (${contenders} step(s) still overlap it)`, ceiling: 'not separated: the credit ceiling stopped the forks' }[state];
    return `Adaptive allocation, ${rounds} round(s): the leader is ${how}. Its intervals are each step's own at that confidence, not adjusted for how many steps there are: they decide where forks go; the verdicts are adjusted.`;
  }
  const bisection = search.bisection!;
  const probes = bisection.probes.map((probe) => `${probe.turn === null ? 'as it was' : `from turn ${probe.turn}`} ${probe.passed}/${probe.forks}`).join(', ');
  if (bisection.turn === undefined) return `Bisection over turns fell back to forking every step: ${bisection.fallback}. Probes: ${probes}.`;
  return `Bisection over turns found turn ${bisection.turn} (probes: ${probes}); the steps of turns ${bisection.searched.join(', ')} were forked one by one. It assumes changing more calls does not make passing less likely; no probe here contradicted that.`;
}

/** The most blame can spend, in one line, beside the estimate: every fork to the run's bound, every agent called each turn at its models' limits; and the ceiling. Pure. */
export function worstCaseLine(report: Pick<BlameReport, 'worstCase' | 'bounds' | 'ceiling'>): string {
  const { worstCase, bounds, ceiling } = report;
  const own = worstCase.own ? ` (bisection's own ${formatCount(worstCase.own.calls)} call(s) and ${showCredits(worstCase.own.credits)} credits; the rest is the per-step search it may fall back to)` : '';
  const held = ceiling.given ? `the ceiling, --max-credits, is ${showCredits(ceiling.credits)} credits: a fork whose worst case could pass it is not started` : 'the ceiling is that worst case (--max-credits sets a lower one)';
  return (
    `At most ${formatCount(worstCase.calls)} call(s) and ${showCredits(worstCase.credits)} credits: the worst case of the ${formatCount(worstCase.forks)} fork(s), each run no further than turn ${bounds.lastTurn} ` +
    `(the run's bound: ${bounds.turns} turn(s) after turn ${bounds.fromTurn}, set by ${bounds.by}) with every agent called every turn at the most its models can be charged${own}; ${held}`
  );
}

/**
 * What each fork's changed call ran on, as its ledger charged it, in a sentence: the models and how many
 * forks each, and every fork whose call ran on another model than it was to (a call answered by a
 * fallback, or a change something else undid). Nothing where no fork's call was read back. Pure.
 */
export function calledLine(report: Pick<BlameReport, 'forks'>): string | undefined {
  const changed = report.forks.filter((fork) => !fork.control && fork.called !== undefined);
  if (changed.length === 0) return undefined;
  const counts = new Map<string, number>();
  for (const fork of changed) counts.set(fork.called!, (counts.get(fork.called!) ?? 0) + 1);
  const models = [...counts].map(([model, forks]) => `${model} in ${formatCount(forks)}`).join(', ');
  const astray = report.forks.filter((fork) => fork.called !== undefined && fork.called !== fork.model && fork.called !== blameModelKey(fork.model));
  const other = astray.length === 0 ? '' : `; ${formatCount(astray.length)} fork(s) ran the call on another model than planned: ${astray.map((fork) => `${fork.fork} on ${fork.called} (planned ${fork.model})`).join(', ')}`;
  return `The changed calls ran on ${models} of ${formatCount(changed.length)} fork(s), as each fork's ledger charged them (\`<model>-blame\` is a copy of the model with the fork's seed)${other}.`;
}

/** The forks a ceiling left unstarted, in a sentence, or nothing when every fork ran. Pure. */
export function notRunLine(report: Pick<BlameReport, 'notRun' | 'ceiling'>): string | undefined {
  if (report.notRun.length === 0) return undefined;
  return `${formatCount(report.notRun.length)} fork(s) not run (${report.notRun.join(', ')}): each could have taken the spending past the ceiling of ${showCredits(report.ceiling.credits)} credits${report.ceiling.given ? ' (--max-credits)' : ''}; a step with fewer forks has a wider interval.`;
}

/** The blame's report as markdown (report.md): what was tried, then the steps and agents most to blame first. Pure. */
export function renderBlame(report: BlameReport): string {
  const how = report.model === undefined ? `its agent's own model with ${report.k} other seed(s) (drawn from seed ${report.seed})` : `the repair model ${report.model}, ${report.k} time(s)`;
  const controlled = report.controls > 0;
  const lines = [
    `# Blame: check ${report.check.name}`,
    '',
    `Run: ${report.run}. It fails the check \`${report.check.name}\` (\`${report.check.run}\`). Each candidate step (${report.path ? "the calls on the path of the person's requests" : 'every agent call from turn 1'}) was re-run on ${how} in a fork of the run made before its turn, the fork run to its end (idle, or the run's own last turn, ${report.bounds.lastTurn}) and checked. A step's pass rate is how often that change made the run pass.`,
    '',
    controlParagraph(report),
    '',
    `Spent: ${formatCount(report.spent.forks)} fork(s), ${formatCount(report.spent.calls)} call(s), ${showCredits(report.spent.credits)} credits; ${formatCount(report.spent.sharedCalls)} call(s) on the shared turns before the steps (copied from the history). Estimated before: ${estimateLine(report)}. ${worstCaseLine(report)}.`,
    '',
    ...[notRunLine(report), searchLine(report), calledLine(report)].flatMap((line) => (line === undefined ? [] : [line, ''])),
    '## Steps, most to blame first',
    '',
    controlled
      ? '| rank | turn | agent | forks | passed | pass rate | 95% interval | controls | control passed | control rate | control 95% interval | effect | p | adjusted p | verdict | calls | credits |'
      : '| rank | turn | agent | forks | passed | pass rate | 95% interval | verdict | calls | credits |',
    controlled ? '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |' : '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.steps.map((step, index) => {
      const changed = `| ${index + 1} | ${step.turn} | ${step.agent} | ${step.forks} | ${step.passed} | ${share(step.rate)} | [${share(step.interval[0])}, ${share(step.interval[1])}] |`;
      const control = step.control ? ` ${step.control.forks} | ${step.control.passed} | ${share(step.control.rate)} | [${share(step.control.interval[0])}, ${share(step.control.interval[1])}] | ${share(step.effect ?? NaN)} | ${showP(step.p)} | ${showP(step.adjustedP)} |` : ' 0 | – | – | – | – | – | – |';
      return `${changed}${controlled ? control : ''} ${step.verdict}${step.pooledControl ? ' (against the controls pooled)' : ''} | ${formatCount(step.calls + (step.control?.calls ?? 0))} | ${showCredits(step.credits + (step.control?.credits ?? 0))} |`;
    }),
    '',
    'Calls and credits are the step\'s forks\' and its controls\' together.',
    '',
    '## Agents, by their best step',
    '',
    "An agent stands where its best step stands; beside it, all its steps' forks pooled (a decisive step among many calls that change nothing is diluted there).",
    '',
    '| agent | best step | its rank | its passed | its effect | its p | steps | pooled forks | pooled passed | pooled rate | pooled 95% interval | pooled control rate |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...report.agents.map(
      (agent) =>
        `| ${agent.agent} | turn ${agent.best.turn} | ${agent.best.rank} | ${agent.best.passed}/${agent.best.forks} | ${share(agent.best.effect ?? NaN)} | ${showP(agent.best.p)} | ${agent.steps} | ${agent.forks} | ${agent.passed} | ${share(agent.rate)} | [${share(agent.interval[0])}, ${share(agent.interval[1])}] | ${agent.control ? `${share(agent.control.rate)} (${agent.control.passed}/${agent.control.forks})` : '–'} |`,
    ),
    '',
    `Each fork is an org under ${report.folder}, named \`t<turn>-<agent>-<try>\` (a control \`t<turn>-<agent>-c<try>\`): \`lemming diff ${report.run} <fork>\` shows what the changed call did.`,
    '',
    ...(report.provenance ? renderProvenance(report.provenance) : []),
  ];
  return lines.join('\n');
}
