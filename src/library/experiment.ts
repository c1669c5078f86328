import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunBlame } from '../blame/blame-experiment.js';
import type { CalibratedRun } from '../calibrate/calibration-tables.js';
import { runExperiment as runExperimentRuns, type ExperimentOutcome } from '../experiment/run-experiment.js';
import type { RunMetrics } from '../experiment/run-metrics.js';
import type { StudyStatistics } from '../experiment/study-statistics.js';
import type { VariantSummary } from '../experiment/variant-summary.js';
import type { SurveyTable } from '../experiment/survey-report.js';
import { experimentTables } from '../experiment/experiment-tables.js';
import { tablesFolder } from '../tables/tables-folder.js';
import { writeTables } from '../tables/write-tables.js';
import type { EngineEvent } from '../engine/events.js';
import { LemmingError } from '../errors.js';
import { fromWorkingFolder } from '../invocation.js';
import { packageRoot } from '../package-root.js';

/** Options of `runExperiment`. */
export interface RunExperimentOptions {
  /** The experiment file (YAML: a base, variants, repeats, checks). */
  file: string;
  /** The org root: the runs go under its `experiments/<name>/`, and it is the base org unless the file names another. */
  root: string;
  /** How many runs at once (overrides the file's `parallel`). */
  parallel?: number;
  /** A queue for the runs' calls (overrides the file's `queue`). */
  queue?: string;
  /** Progress lines, one per run started or finished (default: none). */
  log?: (line: string) => void;
  /** Each event of a run's engine as it comes (turns, calls, charges), with the run's name. */
  onEvent?: (run: string, event: EngineEvent) => void;
  /** A run's processes are over, finished or not. */
  onRunEnded?: (run: string) => void;
  /** Also write the report's tables as CSV into this folder, with their dictionary (docs/api.md, "Tables as CSV"). */
  csv?: string;
}

/**
 * Run every variant of an experiment, each repeat in its own copy of the org and process, then
 * write the report (`report.md`, `report.json`, `report.svg`). Runs already complete are skipped,
 * so calling it again after a failure finishes the rest. Once every run has finished, the file's
 * `blame:` and `reference:` hold them against something outside them (docs/validation.md): blame
 * forks each run that fails the check, and each run's people answer the reference's questions; while
 * a run is unfinished they wait, and the log says so.
 */
export async function runExperiment(options: RunExperimentOptions): Promise<ExperimentOutcome> {
  const log = options.log ?? (() => {});
  // Checked before any run: the tables are written once every run is done.
  const csv = options.csv === undefined ? undefined : tablesFolder(options.csv);
  const outcome = await runExperimentRuns({
    file: fromWorkingFolder(options.file),
    root: fromWorkingFolder(options.root),
    cli: join(packageRoot(), 'dist', 'cli', 'main.js'),
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    log: options.log ?? (() => {}),
    ...(options.onEvent === undefined ? {} : { onEvent: options.onEvent }),
    ...(options.onRunEnded === undefined ? {} : { onRunEnded: options.onRunEnded }),
  });
  const { blame, calibrated } = await holdAgainstOutside(outcome, log);
  if (csv !== undefined) {
    const tables = experimentTables({ ...readExperimentReport(outcome.folder), ...(blame ? { blame } : {}) });
    // The calibration's tables are calibrate's own, as `lemming calibrate --csv` writes them, a row led by each run.
    if (calibrated) tables.push(...(await import('../calibrate/calibration-tables.js')).experimentCalibrationTables(calibrated));
    writeTables(csv, tables, log);
  }
  return outcome;
}

/** The file's `blame:` and `reference:`, once every run has finished; the runs blame blamed and those calibrated (for the tables), when they ran. */
async function holdAgainstOutside(outcome: ExperimentOutcome, log: (line: string) => void): Promise<{ blame?: RunBlame[]; calibrated?: CalibratedRun[] }> {
  const { blame, reference } = outcome.experiment;
  if ((blame || reference) && outcome.failed.length > 0) {
    log(`${[blame ? 'blame:' : '', reference ? 'reference:' : ''].filter(Boolean).join(' and ')} wait until every run has finished (${outcome.failed.length} unfinished): run the experiment again`);
    return {};
  }
  // Their code is loaded only for an experiment that has them.
  const blamed = blame ? await (await import('../blame/blame-experiment.js')).blameExperimentRuns(outcome, { log }) : undefined;
  const calibrated = reference ? await (await import('../calibrate/calibrate-experiment.js')).calibrateExperimentRuns(outcome, { log }) : undefined;
  return { ...(blamed ? { blame: blamed } : {}), ...(calibrated ? { calibrated } : {}) };
}

/** An experiment's `report.json`: each variant's summary, the statistics against the baseline, every run. */
export interface ExperimentReport {
  experiment: string;
  /** The base org. */
  base: string;
  forkedAfterTurn?: number;
  variants: VariantSummary[];
  statistics: StudyStatistics;
  runs: RunMetrics[];
  /** Runs that did not finish. */
  unfinished: string[];
  /** With a `survey:`: each question's answers per variant (counts, or the mean and its interval). */
  survey?: SurveyTable[];
  [more: string]: unknown;
}

/** Read the report an experiment wrote into its folder (`ExperimentOutcome.folder`, or `experiments/<name>`). */
export function readExperimentReport(folder: string): ExperimentReport {
  const path = join(fromWorkingFolder(folder), 'report.json');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new LemmingError('not-found', `${path}: no experiment report here; runExperiment writes it once the runs are done`);
  }
  return JSON.parse(text) as ExperimentReport;
}
