import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { showCredits } from '../format/format.js';
import { runChecks } from '../experiment/run-checks.js';
import { inPool } from '../experiment/in-pool.js';
import type { CheckSetting } from '../experiment/outcome-settings.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import { readSavedJson } from '../storage/read-own-file.js';
import { forkBefore, forkCharges, runBlameFork, runFromTurnFork, type ForkChange, type ForkSpend } from './blame-fork.js';
import type { CreditCeiling } from './blame-ceiling.js';
import type { ForkOutcome } from './blame-ranking.js';

/** Where a fork keeps what it came to, so a blame run again after a kill does not redo it. */
export const FORK_RESULT = 'blame-fork.json';

/** One fork to run: its folder name, the turn it forks before, its worst case, and how to make it. */
export interface ForkJob {
  fork: string;
  turn: number;
  /** The most it can be charged (blame-ceiling.ts): held against the ceiling while it runs. */
  worst: number;
  lastTurn: number;
  /** A step's fork (one call changed, or a control), or a bisection probe's (every call from `turn` on changed). */
  make: { kind: 'step'; change: ForkChange } | { kind: 'from'; seed: number };
  /** What the outcome says besides the check and the spend. */
  describe: Omit<ForkOutcome, 'passed' | keyof ForkSpend>;
}

export interface ForkRunnerSettings {
  run: string;
  folder: string;
  check: CheckSetting;
  scratch: string;
  parallel: number;
  spending: CreditCeiling;
  providerFactory: (fork: string) => ProviderFactory;
  log: (line: string) => void;
}

/**
 * Runs blame's forks, a round at a time: each made from the history (a copy of the turn's pristine fork,
 * made once), run to its end and checked; one an earlier blame finished is read back, not made again;
 * one whose worst case the ceiling has no room for is not started (its outcome `undefined`).
 */
export class ForkRunner {
  private readonly templates = new Map<number, Promise<string>>();
  /** Forks not started for the ceiling, in the order they were refused. */
  readonly notRun: string[] = [];

  constructor(private readonly settings: ForkRunnerSettings) {
    // What forks an earlier blame finished spent counts against the ceiling before any new one starts.
    if (!existsSync(settings.folder)) return;
    for (const name of readdirSync(settings.folder)) {
      const done = readSavedJson<ForkOutcome>(join(settings.folder, name, FORK_RESULT));
      if (done) settings.spending.spentBefore(forkCharges(join(settings.folder, name), done.turn).credits);
    }
  }

  private template(turn: number): Promise<string> {
    let made = this.templates.get(turn);
    if (!made) {
      const template = join(this.settings.scratch, `after-${turn - 1}`);
      made = forkBefore(this.settings.run, turn, template).then(() => template);
      this.templates.set(turn, made);
    }
    return made;
  }

  /** Run the jobs (at most `parallel` at once); each one's outcome, or `undefined` for one not started. */
  async runAll(jobs: readonly ForkJob[]): Promise<Array<ForkOutcome | undefined>> {
    const outcomes = new Map<string, ForkOutcome>();
    await inPool(jobs, this.settings.parallel, async (job) => {
      const outcome = await this.runOne(job);
      if (outcome) outcomes.set(job.fork, outcome);
    });
    return jobs.map((job) => outcomes.get(job.fork));
  }

  private async runOne(job: ForkJob): Promise<ForkOutcome | undefined> {
    const { folder, spending, log } = this.settings;
    const root = join(folder, job.fork);
    const done = readSavedJson<ForkOutcome>(join(root, FORK_RESULT));
    // What a finished fork spent is its ledger's, as the ceiling reads it above: not what its saved result says.
    if (done) return { ...done, ...forkCharges(root, done.turn) };
    if (!spending.start(job.worst)) {
      this.notRun.push(job.fork);
      log(`${job.fork}: not run: its worst case (${showCredits(job.worst)} credits) could take the spending (${showCredits(spending.spent)} so far) past the ceiling of ${showCredits(spending.credits)} credits`);
      return undefined;
    }
    // A fork a kill left half-made is made again: only a fork of ours is removed, one that says where it came from
    // or whose making was under way (its marker beside it, written before the fork's first file and removed after its result).
    const making = join(folder, `.${job.fork}.making`);
    if (existsSync(root)) {
      if (!existsSync(join(root, 'org', 'state', 'forked-from.json')) && !existsSync(making)) {
        spending.finish(job.worst, 0);
        throw new LemmingError('blame-invalid', `${root} is in the way and is not a fork blame made; move it away or give --out`, { exitCode: EXIT.usage });
      }
      rmSync(root, { recursive: true, force: true });
    }
    writeFileSync(making, '');
    const template = await this.template(job.turn);
    const running = { providerFactory: this.settings.providerFactory(root), lastTurn: job.lastTurn };
    const spend = job.make.kind === 'step' ? await runBlameFork(this.settings.run, root, job.make.change, running, template) : await runFromTurnFork(this.settings.run, root, job.turn, job.make.seed, running, template);
    spending.finish(job.worst, spend.credits);
    const [checked] = await runChecks(root, [this.settings.check]);
    const outcome: ForkOutcome = { ...job.describe, passed: checked?.passed ?? false, ...spend };
    writeFileSync(join(root, FORK_RESULT), `${JSON.stringify(outcome, null, 2)}\n`);
    rmSync(making, { force: true });
    const what = job.make.kind === 'from' ? ' (every call from its turn changed)' : outcome.control ? ' (control)' : '';
    log(`${job.fork}${what}: ${outcome.passed ? 'passes' : 'fails'} (${outcome.calls} call(s) from turn ${job.turn}, idle after turn ${outcome.lastTurn})`);
    return outcome;
  }
}
