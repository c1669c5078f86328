import { expect, test } from 'vitest';
import type { Experiment } from '../../src/experiment/experiment-file.js';
import { personaTables, renderPersonas } from '../../src/experiment/personas/persona-report.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';

/*
 * Two runs of a persona study, their messages judged on a scale of 10: every message of the first run
 * scores 10, every one of the second 6 (planted). Adherence is 8, and its t interval over the 2 runs,
 * 8 ± 12.706 × 2, reaches past both ends of the scale; it is kept on it by the one rule of every
 * figure with bounds (src/statistics/figure-range.ts), and report.md says where it was cut, as an
 * experiment's metrics do. Before, report.md printed `[0, 10]` and did not say it had been cut, and the
 * cut was a copy of the rule of its own.
 */
const experiment: Experiment = {
  file: 'study.yaml',
  name: 'study',
  parallel: 1,
  survey: [],
  personas: { judge: 'offline', scale: 10, maxMessages: 1000 },
  variants: [{ name: 'baseline', messages: [], repeats: 2, outcome: { seed: 5, checks: [] }, interventions: [] }],
} as unknown as Experiment;

function run(name: string, score: number): RunMetrics {
  const judged = ['agent_00001', 'agent_00002', 'agent_00003'].flatMap((agent, index) => [1, 2].map((turn) => ({ id: `${turn}-${agent}`, agent, turn, score, reason: `${index}` })));
  return { run: name, variant: 'baseline', personas: { adherence: { model: 'offline', scale: 10, written: judged.length, judged }, consistency: [] } } as unknown as RunMetrics;
}

test("a persona study's adherence keeps its interval on the judge's scale and says where it was cut", () => {
  const tables = personaTables(experiment, [run('baseline-r1', 10), run('baseline-r2', 6)]);
  const [cell] = tables.adherence?.variants ?? [];
  expect([cell?.mean, cell?.ci, cell?.cutAt]).toEqual([8, [0, 10], [0, 10]]);
  expect(renderPersonas(tables).join('\n')).toContain('| baseline | 12 | 12 | 3 | 2 | 8 | [0, 10] (cut at 0 and 10) |');
});
