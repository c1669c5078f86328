import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LemmingError } from '../errors.js';
import { showCredits } from '../format/format.js';
import { runChecks } from '../experiment/run-checks.js';
import { inPool } from '../experiment/in-pool.js';
import type { CheckSetting } from '../experiment/outcome-settings.js';
import { listHistory } from '../history/read-history.js';
import { loadOrg } from '../org/load-org.js';
import { requireOrgRoot } from '../org/must-exist.js';
import type { Org } from '../org/org.js';
import { defaultProviderFactory, type ProviderFactory } from '../providers/create-provider.js';
import { removeTemporaryFolder, sweepTemporaryFolders, temporaryFolder } from '../storage/temporary-files.js';
import { forkBefore, forkCharges, runBlameFork, type ForkChange } from './blame-fork.js';
import { takesSeed } from '../org/schema.js';
import { callRepeatability, type CallRepeatability } from './call-repeatability.js';
import { estimateBlame, planForks, type BlameEstimate, type PlannedFork } from './blame-plan.js';
import { checkedCeiling, CreditCeiling, forkWorstCase, planWorstCase, type ForkLimits, type WorstCase } from './blame-ceiling.js';
import { runBounds, type RunBounds } from '../experiment/run-bounds.js';
import { rankBlame, type AgentBlame, type ForkOutcome, type StepBlame } from './blame-ranking.js';
import { candidateSteps, type CandidateStep } from './candidate-steps.js';
import { readSavedJson } from '../storage/read-json.js';
import { estimateLine, renderBlame, worstCaseLine } from './render-blame.js';
import { blameTables } from './blame-tables.js';
import { writeTables } from '../tables/write-tables.js';
import { fromWorkingFolder } from '../invocation.js';

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
  /** How far each model the steps' calls ran on can repeat a call: what its controls measure. */
  repeatability: CallRepeatability[];
  seed: number;
  path: boolean;
  model?: string;
  estimate: BlameEstimate;
  /** The turns the run was allowed (its experiment's `turns:`, else its `engine.max_turns`): no fork runs past `lastTurn`. */
  bounds: RunBounds;
  /** The most the forks planned can make and be charged, every agent called each turn to the bound at its models' limits. */
  worstCase: WorstCase;
  /** What the forks may spend together: `--max-credits` (given), else the worst case. */
  ceiling: { credits: number; given: boolean };
  /** Forks not started because their worst case could have taken the spending past the ceiling (their folder names). */
  notRun: string[];
  /** The steps ranked, most to blame first (empty on a dry run). */
  steps: StepBlame[];
  agents: AgentBlame[];
  forks: ForkOutcome[];
  /** What the forks spent: their own turns only. */
  spent: { forks: number; calls: number; credits: number; sharedCalls: number };
  dryRun: boolean;
}

/** Where a fork keeps what it came to, so a blame run again after a kill does not redo it. */
export const FORK_RESULT = 'blame-fork.json';

/** The history must hold the turn before the earliest step: blame forks from it. */
function requireHistory(run: string, steps: readonly CandidateStep[]): void {
  let turns: Set<number>;
  try {
    turns = new Set(listHistory(run).map((entry) => entry.turn));
  } catch (error) {
    if (error instanceof LemmingError && error.code === 'no-history') {
      throw new LemmingError('blame-no-history', `${run} keeps no history, so blame cannot fork it before its steps: add the line \`history: { keep: true }\` to its org/org.yaml and run it again from the start (docs/history.md)`, { exitCode: 2 });
    }
    throw error;
  }
  const missing = [...new Set(steps.map((step) => step.turn - 1))].filter((turn) => !turns.has(turn));
  if (missing.length > 0) {
    throw new LemmingError('blame-no-history', `${run}/org/state/history.git holds no entry for turn ${missing.join(', ')}, which blame forks from; it holds turns ${[...turns].sort((a, b) => a - b).join(', ')}: give --path, or blame a run whose history keeps every turn from turn 0`, { exitCode: 2 });
  }
}

/** The model a step's call runs on in its forks, checked: a registry key, and one that takes a seed unless it is a named repair model. */
function changeOf(org: Org, step: CandidateStep, repair: string | undefined): Omit<ForkChange, 'seed' | 'step'> {
  const agent = org.agents.get(step.agent);
  if (!agent) throw new LemmingError('blame-invalid', `agent ${JSON.stringify(step.agent)} was called in turn ${step.turn} but is no longer in ${org.root}/agents/`, { exitCode: 2 });
  const model = repair ?? agent.models[0];
  const entry = model === undefined ? undefined : org.models[model];
  if (model === undefined || !entry) {
    const where = repair === undefined ? `agents/${step.agent}/resume.md: model` : '--model';
    throw new LemmingError('blame-invalid', `${where}: ${JSON.stringify(model ?? '')} is not in ${org.root}/org/org.yaml models; use one of ${Object.keys(org.models).join(', ')}`, { exitCode: 2 });
  }
  const seeded = takesSeed(entry.provider);
  if (!seeded && repair === undefined) {
    throw new LemmingError(
      'blame-invalid',
      `${org.root}/agents/${step.agent}/resume.md: model ${JSON.stringify(model)} (provider ${entry.provider}) takes no seed, so its call cannot be re-run with another seed; name a repair model with --model, one of ${Object.keys(org.models).join(', ')}`,
      { exitCode: 2 },
    );
  }
  return { model, seeded };
}

/** A control of a step: the agent's own model, as the run's call ran on it (its seed, if it takes one). */
function controlOf(org: Org, step: CandidateStep): Omit<ForkChange, 'seed' | 'step'> {
  const model = org.agents.get(step.agent)?.models[0] ?? '';
  const entry = org.models[model];
  return { model, seeded: entry !== undefined && takesSeed(entry.provider) };
}

/** A control must be a whole number of forks, 0 or more. */
function checkedControls(controls: number): number {
  if (!Number.isInteger(controls) || controls < 0) throw new LemmingError('blame-invalid', `controls: ${controls} is no number of control forks; give a whole number, 0 or more, for example --controls 3 (0 runs none)`, { exitCode: 2 });
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
  const run = resolve(runRoot);
  requireOrgRoot(run);
  const k = options.k ?? 3;
  const controls = checkedControls(options.controls ?? k);
  const seed = options.seed ?? 1;
  const path = options.path ?? false;
  const log = options.log ?? (() => undefined);
  const folder = resolve(options.folder ?? join(run, 'blame', options.check.name));
  const org = loadOrg(run).org;
  const { steps, run: calls } = candidateSteps(run, org, { path });
  if (steps.length === 0) throw new LemmingError('blame-invalid', `${run}: no agent call to blame${path ? ' on the path of the person\'s requests' : ''}: its ledger charges no call from turn 1`, { exitCode: 2 });
  requireHistory(run, steps);
  const changes = new Map(steps.map((step) => [`${step.turn} ${step.agent}`, changeOf(org, step, options.model)]));
  const originalSeed = (step: CandidateStep): number | undefined => (options.model === undefined ? org.models[changes.get(`${step.turn} ${step.agent}`)!.model]?.seed : undefined);
  const controlChanges = new Map(steps.map((step) => [`${step.turn} ${step.agent}`, controlOf(org, step)]));
  const changeFor = (fork: { turn: number; agent: string; control: boolean }) => (fork.control ? controlChanges : changes).get(`${fork.turn} ${fork.agent}`)!;
  const ownSeed = (step: CandidateStep): number | undefined => org.models[controlChanges.get(`${step.turn} ${step.agent}`)!.model]?.seed;
  const planned = planForks(steps, k, seed, originalSeed, { count: controls, seedOf: ownSeed });
  const estimate = estimateBlame(steps, k, calls, controls);
  const ownModels = [...new Set([...controlChanges.values()].map((change) => change.model))];
  const repeatability = ownModels.flatMap((model) => (org.models[model] ? [callRepeatability(model, org.models[model])] : []));
  const bounds = runBounds(run, org, calls.lastTurn);
  const limits = new Map<string, ForkLimits>(
    planned.map((fork) => {
      const lastTurn = options.turns === undefined ? bounds.lastTurn : Math.min(bounds.lastTurn, fork.turn + options.turns);
      return [fork.fork, { step: { turn: fork.turn, agent: fork.agent }, lastTurn, model: changeFor(fork).model }];
    }),
  );
  const worstCase = planWorstCase(org, [...limits.values()]);
  const ceiling = { credits: options.maxCredits === undefined ? worstCase.credits : checkedCeiling(options.maxCredits), given: options.maxCredits !== undefined };
  const report: BlameReport = {
    run,
    check: options.check,
    folder,
    k,
    controls,
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
    spent: { forks: 0, calls: 0, credits: 0, sharedCalls: 0 },
    dryRun: options.dryRun ?? false,
  };
  const [original] = await runChecks(run, [options.check]);
  if (original?.passed) {
    throw new LemmingError('blame-passed', `${run} passes check ${JSON.stringify(options.check.name)} (exit ${original.exitCode}): blame looks for the step that made a run fail; give a run that fails it`, { exitCode: 2 });
  }
  if (options.dryRun) return report;

  log(`${run} fails check ${options.check.name}. ${estimateLine(report)}`);
  log(worstCaseLine(report));
  mkdirSync(folder, { recursive: true });
  const providerFactory = options.providerFactory ?? (() => defaultProviderFactory(run));
  sweepTemporaryFolders('blame');
  const scratch = temporaryFolder('blame');
  const outcomes = new Map<string, ForkOutcome>();
  const spending = new CreditCeiling(ceiling.credits);
  // Forks an earlier blame finished are not made again, and what their ledgers charged counts against the ceiling.
  const finished = new Map(
    planned.flatMap((fork) => {
      const done = readSavedJson<ForkOutcome>(join(folder, fork.fork, FORK_RESULT));
      return done ? [[fork.fork, done] as const] : [];
    }),
  );
  for (const fork of planned) if (finished.has(fork.fork)) spending.spentBefore(forkCharges(join(folder, fork.fork), fork.turn).credits);
  const notRun = new Set<string>();
  try {
    // A fork before turn T for each turn, once: the forks of that turn's steps are copies of it.
    const templates = new Map<number, string>();
    for (const turn of [...new Set(planned.map((fork) => fork.turn))]) {
      if (planned.every((fork) => fork.turn !== turn || existsSync(join(folder, fork.fork, FORK_RESULT)))) continue;
      const template = join(scratch, `after-${turn - 1}`);
      await forkBefore(run, turn, template);
      templates.set(turn, template);
    }
    await inPool(planned, options.parallel ?? 1, async (fork: PlannedFork) => {
      const root = join(folder, fork.fork);
      const done = finished.get(fork.fork);
      if (done) {
        outcomes.set(fork.fork, done);
        return;
      }
      const forkLimits = limits.get(fork.fork)!;
      const worst = forkWorstCase(org, forkLimits).credits;
      if (!spending.start(worst)) {
        notRun.add(fork.fork);
        log(`${fork.fork}: not run: its worst case (${showCredits(worst)} credits) could take the spending (${showCredits(spending.spent)} so far) past the ceiling of ${showCredits(ceiling.credits)} credits`);
        return;
      }
      // A fork a kill left half-made is made again: only a fork of ours is removed, one that says where it came from
      // or whose making was under way (its marker beside it, written before the fork's first file and removed after its result).
      const making = join(folder, `.${fork.fork}.making`);
      if (existsSync(root)) {
        if (!existsSync(join(root, 'org', 'state', 'forked-from.json')) && !existsSync(making)) {
          throw new LemmingError('blame-invalid', `${root} is in the way and is not a fork blame made; move it away or give --out`, { exitCode: 2 });
        }
        rmSync(root, { recursive: true, force: true });
      }
      writeFileSync(making, '');
      const change: ForkChange = { step: { turn: fork.turn, agent: fork.agent }, ...(fork.seed === undefined ? {} : { seed: fork.seed }), ...changeFor(fork) };
      const spend = await runBlameFork(run, root, change, { providerFactory: providerFactory(root), lastTurn: forkLimits.lastTurn }, templates.get(fork.turn));
      spending.finish(worst, spend.credits);
      const [checked] = await runChecks(root, [options.check]);
      const outcome: ForkOutcome = { turn: fork.turn, agent: fork.agent, fork: fork.fork, ...(fork.seed === undefined ? {} : { seed: fork.seed }), model: change.model, control: fork.control, passed: checked?.passed ?? false, ...spend };
      writeFileSync(join(root, FORK_RESULT), `${JSON.stringify(outcome, null, 2)}\n`);
      rmSync(making, { force: true });
      outcomes.set(fork.fork, outcome);
      log(`${fork.fork}${fork.control ? ' (control)' : ''}: ${outcome.passed ? 'passes' : 'fails'} (${outcome.calls} call(s) from turn ${fork.turn}, idle after turn ${outcome.lastTurn})`);
    });
  } finally {
    removeTemporaryFolder(scratch);
  }
  report.forks = planned.flatMap((fork) => outcomes.get(fork.fork) ?? []);
  report.notRun = planned.filter((fork) => notRun.has(fork.fork)).map((fork) => fork.fork);
  const ranked = rankBlame(steps, report.forks);
  report.steps = ranked.steps;
  report.agents = ranked.agents;
  report.spent = {
    forks: report.forks.length,
    calls: report.forks.reduce((sum, fork) => sum + fork.calls, 0),
    credits: report.forks.reduce((sum, fork) => sum + fork.credits, 0),
    sharedCalls: report.forks.reduce((sum, fork) => sum + fork.sharedCalls, 0),
  };
  writeFileSync(join(folder, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(folder, 'report.md'), renderBlame(report));
  if (options.csv !== undefined) writeTables(fromWorkingFolder(options.csv), blameTables(report));
  return report;
}
