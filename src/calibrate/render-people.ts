import { formatCount, showCredits } from '../format/format.js';
import type { PeopleCalibration } from './calibrate-people.js';
import type { PeopleEstimate } from './individual-statistics.js';
import { figure } from './render-calibration.js';
import { renderProvenance } from '../provenance/report-provenance.js';

/**
 * How the figure relates to Park et al.'s 85 %: said on the screen and in the report, because the two
 * are easily read as one. Their denominator is each human's own retest two weeks apart; a
 * cross-section such as the GSS 2018 has none, so ours is the model's.
 */
export const PARK_RELATION =
  "Park et al. (2024) report 85 %: each agent's accuracy on its own person's answers divided by that person's own retest two weeks later. This reference has no retest of its people (the GSS 2018 is a cross-section), so accuracy here is divided by the model's own retest (the same question asked again at once), which is 1 for a model that always answers alike: then the normalised figure is the raw accuracy, and it is not comparable with 85 %. Read accuracy against the floor (the person's attributes alone), chance and everyone else's commonest answer.";

/** A mean over people, its interval and its n, for a line or a table cell. Pure. */
export function peopleFigure(estimate: PeopleEstimate): string {
  return `${figure(estimate.value)} [${figure(estimate.interval[0])}, ${figure(estimate.interval[1])}] (n = ${estimate.people})`;
}

/** The study as markdown (people.md): the figures over people, then a row per person. Pure. */
export function renderPeople(calibration: PeopleCalibration): string {
  const { summary, reference } = calibration;
  const lines = [
    `# People one by one against ${reference.name}`,
    '',
    `Org: ${calibration.root}. Reference: ${reference.file}${reference.source ? ` (source: ${reference.source})` : ''}.`,
    `${formatCount(calibration.people)} of ${formatCount(calibration.eligible)} people who answered more than ${calibration.heldOut} question(s), drawn with seed ${calibration.seed}, each person once${reference.weight ? ` (their weight, \`${reference.weight}\`, is in people.json; the means here are over people, unweighted)` : ''}. Model: ${calibration.model}. ${formatCount(calibration.calls)} call(s), ${showCredits(calibration.credits)} research credits.`,
    '',
    "Each person's agent is given their attributes and their answers to the questions not held out, then asked the held-out ones: **accuracy** is the share it answered as its own person did; **retest** the share it answered alike when asked again at once; **floor** the accuracy of an agent given the attributes alone; **chance** answering at random; **commonest** answering every person with everyone else's commonest answer (weighted), which knows nothing of the person. Figures are means over people (the person is the unit), with 95 % intervals.",
    '',
    PARK_RELATION,
    '',
  ];
  if (summary) {
    lines.push(
      '| figure | mean over people [95 % interval] (n) |',
      '| --- | --- |',
      `| accuracy | ${peopleFigure(summary.accuracy)} |`,
      `| accuracy, weighted by ${reference.weight ?? 'weight'} | ${peopleFigure(summary.accuracyWeighted)} |`,
      `| floor (attributes only) | ${peopleFigure(summary.floor)} |`,
      `| accuracy − floor | ${peopleFigure(summary.overFloor)} |`,
      `| chance | ${figure(summary.chance)} |`,
      `| everyone else's commonest answer | ${peopleFigure(summary.commonest)} |`,
      `| retest (the model's) | ${peopleFigure(summary.retest)} |`,
      `| normalised: mean accuracy / mean retest | ${peopleFigure(summary.normalised)} |`,
      `| normalised, person by person (Park et al.'s form) | ${peopleFigure(summary.normalisedPerPerson)} |`,
      '',
      `${formatCount(summary.unreadable)} answer(s) named no option (counted as not the person's). Intervals: ${summary.method}.`,
      '',
      '| person | weight | agent | given | held out | accuracy | retest | floor |',
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const person of calibration.persons) {
      lines.push(`| ${person.person} | ${person.weight} | ${person.agent} | ${person.given.join(', ')} | ${person.answers.map((answer) => answer.question).join(', ')} | ${figure(person.accuracy)} | ${figure(person.retest)} | ${figure(person.floor)} |`);
    }
    lines.push('');
  }
  if (reference.licence) lines.push(`Licence of the reference: ${reference.licence}`, '');
  if (calibration.provenance) lines.push(...renderProvenance(calibration.provenance));
  return lines.join('\n');
}
