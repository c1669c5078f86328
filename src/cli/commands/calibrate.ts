import { relative } from 'node:path';
import { calibrateOrg } from '../../calibrate/calibrate-org.js';
import { showCredits } from '../../format/format.js';
import { figure, groupsVerdict, INTERVALS_IN_BRIEF, overallLine, percentEstimate } from '../../calibrate/render-calibration.js';
import { provenanceLines } from '../../provenance/report-provenance.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import { workingFolder } from '../../invocation.js';
import { EXIT, LemmingError } from '../../errors.js';
import { peopleCommand } from './calibrate-people.js';
import type { Output } from '../cli-context.js';

/** The flags of `lemming calibrate`. */
export interface CalibrateCommandOptions {
  seed?: number;
  dryRun?: boolean;
  out?: string;
  json?: boolean;
  csv?: string;
  /** People one by one: how many, the questions held out of each, the model asked. */
  people?: number;
  heldOut?: number;
  model?: string;
}

/**
 * `lemming calibrate REFERENCE`: the org's agents answer the reference's questions (no side effect;
 * each call a research line), and their answers are compared with the real ones, per question and
 * group, beside answers at random and everyone's answers (what personas add).
 */
export async function calibrateCommand(root: string, reference: string, options: CalibrateCommandOptions, output: Output): Promise<number> {
  if (options.people !== undefined) return peopleCommand(root, reference, { ...options, people: options.people }, output);
  if (options.heldOut !== undefined || options.model !== undefined) throw new LemmingError('usage', '--held-out and --model go with --people N: they say how each person is asked', { exitCode: EXIT.usage });
  const calibration = await calibrateOrg(root, reference, {
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.out === undefined ? {} : { folder: options.out }),
    ...(options.csv === undefined ? {} : { csv: options.csv }),
    log: (line) => output.err(line),
  });
  if (options.json) {
    output.out(JSON.stringify(calibration));
    return 0;
  }
  if (calibration.dryRun) {
    output.out(`would ask ${calibration.agents} agent(s) ${calibration.questions.length} question(s): ${calibration.calls} call(s), each a research line of the ledger; nothing is sent`);
    return 0;
  }
  const summary = calibration.summary;
  output.out(`${calibration.calls} call(s), ${showCredits(calibration.credits)} research credits; ${calibration.unreadable} answer(s) named no option`);
  if (summary) {
    output.out(`overall: ${overallLine(summary)}`);
    if (summary.groups) output.out(groupsVerdict(summary.groups));
  }
  for (const row of calibration.comparisons.filter((comparison) => comparison.group === 'all')) {
    const progressOf = row.progress ? `, progress ${percentEstimate(row.progress)}` : '';
    output.out(`  ${row.question}: ${figure(row.distance.value)} [${figure(row.distance.interval[0])}, ${figure(row.distance.interval[1])}] (random ${figure(row.random.value)}${progressOf})`);
  }
  // Every figure above is a claim a reader may copy: what its intervals are, and the model that made it (the offline one's rules, not people) with what the data cannot support.
  if (calibration.comparisons.length > 0) output.out(INTERVALS_IN_BRIEF);
  if (calibration.provenance) for (const line of provenanceLines(calibration.provenance)) output.out(terminalText(line));
  output.out(`report: ${relative(workingFolder(), `${calibration.folder}/report.md`)}`);
  return 0;
}
