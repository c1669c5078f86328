import { formatCount, showCredits } from '../format/format.js';
import type { PeopleCalibration } from './calibrate-people.js';
import type { IndividualSummary, PeopleEstimate } from './individual-statistics.js';
import { figure } from './render-calibration.js';
import { renderProvenance } from '../provenance/report-provenance.js';
import { alikeWords } from '../statistics/runs-interval.js';

/**
 * How the figures relate to Park et al.'s 85 %: said on the screen and in the report, because the two
 * are easily read as one. Their denominator is each human's own retest two weeks apart; a
 * cross-section such as the GSS 2018 has none, and the model's own retest is no stand-in for it. Pure.
 */
export function parkRelation(summary: IndividualSummary): string {
  const theirs = "Park et al. (2024) report 85 %: each agent's accuracy on its own person's answers divided by that person's own retest two weeks later.";
  if (summary.normalised) return `${theirs} This reference holds its people's own second interview, so accuracy is divided by it here as there (on the questions asked again); it is comparable with 85 % only as far as the conditioning and the questions are.`;
  return `${theirs} This reference holds no retest of its people (the GSS 2018 is a cross-section), so nothing is normalised: dividing by the model's own retest (the same question asked again at once) would reward a noisy model (one right half the time and random the rest scores above a perfect one). Read accuracy against the floor (the person's attributes alone), everyone else's commonest answer and chance; the model's retest is its noise, shown on its own.`;
}

/** A mean over people, its interval and its n (and a weighted figure's effective n, and where its interval was cut), for a line or a table cell. Pure. */
export function peopleFigure(estimate: PeopleEstimate): string {
  const effective = estimate.effective === undefined ? '' : `, effective ${formatCount(Math.round(estimate.effective))}`;
  const cut = estimate.cutAt === undefined ? '' : `; cut at ${estimate.cutAt.join(' and ')}`;
  if (estimate.alike && !estimate.interval.every(Number.isFinite)) return `${figure(estimate.value)} (${alikeWords(estimate.people, 'person', 'people')})`;
  const alike = estimate.alike ? '; every person alike: Wilson interval' : '';
  return `${figure(estimate.value)} [${figure(estimate.interval[0])}, ${figure(estimate.interval[1])}] (n = ${estimate.people}${effective}${cut}${alike})`;
}

/** The study's figures, a label and its value a row, in the order the screen and the report give them: accuracy against what knows less of the person, then the retests. Pure. */
export function peopleRows(summary: IndividualSummary, weight: string): Array<[string, string]> {
  const rows: Array<[string, string]> = [
    ['accuracy', peopleFigure(summary.accuracy)],
    ['floor (attributes only)', peopleFigure(summary.floor)],
    ["everyone else's commonest answer", peopleFigure(summary.commonest)],
    ['chance', figure(summary.chance)],
    ['accuracy − floor', peopleFigure(summary.overFloor)],
    ['accuracy − commonest answer', peopleFigure(summary.overCommonest)],
    [`accuracy, weighted by ${weight}`, peopleFigure(summary.accuracyWeighted)],
    ["the model's own retest (its noise, not a ceiling)", peopleFigure(summary.modelRetest)],
  ];
  if (summary.humanRetest) rows.push(["the people's own retest", peopleFigure(summary.humanRetest)]);
  if (summary.normalised) rows.push(["normalised: accuracy / the people's retest", peopleFigure(summary.normalised)]);
  if (summary.normalisedPerPerson) rows.push(["normalised, person by person (Park et al.'s form)", peopleFigure(summary.normalisedPerPerson)]);
  return rows;
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
    "Each person's agent is given their attributes and their answers to the questions not held out, then asked the held-out ones: **accuracy** is the share it answered as its own person did, read against what knows less of the person: the **floor** (an agent given the attributes alone), **commonest** (answering every person with everyone else's commonest answer, weighted) and **chance** (answering at random); the differences are taken person by person. **The model's own retest** is the share it answered alike when asked the same question again at once: its noise, shown on its own and never divided by. Figures are means over people (the person is the unit), with 95 % intervals.",
    '',
  ];
  if (summary) {
    lines.push(
      parkRelation(summary),
      '',
      '| figure | mean over people [95 % interval] (n) |',
      '| --- | --- |',
      ...peopleRows(summary, reference.weight ?? 'weight').map(([label, value]) => `| ${label} | ${value} |`),
      '',
      `${formatCount(summary.unreadable)} answer(s) named no option (counted as not the person's). Intervals: ${summary.method}.`,
      '',
      "| person | weight | agent | given | held out | accuracy | the model's retest | floor |",
      '| --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const person of calibration.persons) {
      lines.push(`| ${person.person} | ${person.weight} | ${person.agent} | ${person.given.join(', ')} | ${person.answers.map((answer) => answer.question).join(', ')} | ${figure(person.accuracy)} | ${figure(person.modelRetest)} | ${figure(person.floor)} |`);
    }
    lines.push('');
  }
  if (reference.licence) lines.push(`Licence of the reference: ${reference.licence}`, '');
  if (calibration.provenance) lines.push(...renderProvenance(calibration.provenance));
  return lines.join('\n');
}
