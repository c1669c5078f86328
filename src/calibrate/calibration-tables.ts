import { column, CREDITS_UNIT, type Cell, type ReportTable, type TableColumn } from '../tables/report-table.js';
import type { Estimate } from './calibration-statistics.js';
import type { Calibration } from './calibrate-org.js';
import { provenanceTables } from '../provenance/provenance-table.js';

const DISTANCE_UNIT = 'distance (0 to 1)';

/** An estimate's three columns: its value and its 95% interval's ends. */
function estimateColumns(name: string, meaning: string, unit = DISTANCE_UNIT): TableColumn[] {
  return [column(name, 'number', unit, meaning), column(`${name}_low`, 'number', unit, `${name}'s 95% bootstrap interval, lower end`), column(`${name}_high`, 'number', unit, `${name}'s 95% bootstrap interval, upper end`)];
}

function estimateCells(name: string, estimate: Estimate | undefined): Record<string, Cell> {
  return { [name]: estimate?.value, [`${name}_low`]: estimate?.interval[0], [`${name}_high`]: estimate?.interval[1] };
}

/** `lemming calibrate`'s tables, then `provenance` (what made them). Pure. */
export function calibrationTables(calibration: Calibration): ReportTable[] {
  return [...calibrationFigureTables(calibration), ...provenanceTables(calibration.provenance)];
}

/**
 * Calibration's figures as tables: `comparisons` (one row per question and group: the distance of the
 * simulated answers from the real ones, the baselines, the progress) and `shares` (one row per
 * question, group and option: the real and the simulated share). An experiment's `reference:` writes
 * these for each run, beside its own provenance. Pure.
 */
function calibrationFigureTables(calibration: Calibration): ReportTable[] {
  const questions = new Map(calibration.questions.map((question) => [question.id, question]));
  const key = [column('question', 'string', '', "the reference's question id"), column('group', 'string', '', 'everyone (all), or the people with one value of one attribute (attribute=value)')];
  return [
    {
      name: 'comparisons',
      columns: [
        ...key,
        column('real', 'number', 'people', 'people in the real data who answered (their shares summed, when the reference gives shares)'),
        column('simulated', 'integer', 'agents', 'agents whose answer named an option'),
        column('measure', 'string', '', 'the distance used: wasserstein for ordered options (scaled to 0 to 1), else total variation'),
        ...estimateColumns('distance', 'the simulated answers against the real ones, bias-corrected (0: as the real people answer)'),
        ...estimateColumns('random', 'answers at random, each option alike, against the real ones'),
        ...estimateColumns('overall', "a group's real answers against everyone's: the distance a simulation ignoring personas would have (empty for all)"),
        ...estimateColumns('demographic', "each agent answered with the real answers of its own demographic cell (every attribute of the reference), against the group's: what the demographics alone reach (empty where it does not apply)"),
        column('noise', 'number', DISTANCE_UNIT, '95th percentile of the distance between the real answers and a panel of this size answering exactly as they do: a baseline below it cannot be beaten visibly at this size'),
        ...estimateColumns('beyond_overall', "the distance minus the persona-ignoring baseline's (below 0: nearer than ignoring personas; empty for all)", 'difference of distances (-1 to 1)'),
        column('p_beyond', 'number', 'probability', "two-sided p of beyond_overall being 0 (normal bootstrap), this row's alone; empty for all"),
        column('q_beyond', 'number', 'probability', 'p_beyond adjusted across the report\'s group rows (Benjamini–Hochberg): the verdict is called where it is below 0.05; empty for all'),
        column('personas', 'string', '', 'what q_beyond says: nearer, farther, or indistinguishable (the row says nothing of persona fidelity); empty for all'),
        column('overall_in_noise', 'boolean', '', "the persona-ignoring baseline lies inside the noise: at this size a simulation answering as the group's real people do could not reliably be told from one ignoring personas"),
        ...estimateColumns('progress', '100 × (random − distance) / random: 100 answers as the real people do, 0 no better than at random', 'percent'),
        column('p_same', 'number', 'probability', 'p of "the simulated and the real answers come from one distribution" (parametric bootstrap)'),
      ],
      rows: calibration.comparisons.map((row) => ({
        question: row.question,
        group: row.group,
        real: row.real,
        simulated: row.simulated,
        measure: questions.get(row.question)?.ordered ? 'wasserstein' : 'total variation',
        ...estimateCells('distance', row.distance),
        ...estimateCells('random', row.random),
        ...estimateCells('overall', row.overall),
        ...estimateCells('demographic', row.demographic),
        noise: row.noise,
        ...estimateCells('beyond_overall', row.beyondOverall),
        p_beyond: row.pBeyond,
        q_beyond: row.qBeyond,
        personas: row.personas,
        overall_in_noise: row.overallInNoise,
        ...estimateCells('progress', row.progress),
        p_same: row.pSame,
      })),
    },
    {
      name: 'shares',
      columns: [
        ...key,
        column('option', 'string', '', 'one of the question\'s options, in their order'),
        column('real_share', 'number', 'proportion (0 to 1)', 'the share of the real people in the group who gave it'),
        column('simulated_share', 'number', 'proportion (0 to 1)', 'the share of the agents in the group who gave it'),
      ],
      rows: calibration.comparisons.flatMap((row) =>
        (questions.get(row.question)?.options ?? []).map((option, index) => ({ question: row.question, group: row.group, option, real_share: row.realShares[index], simulated_share: row.simulatedShares[index] })),
      ),
    },
  ];
}

/** A run of an experiment with `reference:`, and what its people's answers came to (calibrate-experiment.ts). */
export interface CalibratedRun {
  run: string;
  variant: string;
  calibration: Calibration;
}

/**
 * An experiment's tables against its `reference:`: `calibration` (a row per run: the figures report.md
 * prints, averaged over the questions) and `lemming calibrate`'s own `comparisons` and `shares` for
 * each run, by the same builder, each row led by its run and variant. Pure.
 */
export function experimentCalibrationTables(calibrated: readonly CalibratedRun[]): ReportTable[] {
  const led = [column('run', 'string', '', "the experiment's run whose people answered (its folder, <variant>-r<repeat>)"), column('variant', 'string', '', 'its variant')];
  const groups = 'group rows (a value of an attribute)';
  const summary: ReportTable = {
    name: 'calibration',
    columns: [
      ...led,
      column('reference', 'string', '', "the reference's name (its report: <run>/calibration/<name>/report.md)"),
      column('agents', 'integer', 'agents', 'agents asked'),
      column('credits', 'number', CREDITS_UNIT, 'research credits the calls cost'),
      column('distance', 'number', DISTANCE_UNIT, "the simulated answers against the real ones, averaged over the questions (everyone's rows)"),
      column('random', 'number', DISTANCE_UNIT, 'answers at random against the real ones, averaged over the questions'),
      column('progress', 'number', 'percent', '100 × (random − distance) / random, from the averages: 100 answers as the real people do, 0 no better than at random'),
      column('progress_low', 'number', 'percent', "the progress's 95% interval (each question resampled on its own), lower end"),
      column('progress_high', 'number', 'percent', "the progress's 95% interval, upper end"),
      column('group_rows', 'integer', groups, 'group rows compared; empty without attributes'),
      column('indistinguishable', 'integer', groups, 'of them, those not to be told from answering every group with everyone\'s answers: they say nothing of persona fidelity'),
      column('overall_in_noise', 'integer', groups, "of them, those whose persona-ignoring baseline lies inside the noise of a panel that size"),
    ],
    rows: calibrated.map(({ run, variant, calibration }) => {
      const figures = calibration.summary;
      return {
        run,
        variant,
        reference: calibration.reference.name,
        agents: calibration.agents,
        credits: calibration.credits,
        distance: figures?.distance,
        random: figures?.random,
        progress: figures?.progress,
        progress_low: figures?.progressInterval?.[0],
        progress_high: figures?.progressInterval?.[1],
        group_rows: figures?.groups?.rows,
        indistinguishable: figures?.groups?.indistinguishable,
        overall_in_noise: figures?.groups?.overallInNoise,
      };
    }),
  };
  const perRun = calibrated.map((each) => ({ run: each.run, variant: each.variant, tables: calibrationFigureTables(each.calibration) }));
  const shapes = perRun[0]?.tables ?? [];
  return [
    summary,
    ...shapes.map((shape, index) => ({
      name: shape.name,
      columns: [...led, ...shape.columns],
      rows: perRun.flatMap((each) => (each.tables[index]?.rows ?? []).map((row) => ({ run: each.run, variant: each.variant, ...row }))),
    })),
  ];
}
