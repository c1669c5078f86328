import { relative } from 'node:path';
import { calibratePeople } from '../../calibrate/calibrate-people.js';
import { DEFAULT_HELD_OUT } from '../../calibrate/individual-plan.js';
import { parkRelation, peopleRows } from '../../calibrate/render-people.js';
import { showCredits } from '../../format/format.js';
import { provenanceLines } from '../../provenance/report-provenance.js';
import { terminalText } from '../../terminal-text/terminal-text.js';
import { workingFolder } from '../../invocation.js';
import type { Output } from '../cli-context.js';
import type { CalibrateCommandOptions } from './calibrate.js';

/**
 * `lemming calibrate REFERENCE --people N`: each of N real people's agent scored against its own
 * person (Park et al.'s measure), beside the model's retest, the demographics-only floor and chance,
 * and what the figure can be compared with.
 */
export async function peopleCommand(root: string, reference: string, options: CalibrateCommandOptions & { people: number }, output: Output): Promise<number> {
  const calibration = await calibratePeople(root, reference, {
    people: options.people,
    heldOut: options.heldOut ?? DEFAULT_HELD_OUT,
    ...(options.model === undefined ? {} : { model: options.model }),
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
    output.out(`would draw ${calibration.people} of ${calibration.eligible} people and ask ${calibration.heldOut} held-out question(s) of each on ${calibration.model}: ${calibration.calls} call(s) (the agent twice, the floor once), each a research line of the ledger; nothing is sent`);
    return 0;
  }
  const summary = calibration.summary!;
  output.out(`${calibration.people} people of ${calibration.eligible}, ${calibration.heldOut} held-out question(s) each, on ${calibration.model}: ${calibration.calls} call(s), ${showCredits(calibration.credits)} research credits; ${summary.unreadable} answer(s) named no option`);
  const rows = peopleRows(summary, calibration.reference.weight ?? 'weight');
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) output.out(`  ${label.padEnd(width)}  ${value}`);
  output.out(parkRelation(summary));
  // As `calibrate` and `ask` do: what the intervals are, and the model that made the figures with what the data cannot support.
  output.out(`intervals: ${summary.method}`);
  if (calibration.provenance) for (const line of provenanceLines(calibration.provenance)) output.out(terminalText(line));
  output.out(`report: ${relative(workingFolder(), `${calibration.folder}/people.md`)}`);
  return 0;
}
