import { join, relative } from 'node:path';
import { runExperiment } from '../../library/experiment.js';
import { commandIo, type Output } from '../cli-context.js';
import { experimentProgress } from '../experiment-progress.js';
import { progressLine, wantsLiveLine } from '../progress-line.js';
import { workingFolder } from '../../invocation.js';

/** The flags of `lemming experiment`. */
export interface ExperimentCommandOptions {
  parallel?: number;
  queue?: string;
  json?: boolean;
  /** `--csv DIR`: the report's tables as CSV, with their dictionary. */
  csv?: string;
  /** No live line on a terminal: each run's turns as lines, as in CI or a log. */
  plain?: boolean;
}

/**
 * `lemming experiment FILE`: run every variant in its own copy of the org, then write the
 * comparison report. Exit 0 when every run finished, 1 when some did not (run it again to resume).
 */
export async function experimentCommand(root: string, file: string, options: ExperimentCommandOptions, output: Output): Promise<number> {
  const progress = progressLine(output, commandIo().stderr, wantsLiveLine(options.plain));
  const runs = experimentProgress(progress);
  const outcome = await runExperiment({
    file,
    root,
    ...(options.parallel === undefined ? {} : { parallel: options.parallel }),
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.csv === undefined ? {} : { csv: options.csv }),
    log: (line) => progress.print(line),
    onEvent: (run, event) => runs.event(run, event),
    onRunEnded: (run) => runs.ended(run),
  }).finally(() => progress.done());
  if (options.json) {
    output.out(JSON.stringify({ folder: outcome.folder, report: outcome.report, runs: outcome.runs, skipped: outcome.skipped, unfinished: outcome.failed }));
  } else {
    output.out(`${outcome.runs.length} run(s) complete${outcome.failed.length > 0 ? `, ${outcome.failed.length} unfinished` : ''}; report: ${relative(workingFolder(), outcome.report.markdown) || outcome.report.markdown}`);
    const plots = outcome.report.plots.length > 0 ? `, a plot per metric in ${relative(workingFolder(), join(outcome.folder, 'plots'))}/` : '';
    output.out(`also ${relative(workingFolder(), outcome.report.json)}, ${relative(workingFolder(), outcome.report.chart)}${plots}; each run's org is under ${relative(workingFolder(), outcome.folder)}/`);
  }
  return outcome.failed.length > 0 ? 1 : 0;
}
