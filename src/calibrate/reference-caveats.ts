import { formatCount } from '../format/format.js';
import type { Reference } from './reference-file.js';

/**
 * What a reference's figures cannot support, said in every calibration report made with it (the
 * provenance block, src/provenance/): the caveats its maker wrote (`caveats:`), then what lemming
 * knows of its form: counts by group are resampled as a simple random sample of their rows, whatever
 * the rows are; respondents one by one are resampled at the Kish effective size of their weights,
 * each question's own. Pure.
 */
export function referenceCaveats(reference: Pick<Reference, 'file' | 'counts' | 'people' | 'weight' | 'effectiveSize' | 'weightedSize' | 'questions' | 'caveats'>): string[] {
  const caveats = [...(reference.caveats ?? [])];
  if (reference.people) {
    const people = reference.people;
    const sizes = reference.questions.map((question) => {
      const answered = people.filter((person) => person.answers[question.id] !== undefined).length;
      const weighted = reference.weightedSize?.[question.id];
      const effective = reference.effectiveSize?.[question.id];
      return `${question.id}: ${formatCount(answered)} people${weighted === undefined ? '' : `, ${formatCount(Math.round(weighted))} weighted`}${effective === undefined ? '' : `, effective size ${formatCount(Math.round(effective))}`}`;
    });
    caveats.push(`${reference.file} gives ${formatCount(people.length)} people one row each${reference.weight ? `, weighted by \`${reference.weight}\`` : ''}: each question's real counts are their weighted answers, and the real side is resampled at the Kish effective size of those who answered it, not at the weighted total (${sizes.join('; ')}).`);
  } else if (reference.counts) {
    caveats.push(`${reference.file}'s real n counts its answers file's rows as people, and the real side is resampled as a simple random sample of them: where its rows are a weighted resample (one person in several rows), its intervals are too narrow.`);
  } else {
    caveats.push(`${reference.file} gives shares, not counts: the real side has no size, and is not resampled.`);
  }
  return caveats;
}
