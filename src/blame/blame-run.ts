import { sumCredits } from '../engine/money/credit-sum.js';
import { answeredInLedger, answeredInOrg, reportProvenance, type Provenance } from '../provenance/report-provenance.js';
import { orgSettings } from '../provenance/org-settings.js';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { runChecks } from '../experiment/run-checks.js';
import type { CheckSetting } from '../experiment/outcome-settings.js';
import { listHistory } from '../history/read-history.js';
import { loadOrg } from '../org/load-org-once.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { Org } from '../org/org.js';
import { defaultProviderFactory, type ProviderFactory } from '../providers/create-provider.js';
import { removeTemporaryFolder, sweepTemporaryFolders, temporaryFolder } from '../storage/temporary-files.js';
import { makeReportFolder, requireWritableFolder, writeReports } from '../storage/named-destination.js';
import type { ForkChange } from './blame-fork.js';
import { takesSeed } from '../org/model-entry-schema.js';
import { callRepeatability, type CallRepeatability } from './call-repeatability.js';
import { estimateBlame, plannedFork, probeFork, type BlameEstimate } from './blame-plan.js';
import { checkedCeiling, CreditCeiling, forkWorstCase, type ForkLimits } from './blame-ceiling.js';
import { runBounds, type RunBounds } from '../experiment/run-bounds.js';
import { rankBlame, type AgentBlame, type ForkOutcome, type StepBlame } from './blame-ranking.js';
import { candidateSteps, type CandidateStep } from './candidate-steps.js';
import { blameTables } from './blame-tables.js';
import { tablesFolder } from '../tables/tables-folder.js';
import { writeTables } from '../tables/write-tables.js';
import { fromWorkingFolder } from '../invocation.js';
import { ForkRunner, type ForkJob } from './fork-runner.js';
import { searchSteps, STRATEGIES, type SearchRecord, type SearchSettings, type Strategy } from './search-strategy.js';
import { strategyWorstCase, type StrategyWorstCase } from './strategy-worst-case.js';
import { estimateLine, renderBlame, strategyLine, worstCaseLine } from './render-blame.js';

/** What `lemming blame` (and an experiment's `blame:`) is asked. */
export interface BlameOptions {
  /** The check the run failed: its name and command (an experiment's `checks:` entry). */
  check: CheckSetting;
  /** Forks per step (default 3). */
  k?: number;
  /**
   * Control forks per step (default: k): the call re-run as the run made it (its own model and seed), so a
   * step's pass rate is read against how often the run passes by its own noise. 0 runs none, and the report says so.
   */
  controls?: number;
  /** Only the calls on the path of the person's requests (candidate-steps.ts), not every call from turn 1. */
  path?: boolean;
  /** The seed the tries' seeds are drawn from (default 1). */
  seed?: number;
  /** A registry key: re-run each step on this model (a repair model) rather than on the agent's own with another seed. */
  model?: string;
  /** The most turns a fork runs after its step's turn, within the run's own bounds (default: as many as those allow). */
  turns?: number;
  /** The most credits the forks may spend together (default: the plan's worst case): a fork whose worst case could pass it is not started. */
  maxCredits?: number;
  /** Forks run at once (default 1). */
  parallel?: number;
  /** Say what it would cost, fork nothing. */
  dryRun?: boolean;
  /** How the forks are spent (search-strategy.ts): `per-step` (default), `adaptive` or `bisect`. */
  strategy?: Strategy;
  /** The confidence of adaptive allocation's intervals (default 0.95). */
  confidence?: number;
  /** Adaptive: the most changed forks in all (default: steps × k, what per-step spends on them). */
  budget?: number;
  /** Adaptive: the changed forks each step gets first (default: k, at most 3). */
  firstPass?: number;
  /** Where the forks and the report go (default: `<run>/blame/<check>`). */
  folder?: string;
  /** The models a fork runs on, given the fork's root (default: lemming's own, keys from the run's environment and `.env`). */
  providerFactory?: (fork: string) => ProviderFactory;
  log?: (line: string) => void;
  /** Also write the ranking's tables as CSV into this folder, with their dictionary (blame-tables.ts). */
  csv?: string;
}

/** What blame found (report.json), or, with `dryRun`, what it would cost. */
export interface BlameReport {
  run: string;
  check: CheckSetting;
  folder: string;
  k: number;
  /** Control forks per step: the call re-run as it was (0: none, and the ranking is by pass rate alone). */
  controls: number;
  strategy: Strategy;
  /** The confidence of the intervals adaptive allocation reads. */
  confidence: number;
  /** Adaptive: the most changed forks, and the first pass's forks a step. */
  budget?: number;
  firstPass?: number;
  /** What the strategy did: where adaptive stopped, bisection's probes and the turn it found or why it fell back. Absent on a dry run. */
  search?: SearchRecord;
  /** How far each model the steps' calls ran on can repeat a call: what its controls measure. */
  repeatability: CallRepeatability[];
  seed: number;
  path: boolean;
  model?: string;
  estimate: BlameEstimate;
  /** The turns the run was allowed (its experiment's `turns:`, else its `engine.max_turns`): no fork runs past `lastTurn`. */
  bounds: RunBounds;
  /** The most the forks planned can make and be charged, every agent called each turn to the bound at its models' limits. */
  worstCase: StrategyWorstCase;
  /** What the forks may spend together: `--max-credits` (given), else the worst case. */
  ceiling: { credits: number; given: boolean };
  /** Forks not started because their worst case could have taken the spending past the ceiling (their folder names). */
  notRun: string[];
  /** The steps ranked, most to blame first (empty on a dry run). */
  steps: StepBlame[];
  agents: AgentBlame[];
  forks: ForkOutcome[];
  /** Bisection's probes: forks with every call from a turn on changed (agent and model `*`), not a step's. */
  probes: ForkOutcome[];
  /** What the forks spent: their own turns only. */
  spent: { forks: number; calls: number; credits: number; sharedCalls: number };
  dryRun: boolean;
  /** What made it: lemming's version and the model of each agent that answered, in the run and in its forks (src/provenance/). Absent on a dry run. */
  provenance?: Provenance;
}

export { FORK_RESULT } from './fork-runner.js';

/** The history must hold the turn before the earliest step: blame forks from it. */
function requireHistory(run: string, steps: readonly CandidateStep[]): void {
  let turns: Set<number>;
  try {
    turns = new Set(listHistory(run).map((entry) => entry.turn));
  } catch (error) {
    if (error instanceof LemmingError && error.code === 'no-history') {
      throw new LemmingError('blame-no-history', `${run} keeps no history, so blame cannot fork it before its steps: add the line \`history: { keep: true }\` to its org/org.yaml and run it again from the start (docs/history.md)`, { exitCode: EXIT.usage });
    }
    throw error;
  }
  const missing = [...new Set(steps.map((step) => step.turn - 1))].filter((turn) => !turns.has(turn));
  if (missing.length > 0) {
    throw new LemmingError('blame-no-history', `${run}/org/state/history.git holds no entry for turn ${missing.join(', ')}, which blame forks from; it holds turns ${[...turns].sort((a, b) => a - b).join(', ')}: give --path, or blame a run whose history keeps every turn from turn 0`, { exitCode: EXIT.usage });
  }
}

/**
 * The model the run's call of a step ran on: the registry key its ledger charged it to, where the registry
 * still has it; else the agent's model now. Not the agent's model now first: an intervention or an edit
 * may have moved it since (a call before the move ran on the model it had then).
 */
function ownModelOf(org: Org, step: CandidateStep, ranOn: ReadonlyMap<string, string>): string | undefined {
  const charged = ranOn.get(`${step.turn} ${step.agent}`);
  return charged !== undefined && org.models[charged] !== undefined ? charged : org.agents.get(step.agent)?.models[0];
}

/** The model a step's call runs on in its forks, checked: a registry key, and one that takes a seed unless it is a named repair model. */
function changeOf(org: Org, step: CandidateStep, repair: string | undefined, ranOn: ReadonlyMap<string, string>): Omit<ForkChange, 'seed' | 'step'> {
  if (!org.agents.get(step.agent)) throw new LemmingError('blame-invalid', `agent ${JSON.stringify(step.agent)} was called in turn ${step.turn} but is no longer in ${org.root}/agents/`, { exitCode: EXIT.usage });
  const model = repair ?? ownModelOf(org, step, ranOn);
  const entry = model === undefined ? undefined : org.models[model];
  if (model === undefined || !entry) {
    const where = repair === undefined ? `agents/${step.agent}/resume.md: model` : '--model';
    throw new LemmingError('blame-invalid', `${where}: ${JSON.stringify(model ?? '')} is not in ${org.root}/org/org.yaml models; use one of ${Object.keys(org.models).join(', ')}`, { exitCode: EXIT.usage });
  }
  const seeded = takesSeed(entry.provider);
  if (!seeded && repair === undefined) {
    throw new LemmingError(
      'blame-invalid',
      `${org.root}/agents/${step.agent}/resume.md: model ${JSON.stringify(model)} (provider ${entry.provider}) takes no seed, so its call cannot be re-run with another seed; name a repair model with --model, one of ${Object.keys(org.models).join(', ')}`,
      { exitCode: EXIT.usage },
    );
  }
  return { model, seeded };
}

/** A control of a step: the model the run's call ran on (its seed, if it takes one). */
function controlOf(org: Org, step: CandidateStep, ranOn: ReadonlyMap<string, string>): Omit<ForkChange, 'seed' | 'step'> {
  const model = ownModelOf(org, step, ranOn) ?? '';
  const entry = org.models[model];
  return { model, seeded: entry !== undefined && takesSeed(entry.provider) };
}

/** A strategy must be one blame has. */
function checkedStrategy(strategy: string): Strategy {
  if (!(STRATEGIES as readonly string[]).includes(strategy)) throw new LemmingError('blame-invalid', `strategy: ${JSON.stringify(strategy)} is no strategy of blame's; use one of ${STRATEGIES.join(', ')}, for example --strategy adaptive`, { exitCode: EXIT.usage });
  return strategy as Strategy;
}

/** A confidence is a share strictly between 0.5 and 1. */
function checkedConfidence(confidence: number): number {
  if (!Number.isFinite(confidence) || confidence <= 0.5 || confidence >= 1) throw new LemmingError('blame-invalid', `confidence: ${confidence} is no confidence level; give a share above 0.5 and below 1, for example --confidence 0.95`, { exitCode: EXIT.usage });
  return confidence;
}

/** A count of forks of at least `least`. */
function checkedCount(field: string, count: number, least: number): number {
  if (!Number.isInteger(count) || count < least) throw new LemmingError('blame-invalid', `${field}: ${count} is no number of forks; give a whole number, ${least} or more, for example ${least + 2}`, { exitCode: EXIT.usage });
  return count;
}

/** A control must be a whole number of forks, 0 or more. */
function checkedControls(controls: number): number {
  if (!Number.isInteger(controls) || controls < 0) throw new LemmingError('blame-invalid', `controls: ${controls} is no number of control forks; give a whole number, 0 or more, for example --controls 3 (0 runs none)`, { exitCode: EXIT.usage });
  return controls;
}

/**
 * Blame a failed run: fork it before each candidate step, re-run that one call with other seeds (or a
 * repair model) k times and as it was (its own model and seed) `controls` times, run each fork to the
 * end, run the check, and rank the steps by how much more often the change made the run pass than the
 * control did (Fisher's exact p beside it), and the agents by their best step. Every fork is an ordinary org under the blame's folder; the
 * turns before a step are copied from the history, never run again.
 */
export async function blameRun(runRoot: string, options: BlameOptions): Promise<BlameReport> {
  const run = fromWorkingFolder(runRoot);
  requireOrgRoot(run);
  const k = options.k ?? 3;
  const controls = checkedControls(options.controls ?? k);
  const seed = options.seed ?? 1;
  const path = options.path ?? false;
  const log = options.log ?? (() => undefined);
  // --out as a person gave it, from the working folder, as --root and every path the library is given (invocation.ts).
  const folder = options.folder === undefined ? join(run, 'blame', options.check.name) : fromWorkingFolder(options.folder);
  if (options.folder !== undefined) requireWritableFolder('--out', folder, 'reports');
  // Checked before any fork: the tables are written once the forks are done.
  const csv = options.csv === undefined ? undefined : tablesFolder(options.csv);
  const org = loadOrg(run).org;
  const { steps, run: calls } = candidateSteps(run, org, { path });
  if (steps.length === 0) throw new LemmingError('blame-invalid', `${run}: no agent call to blame${path ? ' on the path of the person\'s requests' : ''}: its ledger charges no call from turn 1`, { exitCode: EXIT.usage });
  requireHistory(run, steps);
  const ranOn = new Map(calls.calls.map((call) => [`${call.turn} ${call.agent}`, call.model]));
  const changes = new Map(steps.map((step) => [`${step.turn} ${step.agent}`, changeOf(org, step, options.model, ranOn)]));
  const originalSeed = (step: CandidateStep): number | undefined => (options.model === undefined ? org.models[changes.get(`${step.turn} ${step.agent}`)!.model]?.seed : undefined);
  const controlChanges = new Map(steps.map((step) => [`${step.turn} ${step.agent}`, controlOf(org, step, ranOn)]));
  const changeFor = (fork: { turn: number; agent: string; control: boolean }) => (fork.control ? controlChanges : changes).get(`${fork.turn} ${fork.agent}`)!;
  const ownSeed = (step: CandidateStep): number | undefined => org.models[controlChanges.get(`${step.turn} ${step.agent}`)!.model]?.seed;
  const strategy = checkedStrategy(options.strategy ?? 'per-step');
  const confidence = checkedConfidence(options.confidence ?? 0.95);
  const search: SearchSettings = {
    strategy,
    k,
    controls,
    confidence,
    budget: checkedCount('budget', options.budget ?? steps.length * k, 1),
    firstPass: checkedCount('firstPass', options.firstPass ?? Math.min(3, k), 1),
  };
  const estimate = estimateBlame(steps, k, calls, controls);
  const ownModels = [...new Set([...controlChanges.values()].map((change) => change.model))];
  const repeatability = ownModels.flatMap((model) => (org.models[model] ? [callRepeatability(model, org.models[model])] : []));
  const bounds = runBounds(run, org, calls.lastTurn);
  const lastTurnOf = (turn: number): number => (options.turns === undefined ? bounds.lastTurn : Math.min(bounds.lastTurn, turn + options.turns));
  const limitsOf = (step: CandidateStep, control: boolean): ForkLimits => ({ step: { turn: step.turn, agent: step.agent }, lastTurn: lastTurnOf(step.turn), model: changeFor({ ...step, control }).model });
  const worstCase = strategyWorstCase(org, steps, search, limitsOf);
  const ceiling = { credits: options.maxCredits === undefined ? worstCase.credits : checkedCeiling(options.maxCredits), given: options.maxCredits !== undefined };
  const report: BlameReport = {
    run,
    check: options.check,
    folder,
    k,
    controls,
    strategy,
    confidence,
    ...(strategy === 'adaptive' ? { budget: search.budget, firstPass: search.firstPass } : {}),
    repeatability,
    seed,
    path,
    ...(options.model === undefined ? {} : { model: options.model }),
    estimate,
    bounds,
    worstCase,
    ceiling,
    notRun: [],
    steps: [],
    agents: [],
    forks: [],
    probes: [],
    spent: { forks: 0, calls: 0, credits: 0, sharedCalls: 0 },
    dryRun: options.dryRun ?? false,
  };
  const [original] = await runChecks(run, [options.check]);
  if (original?.passed) {
    throw new LemmingError('blame-passed', `${run} passes check ${JSON.stringify(options.check.name)} (exit ${original.exitCode}): blame looks for the step that made a run fail; give a run that fails it`, { exitCode: EXIT.usage });
  }
  if (options.dryRun) return report;

  log(`${run} fails check ${options.check.name}. ${strategy === 'per-step' ? estimateLine(report) : strategyLine(report)}`);
  log(worstCaseLine(report));
  makeReportFolder(folder, options.folder === undefined ? undefined : '--out');
  sweepTemporaryFolders('blame');
  const scratch = temporaryFolder('blame');
  const runner = new ForkRunner({
    run,
    folder,
    check: options.check,
    scratch,
    parallel: options.parallel ?? 1,
    spending: new CreditCeiling(ceiling.credits),
    providerFactory: options.providerFactory ?? (() => defaultProviderFactory(run)),
    log,
  });
  // The n-th fork or control of a step is the same fork however the strategy came to ask for it.
  const attempts = new Map<string, number>();
  const stepJob = (index: number, control: boolean): ForkJob => {
    const step = steps[index]!;
    const key = `${step.turn} ${step.agent} ${control}`;
    const attempt = (attempts.get(key) ?? 0) + 1;
    attempts.set(key, attempt);
    const fork = plannedFork(step, attempt, control, seed, originalSeed, ownSeed);
    const change: ForkChange = { step: { turn: fork.turn, agent: fork.agent }, ...(fork.seed === undefined ? {} : { seed: fork.seed }), ...changeFor(fork) };
    const limits = limitsOf(step, control);
    return {
      fork: fork.fork,
      turn: step.turn,
      worst: forkWorstCase(org, limits).credits,
      lastTurn: limits.lastTurn,
      make: { kind: 'step', change },
      describe: { turn: step.turn, agent: step.agent, fork: fork.fork, ...(fork.seed === undefined ? {} : { seed: fork.seed }), model: change.model, control },
    };
  };
  let record: SearchRecord;
  try {
    record = await searchSteps(steps, search, {
      fork: async (allocated) => {
        const outcomes = await runner.runAll(allocated.map((each) => stepJob(each.step, each.control)));
        report.forks.push(...outcomes.flatMap((outcome) => outcome ?? []));
        return outcomes.map((outcome) => outcome?.passed);
      },
      probe: async (turn, count) => {
        const earliest = steps.find((step) => step.turn === turn) ?? steps[0]!;
        const limits = limitsOf(earliest, true);
        const jobs = Array.from({ length: count }, (_, index): ForkJob => {
          const fork = probeFork(turn, index + 1, seed);
          return { fork: fork.fork, turn, worst: forkWorstCase(org, limits).credits, lastTurn: limits.lastTurn, make: { kind: 'from', seed: fork.seed }, describe: { turn, agent: '*', fork: fork.fork, seed: fork.seed, model: '*', control: false } };
        });
        const outcomes = (await runner.runAll(jobs)).flatMap((outcome) => outcome ?? []);
        report.probes.push(...outcomes);
        return { turn, forks: outcomes.length, passed: outcomes.filter((outcome) => outcome.passed).length };
      },
    });
  } finally {
    removeTemporaryFolder(scratch);
  }
  report.search = record;
  report.notRun = [...runner.notRun];
  const ranked = rankBlame(steps, report.forks, strategy === 'per-step' ? 'effect' : 'pooled');
  report.steps = ranked.steps;
  report.agents = ranked.agents;
  const all = [...report.forks, ...report.probes];
  report.spent = {
    forks: all.length,
    calls: all.reduce((sum, fork) => sum + fork.calls, 0),
    credits: sumCredits(all.map((fork) => fork.credits)),
    sharedCalls: all.reduce((sum, fork) => sum + fork.sharedCalls, 0),
  };
  // Who answered: the run's own agents, and each fork's (a changed step on another seed or the repair model).
  report.provenance = reportProvenance([{ registry: org.models, answered: answeredInLedger(run) }, ...all.flatMap((fork) => answeredInOrg(join(folder, fork.fork)) ?? [])], { settings: orgSettings(run) });
  writeReports(folder, { 'report.json': `${JSON.stringify(report, null, 2)}\n`, 'report.md': renderBlame(report) }, options.folder === undefined ? undefined : '--out');
  if (csv !== undefined) writeTables(csv, blameTables(report), log);
  return report;
}
