import { describe, expect, test } from 'vitest';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import { studentQuantile } from '../../src/statistics/distributions.js';
import type { SurveyAnswer } from '../../src/survey/ask-agents.js';
import { renderTally, tallyAnswers } from '../../src/survey/tally-answers.js';

function answer(agent: string, extra: Partial<SurveyAnswer>): SurveyAnswer {
  return { agent, model: 'offline', raw: 'text', credits: 0.001, ...extra };
}

describe("the tally under lemming ask's answers", () => {
  test('choices: counts and shares of the answers read, a Wilson interval each, and the unreadable counted apart', () => {
    const answers = [answer('a', { choice: 'yes' }), answer('b', { choice: 'yes' }), answer('c', { choice: 'no' }), answer('d', {}), answer('e', { raw: '', error: 'timeout' })];
    const tally = tallyAnswers({ text: 'Ship?', choices: ['yes', 'no'] }, answers);
    expect(tally).toMatchObject({ asked: 5, read: 3, unreadable: 2 });
    expect(tally.choices?.map((each) => [each.choice, each.count, each.share])).toEqual([
      ['yes', 2, 0.666667],
      ['no', 1, 0.333333],
    ]);
    expect(tally.choices?.[0]?.ci[0]).toBeCloseTo(wilsonInterval(2, 3)[0], 5);
    expect(renderTally(tally)[0]).toMatch(/^tally of 3 answer\(s\) read; 2 could not be read: yes 2 \(0\.666667 \[0\.2\d+, 0\.9\d+\]\), no 1 \(0\.333333 \[/);
  });

  test('numbers: the mean with a t interval', () => {
    const tally = tallyAnswers({ text: 'How busy?', number: true }, [answer('a', { number: 2 }), answer('b', { number: 4 }), answer('c', { number: 6 }), answer('d', {})]);
    const half = studentQuantile(0.975, 2) * (2 / Math.sqrt(3));
    expect(tally).toMatchObject({ asked: 4, read: 3, unreadable: 1, numbers: { mean: 4 } });
    expect(tally.numbers?.ci?.[0]).toBeCloseTo(4 - half, 4);
    expect(renderTally(tally)[0]).toMatch(/^tally of 3 answer\(s\) read; 1 could not be read: mean 4 \[-0\.96\d*, 8\.96\d*\]$/);
  });

  test('free text: only who gave no answer', () => {
    expect(renderTally(tallyAnswers({ text: 'Why?' }, [answer('a', {}), answer('b', { raw: '', error: 'refused' })]))).toEqual(['1 of 2 gave no answer']);
    expect(renderTally(tallyAnswers({ text: 'Why?' }, [answer('a', {})]))).toEqual([]);
  });
});
