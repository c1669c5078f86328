import { relative } from 'node:path';
import { blameRun, type BlameOptions, type BlameReport } from '../../blame/blame-run.js';
import { checkFromFile } from '../../blame/check-from-file.js';
import { controlParagraph, estimateLine, notRunLine, searchLine, stepLine, strategyLine, worstCaseLine } from '../../blame/render-blame.js';
import { EXIT, LemmingError } from '../../errors.js';
import { showCredits } from '../../format/format.js';
import { workingFolder } from '../../invocation.js';
import type { Output } from '../cli-context.js';

/** The flags of `lemming blame`: blameRun's options, with the check named (and found in `--checks`) and `--out` for its folder. */
export type BlameCommandOptions = Pick<BlameOptions, 'k' | 'controls' | 'path' | 'seed' | 'model' | 'turns' | 'maxCredits' | 'parallel' | 'dryRun' | 'strategy' | 'confidence' | 'budget' | 'firstPass'> & {
  check: string;
  checks?: string;
  out?: string;
  json?: boolean;
  csv?: string;
};

function shown(path: string): string {
  return relative(workingFolder(), path) || path;
}

/**
 * `lemming blame RUN --check NAME --checks FILE`: fork a run that fails the check before each of its
 * calls, re-run that call k times changed and k times as it was (its control), and rank the steps by
 * how much more often the change makes it pass than the control does.
 * Exit 0 with the ranking; 2 when the run passes, keeps no history, or the check is not in the file.
 */
export async function blameCommand(run: string, options: BlameCommandOptions, output: Output): Promise<number> {
  if (options.checks === undefined) throw new LemmingError('usage', `--checks: give the experiment file that defines check ${JSON.stringify(options.check)} (its \`checks:\`), for example --checks study.yaml`, { exitCode: EXIT.usage });
  const check = checkFromFile(options.checks, options.check);
  const { check: _name, checks: _file, out, json: _json, ...flags } = options;
  const report: BlameReport = await blameRun(run, { ...flags, check, ...(out === undefined ? {} : { folder: out }), log: (line) => output.err(line) });
  if (options.json) {
    output.out(JSON.stringify(report));
    return 0;
  }
  if (report.dryRun) {
    output.out(`${shown(report.run)} fails check ${check.name}. ${report.strategy === 'per-step' ? estimateLine(report) : strategyLine(report)}`);
    output.out(worstCaseLine(report));
    return 0;
  }
  output.out(`${report.spent.forks} fork(s), ${report.spent.calls} call(s), ${showCredits(report.spent.credits)} credits spent (${report.spent.sharedCalls} on shared turns; ceiling ${showCredits(report.ceiling.credits)}); report: ${shown(report.folder)}/report.md`);
  const notRun = notRunLine(report);
  if (notRun !== undefined) output.out(notRun);
  const searched = searchLine(report);
  if (searched !== undefined) output.out(searched);
  for (const [index, step] of report.steps.slice(0, 5).entries()) output.out(`  ${index + 1}. ${stepLine(step)}`);
  output.out(controlParagraph(report));
  return 0;
}
