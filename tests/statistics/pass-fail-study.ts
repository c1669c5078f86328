import type { Experiment } from '../../src/experiment/experiment-file.js';
import type { RunMetrics } from '../../src/experiment/run-metrics.js';

/** A study of a baseline and a changed variant, a run each pass (1) or fail (0) of one check, on seeds 7, 8, …. */
export function passFailStudy(passes: Record<'baseline' | 'changed', readonly number[]>): { runs: RunMetrics[]; experiment: Experiment } {
  const runs: RunMetrics[] = Object.entries(passes).flatMap(([variant, passed]) =>
    passed.map((pass, index) => ({ run: `${variant}-r${index + 1}`, variant, credits: 1 + index, messages: 3 + index, refusals: 0, humanAnswer: null, outcome: { seed: 7 + index, checks: [{ name: 'answered', passed: pass === 1, score: null, exitCode: 1 - pass, output: '' }] } }) as unknown as RunMetrics),
  );
  const experiment = { name: 'planted', variants: ['baseline', 'changed'].map((name) => ({ name, outcome: { seed: 7, checks: [] } })) } as unknown as Experiment;
  return { runs, experiment };
}
