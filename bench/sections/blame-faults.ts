import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { blameRun } from '../../src/blame/blame-run.js';
import { runCalls } from '../../src/blame/candidate-steps.js';
import { blameSimulated, simulatedRun } from '../../src/blame/simulated-run.js';
import type { SearchSettings } from '../../src/blame/search-strategy.js';
import { faultyRun, ringCheck, ringModels, type Fault, type RingSettings } from '../fault-org.js';
import { wilsonInterval } from '../../src/statistics/proportions.js';
import type { BenchContext } from '../context.js';
import type { Row } from '../row.js';

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(0)} %`;

/**
 * Runs with no culprit: every changed fork and every control passing at the same rate, 50 steps, 200
 * seeded runs a row. How often the step ranked first is called an `effect` (a false one: no step has
 * one), by the verdict (its p adjusted for the steps tested) and by the p alone below 5 %, as verdicts
 * were read before (lemming issue 74), with Wilson's interval over the runs.
 */
async function falseEffects(): Promise<Row[]> {
  const rows: Row[] = [];
  const trials = 200;
  for (const [strategy, k, rate] of [['per-step', 10, 0.3], ['per-step', 20, 0.1], ['per-step', 20, 0.3], ['per-step', 20, 0.5], ['adaptive', 20, 0.3]] as const) {
    let called = 0;
    let any = 0;
    let unadjusted = 0;
    for (let trial = 0; trial < trials; trial += 1) {
      const run = simulatedRun({ steps: 50, agents: 5, culprit: 0, culpritFlip: rate, noise: rate, control: rate });
      const found = await blameSimulated(run, { strategy, k, controls: strategy === 'adaptive' ? 10 : k, confidence: 0.95, budget: 50 * k, firstPass: 3 }, 1000 * k + trial + 1);
      const top = found.steps[0]!;
      if (top.verdict === 'effect') called += 1;
      if (found.steps.some((step) => step.verdict === 'effect')) any += 1;
      if ((top.effect ?? 0) > 0 && (top.p ?? 1) < 0.05) unadjusted += 1;
    }
    const [low, high] = wilsonInterval(called, trials);
    const [lowBefore, highBefore] = wilsonInterval(unadjusted, trials);
    rows.push({
      what: `no culprit, ${strategy}${strategy === 'per-step' ? ` (the default), k = ${k} and ${k} controls a step` : `, a budget of ${k} changed forks a step and 10 controls for each of the 3 steps ranked first`}: 50 steps, every fork and control passing ${rate * 100} %, ${trials} runs: the step ranked first called an effect, Wilson [${(100 * low).toFixed(1)}, ${(100 * high).toFixed(1)}] % (any step: ${percent(any, trials)}; by its p alone below 5 %, unadjusted, as before: ${percent(unadjusted, trials)} [${(100 * lowBefore).toFixed(1)}, ${(100 * highBefore).toFixed(1)}] %)`,
      figure: { count: Math.round((1000 * called) / trials) / 10, unit: '%' },
      target: { text: '≤ 5 %', met: called <= 0.05 * trials },
    });
  }
  return rows;
}

/**
 * Blame held to known faults on simulated runs (src/blame/simulated-run.ts: each step a known chance
 * that changing it makes the run pass; lemming issues 63 and 74): the culprit found among many steps,
 * adaptive against per-step, bisection's forks; how often the step ranked first is called an effect on
 * runs with no culprit at all (the verdicts' p adjusted for the steps tested, against the p unadjusted);
 * and a 40-turn ring (bench/fault-org.ts) blamed per step and by bisection. The injected faults on real
 * forks, beside log-reading baselines, are the section blame-injected.
 */
export async function blameFaults(context: BenchContext): Promise<Row[]> {
  const out: Row[] = [];
  // Simulated runs: adaptive against per-step at the same budget of changed forks.
  for (const shape of [
    { steps: 50, agents: 5, culpritFlip: 0.3, noise: 0.1, control: 0.1, k: 20 },
    { steps: 50, agents: 10, culpritFlip: 0.3, noise: 0.1, control: 0, k: 20 },
    { steps: 20, agents: 3, culpritFlip: 0.3, noise: 0.1, control: 0.1, k: 20 },
    { steps: 50, agents: 5, culpritFlip: 0.5, noise: 0.05, control: 0.05, k: 6 },
  ]) {
    for (const strategy of ['adaptive', 'per-step'] as const) {
      const settings: SearchSettings = { strategy, k: shape.k, controls: strategy === 'adaptive' ? 10 : 0, confidence: 0.95, budget: shape.steps * shape.k, firstPass: 3 };
      let step1 = 0;
      let agent1 = 0;
      let forks = 0;
      const trials = 200;
      for (let trial = 0; trial < trials; trial += 1) {
        const run = simulatedRun({ ...shape, culprit: (trial * 7) % shape.steps });
        const found = await blameSimulated(run, settings, trial + 1);
        if (found.stepRank === 1) step1 += 1;
        if (found.agentRank === 1) agent1 += 1;
        forks += found.forks;
      }
      const what = `simulated, ${strategy}: ${shape.steps} steps of ${shape.agents} agents, the culprit flipping ${shape.culpritFlip * 100} % and the others ${shape.noise * 100} %, controls passing ${shape.control * 100} %; ${trials} trials, ${(forks / trials).toFixed(0)} forks a run (${shape.k} changed a step's worth${strategy === 'adaptive' ? ' and 10 controls for each of the 3 steps ranked first' : ''})`;
      out.push({ what: `${what}: faulty step first (agent first ${percent(agent1, trials)})`, figure: { count: Math.round((1000 * step1) / trials) / 10, unit: '%' }, ...(strategy === 'adaptive' && shape.k === 20 ? { target: { text: '≥ 80 %', met: step1 >= 0.8 * trials } } : {}) });
    }
  }
  for (const [flip, noise] of [[0.9, 0.01], [0.6, 0.01], [0.9, 0.03]] as const) {
    let step1 = 0;
    let forks = 0;
    let fellBack = 0;
    const trials = 200;
    for (let trial = 0; trial < trials; trial += 1) {
      const run = simulatedRun({ steps: 40, agents: 4, culprit: (trial * 7) % 40, culpritFlip: flip, noise, control: 0 });
      const found = await blameSimulated(run, { strategy: 'bisect', k: 6, controls: 6, confidence: 0.95, budget: 0, firstPass: 0 }, trial + 1);
      if (found.stepRank === 1) step1 += 1;
      if (found.record.ran === 'per-step') fellBack += 1;
      forks += found.forks;
    }
    out.push({ what: `simulated, bisect: 40 turns, the culprit flipping ${flip * 100} % and the others ${noise * 100} %, k = 6 and 6 controls; ${trials} trials, faulty step first ${percent(step1, trials)}, ${fellBack} fell back to per-step: forks a run against per-step's 480`, figure: { ratio: Math.round((1000 * forks) / trials / 480) / 1000, of: 'per-step' }, target: { text: '≤ 0.25', met: forks / trials <= 120 } });
  }

  out.push(...(await falseEffects()));

  const storage = context.storages[0]!;
  const scratch = join(storage.directory, 'blame-faults');
  rmSync(scratch, { recursive: true, force: true });
  // A 40-turn ring: forking every step against bisection, on the scripted model that repeats a call.
  const long: RingSettings = { agents: 4, lanes: 1, turns: 40, seed: 77, noise: 0, culpritFix: 1 };
  const clean = join(scratch, 'long-clean');
  await faultyRun(clean, long);
  const fault: Fault = { kind: 'wrong-value', agent: runCalls(clean).calls.find((call) => call.turn === 27)!.agent, turn: 27, fixedBy: 'reseed' };
  const spent: Record<string, number> = {};
  for (const strategy of ['per-step', 'bisect'] as const) {
    const root = join(scratch, `long-${strategy}`);
    await faultyRun(root, long, fault);
    const report = await blameRun(root, { check: ringCheck(long), strategy, k: 2, controls: 2, providerFactory: () => ringModels(long, fault) });
    spent[strategy] = report.spent.forks;
    // The row fails when blame names another step first: a figure of forks alone could not.
    const first = report.steps[0];
    out.push({ what: `40-turn ring, a wrong value at turn 27, ${strategy} (k = 2, 2 controls): first turn ${first?.turn} ${first?.agent}; ${report.spent.calls} calls`, figure: { count: report.spent.forks, unit: 'forks' }, target: { text: `turn 27 ${fault.agent} first`, met: first?.turn === fault.turn && first.agent === fault.agent } });
    rmSync(root, { recursive: true, force: true });
  }
  out.push({ what: '40-turn ring: bisection\'s forks against forking every step', figure: { ratio: Math.round((1000 * spent.bisect!) / spent['per-step']!) / 1000, of: 'per-step' }, target: { text: '≤ 0.25', met: spent.bisect! <= spent['per-step']! / 4 } });
  rmSync(scratch, { recursive: true, force: true });
  return out;
}
