import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { blameRun, type BlameReport } from '../../src/blame/blame-run.js';
import { runCalls } from '../../src/blame/candidate-steps.js';
import { blameSimulated, simulatedRun } from '../../src/blame/simulated-run.js';
import type { SearchSettings } from '../../src/blame/search-strategy.js';
import { FAULT_KINDS, faultyRun, holderAt, ringCheck, ringModels, type Fault, type RingSettings } from '../fault-org.js';
import type { BenchContext } from '../context.js';
import type { Row } from '../row.js';

/** Who&When (Zhang et al., ICML 2025): their best method's step-level and agent-level accuracy, read from real-model logs. */
const WHO_AND_WHEN = { step: 14.2, agent: 53.5 };

const percent = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(0)} %`;

interface Tally {
  runs: number;
  step1: number;
  step3: number;
  agent1: number;
  agent3: number;
  forks: number;
  calls: number;
  credits: number;
  /** The original runs' calls and credits, summed: what the forks are set against. */
  originalCalls: number;
  originalCredits: number;
}

const empty = (): Tally => ({ runs: 0, step1: 0, step3: 0, agent1: 0, agent3: 0, forks: 0, calls: 0, credits: 0, originalCalls: 0, originalCredits: 0 });

function score(tally: Tally, report: BlameReport, fault: Fault, original: { calls: number; credits: number }): void {
  const stepRank = report.steps.findIndex((step) => step.turn === fault.turn && step.agent === fault.agent) + 1;
  const agentRank = report.agents.findIndex((agent) => agent.agent === fault.agent) + 1;
  tally.runs += 1;
  if (stepRank === 1) tally.step1 += 1;
  if (stepRank >= 1 && stepRank <= 3) tally.step3 += 1;
  if (agentRank === 1) tally.agent1 += 1;
  if (agentRank >= 1 && agentRank <= 3) tally.agent3 += 1;
  tally.forks += report.spent.forks;
  tally.calls += report.spent.calls;
  tally.credits += report.spent.credits;
  tally.originalCalls += original.calls;
  tally.originalCredits += original.credits;
}

function rows(label: string, tally: Tally): Row[] {
  return [
    { what: `${label}: faulty step first (top-1; top-3 ${percent(tally.step3, tally.runs)}), ${tally.runs} runs; Who&When's best ${WHO_AND_WHEN.step} %`, figure: { count: Math.round((1000 * tally.step1) / tally.runs) / 10, unit: '%' }, target: { text: '≥ 80 %', met: tally.step1 >= 0.8 * tally.runs } },
    { what: `${label}: faulty agent first (top-1; top-3 ${percent(tally.agent3, tally.runs)}); Who&When's best ${WHO_AND_WHEN.agent} %`, figure: { count: Math.round((1000 * tally.agent1) / tally.runs) / 10, unit: '%' }, target: { text: '≥ 90 %', met: tally.agent1 >= 0.9 * tally.runs } },
    {
      what: `${label}: forks a run (${(tally.calls / tally.runs).toFixed(0)} calls and ${(tally.credits / tally.runs).toFixed(4)} credits, ${(tally.calls / tally.originalCalls).toFixed(1)}× and ${(tally.credits / tally.originalCredits).toFixed(1)}× the original run's)`,
      figure: { count: Math.round((10 * tally.forks) / tally.runs) / 10, unit: 'forks' },
    },
  ];
}

/**
 * Blame held to known faults (lemming issue 63). First on simulated runs (src/blame/simulated-run.ts:
 * each step a known chance that changing it makes the run pass), the hard case and others, many seeded
 * trials; then on real forks of ring orgs with a fault injected (bench/fault-org.ts) on a scripted model
 * that repeats a call under its seed (only the culprit's change flips a fork) and on a stochastic one
 * (every changed call checks the note with chance 10 %; the culprit's change puts it right 30 % of the
 * time), across org sizes and run lengths; and a 40-turn ring blamed per step and by bisection.
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

  // Real forks of injected faults.
  const storage = context.storages[0]!;
  const scratch = join(storage.directory, 'blame-faults');
  rmSync(scratch, { recursive: true, force: true });
  const models = [
    { name: 'scripted model that repeats a call', noise: 0, culpritFix: 1, k: 6, budget: 4 },
    { name: 'stochastic scripted model', noise: 0.1, culpritFix: 0.3, k: 20, budget: 20 },
  ];
  const all = empty();
  let seed = 100;
  for (const model of models) {
    const tally = empty();
    for (const [agents, turns] of [[3, 6], [5, 12]] as const) {
      for (const kind of FAULT_KINDS) {
        seed += 1;
        const ring: RingSettings = { agents, turns, seed, noise: model.noise, culpritFix: model.culpritFix };
        const turn = Math.max(2, Math.round((2 * turns) / 3));
        const fault: Fault = { kind, agent: holderAt(turn, agents), turn };
        const root = join(scratch, `${model.noise}-${agents}-${turns}-${kind}`);
        await faultyRun(root, ring, fault);
        const original = runCalls(root).calls;
        const report = await blameRun(root, { check: ringCheck(turns), strategy: 'adaptive', k: model.budget, controls: 3, providerFactory: () => ringModels(ring, fault) });
        score(tally, report, fault, { calls: original.length, credits: original.reduce((sum, call) => sum + call.credits, 0) });
        context.log(`blame-faults: ${model.name}, ${agents} agents, ${turns} turns, ${kind} at turn ${turn} ${fault.agent}: first ${report.steps[0]?.turn} ${report.steps[0]?.agent}, ${report.spent.forks} forks`);
        rmSync(root, { recursive: true, force: true });
      }
    }
    out.push(...rows(`injected faults, ${model.name}, adaptive (budget ${model.budget} changed forks a step, 3 controls for the 3 steps ranked first)`, tally));
    for (const key of Object.keys(all) as Array<keyof Tally>) all[key] += tally[key];
  }
  out.push(...rows('injected faults, every run', all));

  // A 40-turn ring: forking every step against bisection, on the scripted model that repeats a call.
  const long: RingSettings = { agents: 4, turns: 40, seed: 77, noise: 0, culpritFix: 1 };
  const fault: Fault = { kind: 'wrong-value', agent: holderAt(27, 4), turn: 27 };
  const spent: Record<string, number> = {};
  for (const strategy of ['per-step', 'bisect'] as const) {
    const root = join(scratch, `long-${strategy}`);
    await faultyRun(root, long, fault);
    const report = await blameRun(root, { check: ringCheck(40), strategy, k: 2, controls: 2, providerFactory: () => ringModels(long, fault) });
    spent[strategy] = report.spent.forks;
    out.push({ what: `40-turn ring, a wrong value at turn 27, ${strategy} (k = 2, 2 controls): first turn ${report.steps[0]?.turn} ${report.steps[0]?.agent}; ${report.spent.calls} calls`, figure: { count: report.spent.forks, unit: 'forks' } });
    rmSync(root, { recursive: true, force: true });
  }
  out.push({ what: '40-turn ring: bisection\'s forks against forking every step', figure: { ratio: Math.round((1000 * spent.bisect!) / spent['per-step']!) / 1000, of: 'per-step' }, target: { text: '≤ 0.25', met: spent.bisect! <= spent['per-step']! / 4 } });
  rmSync(scratch, { recursive: true, force: true });
  return out;
}
