import { expect, test } from 'vitest';
import { groupsOf, realAnswers } from '../../src/calibrate/calibrate-org.js';
import type { Reference } from '../../src/calibrate/reference-file.js';

/**
 * A reference's groups are matched to personas without regard to case or spaces (`sex: Male` in a
 * persona is in the reference's `male` group), and the reference's own rows are grouped the same way:
 * rows spelled `Male` and `male` are one group, whose real answers hold both.
 */
test("the reference's rows spelled in two cases are one group, holding the answers of both", () => {
  const reference: Reference = {
    file: 'gss.yaml',
    name: 'gss',
    questions: [{ id: 'happy', text: 'Happy?', options: ['yes', 'no'], ordered: false }],
    attributes: ['sex'],
    counts: true,
    rows: [
      { question: 'happy', option: 'yes', count: 30, attributes: { sex: 'Male' } },
      { question: 'happy', option: 'no', count: 10, attributes: { sex: 'male' } },
      { question: 'happy', option: 'yes', count: 20, attributes: { sex: 'female' } },
    ],
  };
  const groups = groupsOf(reference);
  expect(groups.map((group) => group.label)).toEqual(['all', 'sex=Male', 'sex=female']);
  const [question] = reference.questions;
  expect(realAnswers(reference, question!, groups[1]!)).toEqual([30, 10]);
  expect(realAnswers(reference, question!, groups[0]!)).toEqual([50, 10]);
});
