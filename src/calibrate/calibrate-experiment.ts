import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExperimentOutcome } from '../experiment/run-experiment.js';
import type { ModelEntry } from '../org/schema.js';
import type { Provider } from '../providers/provider.js';
import { calibrateOrg, type Calibration } from './calibrate-org.js';
import type { CalibratedRun } from './calibration-tables.js';
import { readReference } from './reference-file.js';
import { figure, percentEstimate } from './render-calibration.js';
import { readSavedJson } from '../storage/read-own-file.js';

/**
 * An experiment's `reference:`: each finished run's people answer the reference's questions
 * (calibrate-org.ts; its report under the run's `calibration/<name>/`), and report.md gets a section
 * with each run's overall distance, the random baseline and how far from random towards answering as the real people do;
 * `calibration.json` beside the report holds every run's figures.
 */
export async function calibrateExperimentRuns(
  outcome: ExperimentOutcome,
  options: { providerFor?: (modelKey: string, entry: ModelEntry) => Provider; log?: (line: string) => void } = {},
): Promise<CalibratedRun[]> {
  const reference = outcome.experiment.reference;
  if (!reference) return [];
  const name = readReference(reference).name;
  const found: CalibratedRun[] = [];
  for (const run of outcome.runs) {
    // A run calibrated before (the experiment run again to finish others, or after a kill) is not asked again: its calls were paid.
    const saved = readSavedJson<Calibration>(join(outcome.folder, run.run, 'calibration', name, 'report.json'));
    if (saved && !saved.dryRun) {
      found.push({ run: run.run, variant: run.variant, calibration: saved });
      continue;
    }
    options.log?.(`${run.run}: answering ${name}`);
    const calibration = await calibrateOrg(join(outcome.folder, run.run), reference, { ...(options.providerFor ? { providerFor: options.providerFor } : {}) });
    found.push({ run: run.run, variant: run.variant, calibration });
  }
  writeFileSync(join(outcome.folder, 'calibration.json'), `${JSON.stringify(found, null, 2)}\n`);
  const lines = ['', `## Calibration against ${name}`, '', '| run | variant | distance | random | progress | group rows not distinguishable from ignoring personas | group rows whose persona-ignoring baseline is inside the noise |', '| --- | --- | --- | --- | --- | --- | --- |'];
  for (const each of found) {
    const summary = each.calibration.summary;
    const groups = summary?.groups;
    const of = (count: number | undefined): string => (groups === undefined || count === undefined ? '–' : `${count} of ${groups.rows}`);
    lines.push(`| ${each.run} | ${each.variant} | ${figure(summary?.distance)} | ${figure(summary?.random)} | ${summary?.progress === undefined ? '–' : percentEstimate({ value: summary.progress, interval: summary.progressInterval ?? [NaN, NaN] })} | ${of(groups?.indistinguishable)} | ${of(groups?.overallInNoise)} |`);
  }
  lines.push('', `Each run's figures per question and group: \`<run>/calibration/${name}/report.md\`. A group row not distinguishable from answering every group with everyone's answers says nothing of persona fidelity.`);
  appendFileSync(outcome.report.markdown, `${lines.join('\n')}\n`);
  return found;
}
