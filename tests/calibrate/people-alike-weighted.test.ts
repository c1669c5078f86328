import { describe, expect, test } from 'vitest';
import { scorePerson, summarisePeople, type HeldOutAnswer, type PersonScore } from '../../src/calibrate/individual-statistics.js';
import { peopleRows } from '../../src/calibrate/render-people.js';
import { kishEffectiveSize } from '../../src/statistics/effective-size.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';

/*
 * calibrate --people's ratios (the weighted accuracy; accuracy over the people's own retest) with every
 * person alike: each person's residual is 0, and the interval has no width. Whether they are alike was
 * read from the interval's ends being equal; with unequal weights rounding leaves them 2e-16 apart, and
 * the report printed `0.700 [0.700, 0.700]`, a figure known exactly. It is read from the people's own
 * values (allAlike, statistics/runs-interval.ts), as every other figure's, and allAlike takes values
 * equal up to rounding as alike: each person's accuracy less their floor, one question of five above
 * it, is 0.2 but three different numbers in floating point, and printed `0.200 [0.200, 0.200]`.
 */

const WEIGHTS = [1.3, 0.7, 2.1, 0.9, 1.0];

function person(index: number, weight: number, accuracy: number): PersonScore {
  return {
    person: `p${index}`,
    weight,
    heldOut: 10,
    accuracy,
    modelRetest: 1,
    floor: 0.5,
    chance: 1 / 3,
    commonest: 0.5,
    unreadable: 0,
  };
}

function row(rows: Array<[string, string]>, label: string): string {
  return rows.find(([each]) => each.startsWith(label))![1];
}

describe('calibrate --people: people all alike on a weighted figure or a ratio get no interval of no width', () => {
  test('five people of unequal weight who each answered 7 of 10 as their person did: the weighted accuracy is the Wilson interval at their effective size, said', () => {
    const summary = summarisePeople(WEIGHTS.map((weight, index) => person(index, weight, 0.7)));
    const effective = kishEffectiveSize(WEIGHTS);
    const [low, high] = wilsonInterval(0.7 * effective, effective);
    const printed = row(peopleRows(summary, 'weight'), 'accuracy, weighted');
    expect(printed).toBe(`0.700 [${low.toFixed(3)}, ${high.toFixed(3)}] (n = 5, effective ${Math.round(effective)}; every person alike: Wilson interval)`);
    expect(summary.accuracyWeighted).toMatchObject({ alike: true });
    expect(summary.accuracyWeighted.interval[0]).toBeCloseTo(low, 9);
    expect(summary.accuracyWeighted.interval[1]).toBeCloseTo(high, 9);
  });

  test("five people each answering as their agent did 7 in 10 times their own retest agrees, at different retests: normalised and its per-person form, ratios with no upper bound, have none, said", () => {
    // Of `asked` questions asked again, the person agreed with themselves on `agreed`, and their agent answered as they did on `right` (7 in 10 of `agreed`).
    const people = [
      { asked: 10, agreed: 10, right: 7 },
      { asked: 12, agreed: 10, right: 7 },
      { asked: 30, agreed: 10, right: 7 },
      { asked: 25, agreed: 20, right: 14 },
      { asked: 39, agreed: 10, right: 7 },
    ].map(({ asked, agreed, right }, index) =>
      scorePerson(
        `p${index}`,
        1,
        Array.from({ length: asked }, (_, question): HeldOutAnswer => ({ question: `q${question}`, truth: 'a', options: 3, first: question < right ? 'a' : 'b', second: 'a', floor: 'b', retest: question < agreed ? 'a' : 'b' })),
      ),
    );
    const summary = summarisePeople(people);
    const rows = peopleRows(summary, 'weight');
    expect(row(rows, 'normalised:')).toBe('0.700 (every person alike (n=5): no interval from the people)');
    expect(row(rows, 'normalised, person by person')).toBe('0.700 (every person alike (n=5): no interval from the people)');
    expect(summary.normalised).toMatchObject({ alike: true });
    expect(summary.normalisedPerPerson).toMatchObject({ alike: true });
  });

  test('five people whose agent answered one question of five more as they did than their floor did: accuracy − floor is 0.2 for each, its Wilson interval on −1 to 1, not [0.200, 0.200]', () => {
    // 3/5 − 2/5, 2/5 − 1/5, 4/5 − 3/5, 1 − 4/5, 1/5 − 0: each 0.2, in floating point 0.19999999999999996, 0.2 or 0.20000000000000007.
    const right = [3, 2, 4, 5, 1];
    const summary = summarisePeople(right.map((each, index) => ({ ...person(index, 1, each / 5), heldOut: 5, floor: (each - 1) / 5 })));
    // 0.2 on −1 to 1 is 0.6 of the way: the Wilson interval of 3 in 5.
    const [low, high] = wilsonInterval(3, 5);
    expect(row(peopleRows(summary, 'weight'), 'accuracy − floor')).toBe(`0.200 [${(2 * low - 1).toFixed(3)}, ${(2 * high - 1).toFixed(3)}] (n = 5; every person alike: Wilson interval)`);
    expect(summary.overFloor).toMatchObject({ alike: true });
  });
});
