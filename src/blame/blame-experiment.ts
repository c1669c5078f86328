import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { showCredits } from '../format/format.js';
import type { ExperimentOutcome } from '../experiment/run-experiment.js';
import type { ProviderFactory } from '../providers/create-provider.js';
import { blameRun, type BlameReport } from './blame-run.js';
import { stepP } from './render-blame.js';

/** What blame made of one run of an experiment: its report, or why it could not blame it. */
export interface RunBlame {
  run: string;
  report?: BlameReport;
  problem?: string;
}

/**
 * An experiment's `blame:`: each run that failed the named check is blamed (blame-run.ts), its forks
 * under the run's `blame/<check>/`; `blame.json` beside the report holds every run's, and report.md
 * gets a section with each run's steps most to blame. A run that cannot be blamed (it keeps no
 * history) says why and the others go on.
 */
export async function blameExperimentRuns(outcome: ExperimentOutcome, options: { providerFactory?: (fork: string) => ProviderFactory; log?: (line: string) => void } = {}): Promise<RunBlame[]> {
  const setting = outcome.experiment.blame;
  if (!setting) return [];
  const found: RunBlame[] = [];
  for (const run of outcome.runs) {
    const result = run.outcome?.checks.find((check) => check.name === setting.check);
    if (!result || result.passed) continue;
    const check = outcome.experiment.variants.find((variant) => variant.name === run.variant)?.outcome.checks.find((each) => each.name === setting.check);
    if (!check) continue;
    options.log?.(`${run.run}: failed ${setting.check}; blaming it`);
    try {
      const report = await blameRun(join(outcome.folder, run.run), {
        check,
        k: setting.k,
        ...(setting.controls === undefined ? {} : { controls: setting.controls }),
        path: setting.path,
        seed: setting.seed,
        ...(setting.model === undefined ? {} : { model: setting.model }),
        ...(setting.maxCredits === undefined ? {} : { maxCredits: setting.maxCredits }),
        ...(options.providerFactory ? { providerFactory: options.providerFactory } : {}),
        ...(options.log ? { log: (line: string) => options.log?.(`${run.run}: ${line}`) } : {}),
      });
      found.push({ run: run.run, report });
    } catch (error) {
      if (!(error instanceof LemmingError)) throw error;
      found.push({ run: run.run, problem: error.message });
    }
  }
  writeFileSync(join(outcome.folder, 'blame.json'), `${JSON.stringify(found, null, 2)}\n`);
  const lines = ['', `## Blame: the steps that made runs fail ${setting.check}`, ''];
  if (found.length === 0) lines.push(`No run's result says it failed ${setting.check}.`);
  for (const each of found) {
    if (!each.report) {
      lines.push(`- ${each.run}: not blamed: ${each.problem}`);
      continue;
    }
    const top = each.report.steps.slice(0, 3).map((step) => {
      const control = step.control ? ` against ${step.control.passed}/${step.control.forks}, ${stepP(step)}, ${step.verdict}` : '';
      return `turn ${step.turn} ${step.agent} ${step.passed}/${step.forks} (${step.rate.toFixed(2)} [${step.interval[0].toFixed(2)}, ${step.interval[1].toFixed(2)}])${control}`;
    });
    const controls = each.report.controls === 0 ? '; no control was run' : '';
    const notRun = each.report.notRun.length > 0 ? `, ${each.report.notRun.length} not run (ceiling ${showCredits(each.report.ceiling.credits)} credits)` : '';
    lines.push(`- ${each.run}: ${top.join('; ')}; ${each.report.spent.forks} fork(s)${notRun}, ${each.report.spent.calls} call(s), ${showCredits(each.report.spent.credits)} credits (report: ${each.run}/blame/${setting.check}/report.md)${controls}`);
  }
  appendFileSync(outcome.report.markdown, `${lines.join('\n')}\n`);
  return found;
}
