import { formatCount, showCredits } from '../format/format.js';
import type { Calibration } from './calibrate-org.js';
import type { Estimate } from './calibration-statistics.js';

/** A distance or share of a calibration: three decimals, or `–` when there is none. Pure. */
export function figure(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(3);
}

function estimate(value: Estimate | undefined): string {
  return value ? `${figure(value.value)} [${figure(value.interval[0])}, ${figure(value.interval[1])}]` : '–';
}

function percent(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? '–' : `${Math.round(value)} %`;
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
    'Distance: total variation for options in no order, Wasserstein (the options placed evenly from 0 to 1) for ordered ones; 0 is the same distribution. Each with its 95% bootstrap interval. **random**: answers at random, as many as the simulated. **ceiling**: the real data\'s own split halves, the closest a simulation of these people could be expected to come. **progress**: how far the simulation is from random towards the ceiling.',
    '',
  ];
  if (summary) {
    lines.push(`Overall, averaged over the questions: distance ${figure(summary.distance)}, random ${figure(summary.random)}, ceiling ${figure(summary.ceiling)}: ${percent(summary.progress)} of the way from random to the real data's own agreement.`, '');
  }
  lines.push('| question | group | real n | simulated n | real shares | simulated shares | distance | random | ceiling | progress |', '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const row of calibration.comparisons) {
    const shares = (values: number[]): string => values.map((value) => value.toFixed(2)).join(' / ');
    lines.push(`| ${row.question} | ${row.group} | ${row.real || '–'} | ${row.simulated} | ${shares(row.realShares)} | ${shares(row.simulatedShares)} | ${estimate(row.distance)} | ${estimate(row.random)} | ${estimate(row.ceiling)} | ${percent(row.progress)} |`);
  }
  lines.push('', 'Options, in order:', ...calibration.questions.map((question) => `- ${question.id}${question.ordered ? ' (ordered)' : ''}: ${question.options.join(' / ')}`), '');
  if (reference.licence) lines.push(`Licence of the reference: ${reference.licence}`, '');
  return lines.join('\n');
}
