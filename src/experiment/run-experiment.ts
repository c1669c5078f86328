import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { EXIT } from '../errors.js';
import { lockHolder } from '../engine/record/lock.js';
import { loadOrg } from '../org/load-org-once.js';
import { requireOrgRoot } from '../org/must-exist.js';
import { requireOrgFolder } from '../org/org-folder.js';
import { inPool } from './in-pool.js';
import { readExperiment, runNames, type Experiment, type Variant } from './experiment-file.js';
import { prepareRun } from './prepare-run.js';
import { requireForkPoint } from './fork-point.js';
import { askDue, lastTurn, readSurvey, surveyTurns } from './run-survey.js';
import { writeReport, type ReportFiles } from './experiment-report.js';
import { measureRun, RESULT_FILE, withMailOutcomes, type RunMetrics } from './run-metrics.js';
import { ATTEMPTS_FILE, runProcess, type RunAttempt } from './run-process.js';
import type { EngineEvent } from '../engine/events.js';
import { scoreRun } from './score-run.js';
import { measurePersonas } from './personas/measure-personas.js';
import { adherenceEstimate } from './personas/adherence.js';
import { readSavedJson } from '../storage/read-own-file.js';
import { writeFileAtomic } from '../storage/atomic-write.js';
import { estimateJudge } from './judge.js';
import { showCredits } from '../format/format.js';

export { RESULT_FILE } from './run-metrics.js';
/** Every attempt at a run so far (a killed experiment's included). */

/** How to run an experiment (`lemming experiment FILE`). */
export interface ExperimentOptions {
  file: string;
  /** The org root: experiments are written under its `experiments/`, and it is the base org unless the file names another. */
  root: string;
  /** The built CLI that runs each variant (dist/cli/main.js). */
  cli: string;
  /** `--parallel`: overrides the file's `parallel`. */
  parallel?: number;
  /** `--queue`: overrides the file's `queue`. */
  queue?: string;
  log(line: string): void;
  /** Each event of a run's engine as it comes (turns, calls, charges): what a progress line shows. */
  onEvent?(run: string, event: EngineEvent): void;
  /** A run's processes are over, finished or not: it leaves the progress line. */
  onRunEnded?(run: string): void;
}

/** What an experiment came to. */
export interface ExperimentOutcome {
  experiment: Experiment;
  folder: string;
  runs: RunMetrics[];
  /** Runs found complete from an earlier invocation, and not run again. */
  skipped: string[];
  /** Runs whose process failed: they run again next time. */
  failed: string[];
  report: ReportFiles;
}

interface PlannedRun {
  variant: Variant;
  run: string;
  root: string;
  /** The repeat's seed: the experiment's plus the repeat's index, so repeat i of every variant shares one. */
  seed: number;
}

/**
 * What the runs' judges may cost, said before any run starts: a line for each judge model, its calls
 * (one a run that gives an answer) at most about what the estimate says, each capped at the output its
 * entry allows (judge.ts, estimateJudge), charged to the experiment's own ledger.
 */
function judgingEstimates(pending: readonly PlannedRun[]): string[] {
  const byModel = new Map<string, { calls: number; least: number; most: number; outputTokens: number; ownCap: boolean; leastInput: number; mostInput: number }>();
  for (const run of pending) {
    const judge = run.variant.outcome.judge;
    if (!judge) continue;
    // The run's own copy: its registry is the one its judge is asked through.
    const estimate = estimateJudge(loadOrg(run.root).org.models, judge, run.variant.messages);
    if (!estimate) continue;
    const sum = byModel.get(judge.model) ?? { calls: 0, least: 0, most: 0, outputTokens: 0, ownCap: true, leastInput: Number.POSITIVE_INFINITY, mostInput: 0 };
    byModel.set(judge.model, {
      calls: sum.calls + 1,
      least: sum.least + estimate.least,
      most: sum.most + estimate.most,
      outputTokens: Math.max(sum.outputTokens, estimate.outputTokens),
      ownCap: sum.ownCap && estimate.ownCap,
      leastInput: Math.min(sum.leastInput, estimate.inputTokens.least),
      mostInput: Math.max(sum.mostInput, estimate.inputTokens.most),
    });
  }
  const round = (credits: number): number => Math.round(credits * 1e6) / 1e6;
  return [...byModel].map(([model, sum]) => {
    const cap = sum.ownCap ? `org/org.yaml models.${model}.max_output_tokens` : `the default, as org/org.yaml models.${model}.max_output_tokens is not set`;
    return (
      `judge: ${sum.calls} call(s) of ${model}, about ${round(sum.least)} to at most ${round(sum.most)} credits in all ` +
      `(a prompt of about ${sum.leastInput} to ${sum.mostInput} tokens as the answer is short or long, each answer at most ${sum.outputTokens} output tokens: ${cap}); ` +
      `charged to the experiment's ledger; a run with no answer is not judged`
    );
  });
}

/** How often a run still held by an earlier engine is looked at again. */
const HOLDER_POLL_MS = 100;

/** How many refused starts in a row, each with no holder left to wait for, before the run is called failed. */
const REFUSALS_WITHOUT_HOLDER = 3;

/**
 * A killed experiment can leave a run's engine at work (a kill of the experiment's process
 * does not reach the processes it started): starting another on the same copy would be
 * refused, so wait, saying for what, until that engine has stopped. Returns whether there was one.
 * A lock held from another host cannot be watched; the run then fails with the lock's own message.
 */
async function waitForEarlierEngine(name: string, root: string, log: (line: string) => void): Promise<boolean> {
  const holder = lockHolder(root);
  if (!holder?.onThisHost) return false;
  log(`${name}: waiting for process ${holder.pid} (\`lemming ${holder.command}\`, since ${holder.started}), still at work on it from an earlier start, to stop`);
  while (lockHolder(root)) await sleep(HOLDER_POLL_MS);
  return true;
}

/**
 * One `lemming run` of a run's copy, once no other engine holds it. An engine started by a
 * killed experiment can take the lock after this experiment looked and found it free (that
 * engine was still starting): the start it refuses did nothing, so it is not an attempt; wait for
 * that engine as for any earlier one, and start again.
 */
async function runWhenFree(cli: string, name: string, root: string, options: Parameters<typeof runProcess>[2], log: (line: string) => void): Promise<RunAttempt> {
  let refusedAlone = 0;
  for (;;) {
    const attempt = await runProcess(cli, root, options);
    if (attempt.exitCode !== EXIT.locked) return attempt;
    const holder = lockHolder(root);
    if (holder && !holder.onThisHost) return attempt;
    if (!(await waitForEarlierEngine(name, root, log))) {
      // Its holder stopped before it could be seen: start again, a few times.
      refusedAlone += 1;
      if (refusedAlone >= REFUSALS_WITHOUT_HOLDER) return attempt;
    }
  }
}

/**
 * Run one run's engine: in one process, or, when the survey asks questions after chosen turns, in
 * one process up to each of those turns and the rest after, asking the questions in between (no
 * engine holds the org then). A run that falls idle sooner is asked then. Returns the last attempt.
 */
async function runSurveyed(
  experiment: Experiment,
  cli: string,
  run: PlannedRun,
  queue: string | undefined,
  record: (attempt: RunAttempt) => void,
  log: (line: string) => void,
  onEvent?: (event: EngineEvent) => void,
): Promise<RunAttempt> {
  const root = run.root;
  const processOptions = { ...(queue ? { queue } : {}), ...(onEvent ? { onEvent } : {}) };
  const turns = surveyTurns(experiment.survey);
  const start = lastTurn(root);
  let attempt: RunAttempt | undefined;
  for (const due of turns) {
    // Questions due past the turn cap are asked when the run ends, with the end's.
    if (experiment.turns !== undefined && due > start + experiment.turns) break;
    const now = lastTurn(root);
    if (now < due) {
      attempt = await runWhenFree(cli, run.run, root, { turns: due - now, ...processOptions }, log);
      record(attempt);
      // Idle (or stopped, or failed) before the turn: the run is over; what is still due is asked after it.
      if (attempt.finished?.reason !== 'turn-cap') return attempt;
    }
    await askDue(root, experiment.survey, due);
  }
  const left = experiment.turns === undefined ? undefined : experiment.turns - (lastTurn(root) - start);
  if (!(attempt && left !== undefined && left <= 0)) {
    attempt = await runWhenFree(cli, run.run, root, { ...(left !== undefined ? { turns: left } : {}), ...processOptions }, log);
    record(attempt);
  }
  return attempt;
}

/**
 * Run every variant (times its repeats) in its own copy of the base org (from a fork point: its
 * own fork of the base after that turn, fork-point.ts) under `experiments/<name>/<run>/`, each in a process of its own, a bounded number at once,
 * locally or through the queue; then write the comparison report. Runs already complete
 * are skipped; a run a kill interrupted is finished by the engine, as any killed run is.
 */
export async function runExperiment(options: ExperimentOptions): Promise<ExperimentOutcome> {
  const file = resolve(options.file);
  const experiment = readExperiment(options.file, (base) => resolve(dirname(file), base));
  const base = experiment.base ?? options.root;
  requireOrgRoot(base);
  if (experiment.fork) await requireForkPoint(options.file, base, experiment.fork);
  // The runs go under the root's experiments/: the root is the base org, or a folder that holds nothing but an org's entries.
  requireOrgFolder(options.root, 'experiment');
  const folder = join(options.root, 'experiments', experiment.name);
  const planned: PlannedRun[] = experiment.variants.flatMap((variant) => runNames(variant).map((run, index) => ({ variant, run, root: join(folder, run), seed: variant.outcome.seed + index })));
  const skipped = planned.filter((run) => existsSync(join(run.root, RESULT_FILE))).map((run) => run.run);
  const pending = planned.filter((run) => !skipped.includes(run.run));
  // Every copy is made (and checked) before any run starts, so a broken variant costs nothing.
  for (const run of pending) await prepareRun(experiment, base, run.variant, run.root, run.seed);
  if (skipped.length > 0) options.log(`already complete, not run again: ${skipped.join(', ')}`);
  for (const line of judgingEstimates(pending)) options.log(line);
  const first = pending[0];
  if (experiment.personas && first) options.log(adherenceEstimate(loadOrg(first.root).org.models, experiment.personas, pending.length));

  const parallel = options.parallel ?? experiment.parallel;
  const queue = options.queue ?? experiment.queue;
  const failed: string[] = [];
  await inPool(pending, parallel, async (run) => {
    await waitForEarlierEngine(run.run, run.root, options.log);
    const attemptsPath = join(run.root, ATTEMPTS_FILE);
    const attempts = readSavedJson<RunAttempt[]>(attemptsPath) ?? [];
    options.log(`${run.run}: running${attempts.length > 0 ? ' again, from where it was stopped' : ''}`);
    const onEvent = options.onEvent ? (event: EngineEvent) => options.onEvent?.(run.run, event) : undefined;
    let attempt: RunAttempt;
    try {
      attempt = await runSurveyed(
        experiment,
        options.cli,
        run,
        queue,
        (made) => {
          attempts.push(made);
          writeFileAtomic(attemptsPath, `${JSON.stringify(attempts, null, 2)}\n`);
        },
        options.log,
        onEvent,
      );
    } finally {
      options.onRunEnded?.(run.run);
    }
    const metrics = measureRun(run.root, run.run, run.variant.name, attempts, experiment.fork?.turn);
    if (metrics.ended === 'failed' || metrics.ended === 'stopped') {
      failed.push(run.run);
      const why = attempt.stderr.trim().split('\n').at(-1) ?? `exit code ${attempt.exitCode}`;
      options.log(`${run.run}: did not finish (${why}); run the experiment again to resume it`);
      return;
    }
    if (experiment.survey.length > 0) {
      for (const due of [...surveyTurns(experiment.survey), 'end' as const]) await askDue(run.root, experiment.survey, due);
      metrics.survey = readSurvey(run.root);
    }
    metrics.outcome = await scoreRun(folder, run.run, run.root, run.variant, run.seed, metrics.turns);
    const personas = await measurePersonas(folder, run.run, run.root, experiment.personas, metrics.survey ?? [], run.seed, experiment.fork?.turn);
    if (personas) metrics.personas = personas;
    writeFileAtomic(join(run.root, RESULT_FILE), `${JSON.stringify(metrics, null, 2)}\n`);
    const how = metrics.ended === 'idle' ? `idle after turn ${metrics.turns}` : metrics.ended === 'held' ? `held (${metrics.heldBy?.join(', ') ?? ''}) after turn ${metrics.turns}` : metrics.ended === 'turn-cap' ? `stopped at the turn cap (${metrics.turns})` : `ended (${metrics.ended}) at turn ${metrics.turns}`;
    const scored = metrics.outcome;
    const judged = scored?.judge ? `, judged ${scored.judge.score ?? 'n/a'}/${scored.judge.scale}` : '';
    const checked = scored && scored.checks.length > 0 ? `, checks ${scored.checks.filter((check) => check.passed).length}/${scored.checks.length} passed` : '';
    const since = experiment.fork ? ` after turn ${experiment.fork.turn}` : '';
    options.log(`${run.run}: ${how}, ${metrics.messages} message(s), ${showCredits(metrics.credits)} credits${since}${checked}${judged}`);
  });

  const runs = planned.flatMap((run) => {
    const result = readSavedJson<RunMetrics>(join(run.root, RESULT_FILE));
    return result ? [withMailOutcomes(run.root, result)] : [];
  });
  const report = await writeReport(folder, experiment, base, runs, failed);
  return { experiment, folder, runs, skipped, failed, report };
}
