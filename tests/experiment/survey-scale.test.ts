import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { readTablesFolder } from '../helpers/read-csv.js';
import { defaultOrg } from '../helpers/temp-org.js';

/*
 * A numeric question on a scale, "How sure are you, from 1 to 5?", whose mean cannot leave 1 to 5, asked
 * of the default org's 5 agents on the offline model (which answers on the scale the question names).
 * The 95% t interval over few units reaches past the scale; it is cut at its ends, as every figure with
 * bounds is (src/statistics/figure-range.ts), and says so. Before, `lemming ask` printed
 * `mean 3.8 [2.439825, 5.160175]` and an experiment of 2 runs `[-3.253, 9.453]`.
 */

const QUESTION = 'How sure are you, from 1 to 5?';
/** Student's t at 97.5 %, by degrees of freedom (tables): the raw interval worked out here, apart from lemming's. */
const T975: Record<number, number> = { 1: 12.7062047, 4: 2.7764451 };

function rawInterval(values: readonly number[]): [number, number] {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const sd = Math.sqrt(values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1));
  const half = (T975[values.length - 1] as number) * (sd / Math.sqrt(values.length));
  return [mean - half, mean + half];
}

/** The ends of 1 to 5 an interval reached past. */
function passed([low, high]: [number, number]): number[] {
  return [...(low < 1 ? [1] : []), ...(high > 5 ? [5] : [])];
}

test("lemming ask keeps a numeric question's interval on the scale the question names, and says where it was cut", () => {
  const root = defaultOrg();
  const asked = lemming(root, ['ask', '--all', QUESTION, '--number', '--json']);
  expect(asked.status, asked.stderr).toBe(0);
  const result = JSON.parse(asked.stdout) as { answers: Array<{ number?: number }>; tally: { numbers: { mean: number; ci: [number, number]; cutAt?: number[] } } };
  const numbers = result.answers.map((answer) => answer.number as number);
  expect(numbers).toHaveLength(5);
  for (const number of numbers) expect(number >= 1 && number <= 5).toBe(true);
  const raw = rawInterval(numbers);
  // The planted case: the uncut interval reaches past the scale.
  expect(passed(raw).length).toBeGreaterThan(0);
  const { ci, cutAt } = result.tally.numbers;
  expect(ci[0]).toBeCloseTo(Math.max(1, raw[0]), 5);
  expect(ci[1]).toBeCloseTo(Math.min(5, raw[1]), 5);
  expect(cutAt).toEqual(passed(raw));
  const plain = lemming(root, ['ask', '--all', QUESTION, '--number']);
  expect(plain.stdout).toContain(`[${ci[0]}, ${ci[1]}] (cut at ${passed(raw).join(' and ')})`);
});

test("an experiment's survey keeps a numeric question's interval over its runs on the question's scale: report.md, survey.csv", async () => {
  const root = defaultOrg();
  writeFileSync(
    join(root, 'busy.yaml'),
    ['name: busy', 'turns: 1', 'repeats: 2', 'messages:', '  - { to: manager, subject: Plan, body: Please plan the release. }', 'survey:', `  - question: ${QUESTION}`, '    number: true', 'variants:', '  - name: baseline', ''].join('\n'),
  );
  const tables = join(root, 'tables');
  const run = await lemmingAsync(root, ['experiment', join(root, 'busy.yaml'), '--plain', '--csv', tables]);
  expect(run.status, run.stderr).toBe(0);
  const runMeans = ['baseline-r1', 'baseline-r2'].map((name) => {
    const [asked] = JSON.parse(readFileSync(join(root, 'experiments/busy', name, 'experiment-survey.json'), 'utf8')) as Array<{ answers: Array<{ number: number }> }>;
    const numbers = asked!.answers.map((answer) => answer.number);
    return numbers.reduce((sum, value) => sum + value, 0) / numbers.length;
  });
  const raw = rawInterval(runMeans);
  expect(passed(raw).length).toBeGreaterThan(0);

  const [row] = readTablesFolder(tables).survey ?? [];
  expect(Number(row?.ci_low)).toBeCloseTo(Math.max(1, raw[0]), 9);
  expect(Number(row?.ci_high)).toBeCloseTo(Math.min(5, raw[1]), 9);
  expect(row?.cut_at).toBe(passed(raw).join(' '));
  const report = readFileSync(join(root, 'experiments/busy/report.md'), 'utf8');
  expect(report).toMatch(new RegExp(`\\| baseline \\| 10 \\| [0-9.]+ \\| [0-9.]+ \\| \\[[0-9.]+, [0-9.]+\\] \\(cut at ${passed(raw).join(' and ')}\\) \\| 2 runs \\(t\\) \\|`));
}, 300_000);
