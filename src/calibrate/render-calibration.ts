import { formatCount, showCredits } from '../format/format.js';
import type { Calibration, GroupComparison, GroupsSummary } from './calibrate-org.js';
import type { Estimate } from './calibration-statistics.js';
import { renderProvenance } from '../provenance/report-provenance.js';

/** A distance or share of a calibration: three decimals, or `–` when there is none. Pure. */
export function figure(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3);
}

function estimate(value: Estimate | undefined): string {
  return value ? `${figure(value.value)} [${figure(value.interval[0])}, ${figure(value.interval[1])}]` : '–';
}

/** A percentage rounded to a whole one; −∞ for a progress whose random baseline may be 0 (no lower end), – for none. */
export function percent(value: number | undefined): string {
  if (value === -Infinity) return '−∞';
  return value === undefined || !Number.isFinite(value) ? '–' : `${Math.round(value)} %`;
}

/** A percentage and its 95 % interval, `12 % [−3 %, 27 %]`. Pure. */
export function percentEstimate(value: Estimate | undefined): string {
  return value ? `${percent(value.value)} [${percent(value.interval[0])}, ${percent(value.interval[1])}]` : '–';
}

/**
 * What the intervals a terminal shows are, in a line, for a reader who copies a figure from it without
 * opening report.md (which says each at length, below). Pure text.
 */
export const INTERVALS_IN_BRIEF =
  "intervals: 95 %; a distance's the distance between the samples ± the bootstrap's 95th percentile of its error (both sides resampled at their own sizes), the figure bias-corrected; a progress's carrying the random baseline's noise too (report.md says each)";

/** The overall line of a calibration: the averages and how far from random they are, with the interval that carries both averages' noise. Pure. */
export function overallLine(summary: NonNullable<Calibration['summary']>): string {
  const progress = summary.progress === undefined ? '–' : percentEstimate({ value: summary.progress, interval: summary.progressInterval ?? [NaN, NaN] });
  return `distance ${figure(summary.distance)}, random ${figure(summary.random)}: ${progress} of the way from random to answering as the real people do`;
}

/** A p-value: three decimals, `<0.001` below that. */
function pValue(value: number | undefined): string {
  return value === undefined ? '–' : value < 0.001 ? '<0.001' : value.toFixed(3);
}

const VERDICT = { nearer: 'nearer', farther: 'farther', indistinguishable: 'not distinguishable' } as const;

/** A row's distance against the persona-ignoring baseline: the difference, its interval, what it says and its adjusted p. */
function beyond(row: GroupComparison): string {
  const q = row.qBeyond === undefined ? '' : row.qBeyond < 0.001 ? ' (q < 0.001)' : ` (q = ${row.qBeyond.toFixed(3)})`;
  return row.beyondOverall && row.personas ? `${estimate(row.beyondOverall)} ${VERDICT[row.personas]}${q}` : '–';
}

/**
 * What the group rows can say of personas, in plain words: how many cannot be told from answering every
 * group with everyone's answers (they say nothing of persona fidelity), and how many have that baseline
 * inside the noise of a panel their size. Pure.
 */
export function groupsVerdict(groups: GroupsSummary): string {
  const demographic = groups.demographic === undefined ? '' : `, demographics-only ${figure(groups.demographic)}`;
  return [
    `Groups: in ${groups.indistinguishable} of ${groups.rows} group row(s) the distance is not distinguishable from answering every group with everyone's answers, so those rows say nothing of persona fidelity; ${groups.nearer} nearer than that baseline, ${groups.farther} farther (each verdict's p adjusted across the ${groups.rows} rows by Benjamini–Hochberg, q < 0.05: at most 5 % of the rows called nearer or farther are expected to be wrongly so).`,
    `In ${groups.overallInNoise} of ${groups.rows} the persona-ignoring baseline itself lies inside the noise of a panel that size, so even a simulation answering exactly as each group's real people do could not reliably be told there from one ignoring personas.`,
    `Averaged over the group rows: distance ${figure(groups.distance)}, persona-ignoring ${figure(groups.overall)}${demographic}, noise ${figure(groups.noise)}.`,
  ].join(' ');
}

/** The calibration as markdown (report.md): the summary line, then a row per question and group. Pure. */
export function renderCalibration(calibration: Calibration): string {
  const { summary, reference } = calibration;
  const lines = [
    `# Calibration against ${reference.name}`,
    '',
    `Org: ${calibration.root}. Reference: ${reference.file}${reference.source ? ` (source: ${reference.source})` : ''}.`,
    `${formatCount(calibration.agents)} agent(s) asked ${calibration.questions.length} question(s): ${formatCount(calibration.calls)} call(s), ${showCredits(calibration.credits)} research credits; ${formatCount(calibration.unreadable)} answer(s) named no option and are not counted.`,
    '',
    'Distance: total variation for options in no order, Wasserstein (the options placed evenly from 0 to 1) for ordered ones; 0 is the same distribution. Each figure estimates the distance between the populations the answers come from, not between the samples: bias-corrected by the bootstrap (a distance between two samples is above the one between their populations, most at small n), with its 95% interval: the distance between the samples ± the bootstrap\'s 95th percentile of its error (the distance of the resampled difference from the observed one; both sides resampled at their own sizes), which holds the truth near 0 as far from it, and reaches 0 where a test cannot tell the simulation from the real people (**same?**: that test\'s p-value, this row\'s alone). A simulation whose agents answer as the real people do is at 0 at any panel size; the interval\'s coverage is checked by simulation in the tests. **random**: answers at random, each option alike. **overall** (groups only): this group\'s real answers against everyone\'s, the distance of a simulation that ignored personas and gave every group the overall answers; a simulated group no nearer than it says nothing of what its personas add. **progress**: 100·(random − distance)/random, its interval carrying the noise of both (the distance\'s and the random baseline\'s error bounded together): 100 % answers as the real people do, 0 % no better than at random. **demographics-only**: each agent answered with the real answers of its own demographic cell (every attribute of the reference), against the group\'s real answers: what knowing the demographics alone reaches (– where an agent lacks an attribute). **noise**: the 95th percentile of the distance between the real answers and a panel of this size answering exactly as the real people do: a baseline below it cannot be beaten visibly by a panel this size. **− overall** (groups only): the distance minus the persona-ignoring baseline\'s, with its interval: nearer, farther, or not distinguishable (the row then says nothing of persona fidelity), called from its p adjusted across every group row of the report (Benjamini–Hochberg: **q**, the false discovery rate kept at 5 %), so a report of many rows does not find a difference in one of twenty by chance; the interval is the row\'s own.',
    '',
  ];
  if (summary) {
    lines.push(`Overall, averaged over the questions: ${overallLine(summary)} (the interval carries the noise of the distance and of the random baseline alike, each question resampled on its own).`, '');
    if (summary.groups) {
      const unclear = calibration.comparisons.filter((row) => row.personas === 'indistinguishable').map((row) => `${row.question} ${row.group}`);
      lines.push(groupsVerdict(summary.groups), '');
      if (unclear.length > 0) lines.push(`Not distinguishable from the persona-ignoring baseline: ${unclear.join(', ')}.`, '');
    }
  }
  lines.push('| question | group | real n | simulated n | real shares | simulated shares | distance | same? | random | overall | demographics-only | noise | − overall | progress |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of calibration.comparisons) {
    const shares = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' / ');
    lines.push(`| ${row.question} | ${row.group} | ${row.real || '–'} | ${row.simulated} | ${shares(row.realShares)} | ${shares(row.simulatedShares)} | ${estimate(row.distance)} | ${pValue(row.pSame)} | ${estimate(row.random)} | ${estimate(row.overall)} | ${estimate(row.demographic)} | ${figure(row.noise)} | ${beyond(row)} | ${percentEstimate(row.progress)} |`);
  }
  lines.push('', 'Options, in order:', ...calibration.questions.map((question) => `- ${question.id}${question.ordered ? ' (ordered)' : ''}: ${question.options.join(' / ')}`), '');
  if (reference.licence) lines.push(`Licence of the reference: ${reference.licence}`, '');
  if (calibration.provenance) lines.push(...renderProvenance(calibration.provenance));
  return lines.join('\n');
}
