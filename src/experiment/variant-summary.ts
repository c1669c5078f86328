import { nameRecordOf } from '../org/names.js';
import type { Experiment } from './experiment-file.js';
import { FIGURE_PLACES, tidy } from '../statistics/summary.js';
import type { RunMetrics } from './run-metrics.js';
import { DELIVERY_FORMS, REFUSAL_CAUSES, type FormCounts, type RefusalCounts } from '../format/mail-outcomes.js';

/** One variant's runs, summed up: means over its repeats, and how many ended each way. */
export interface VariantSummary {
  variant: string;
  runs: number;
  /** Runs that fell idle, nothing left to do. */
  idle: number;
  /** Runs that ended with mail left only for agents a limit held (RunMetrics.heldBy): not idle, not at the turn cap. */
  held: number;
  /** Mean turn at which the runs that fell idle did; null when none did. */
  turnsToIdle: number | null;
  messages: number;
  /** Mean readers reached per run, by form. */
  deliveries: FormCounts;
  refusals: number;
  /** Mean sends refused and agent-turns held with work per run, by cause. */
  refusalsByCause: RefusalCounts;
  errors: number;
  credits: number;
  creditsByAgent: Record<string, number>;
  creditsByModel: Record<string, number>;
  /** Runs in which the human got an answer, and the mean turn of that answer. */
  humanAnswered: number;
  humanAnswerTurn: number | null;
  wallMs: number;
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** A mean over the variant's runs at the places the experiment's statistics give the same figure (metrics.csv). */
function figure(value: number): number {
  return tidy(value, FIGURE_PLACES);
}

function meanByKey(records: Array<Record<string, number>>): Record<string, number> {
  const keys = [...new Set(records.flatMap((record) => Object.keys(record)))].sort();
  // Keyed by agent names and model keys, some read back from JSON: only a record's own entry counts (see org/names.ts).
  return nameRecordOf(keys.map((key): [string, number] => [key, figure(mean(records.map((record) => (Object.hasOwn(record, key) ? (record[key] ?? 0) : 0))))]));
}

/** The mean of each key of `keys` over `records`. */
function meanOf<Key extends string>(keys: readonly Key[], records: ReadonlyArray<Record<Key, number>>): Record<Key, number> {
  return Object.fromEntries(keys.map((key) => [key, figure(mean(records.map((record) => record[key] ?? 0)))])) as Record<Key, number>;
}

/** Sum up each variant's complete runs, in the file's order. Pure. */
export function summariseVariants(experiment: Experiment, runs: readonly RunMetrics[]): VariantSummary[] {
  return experiment.variants.map((variant) => {
    const own = runs.filter((run) => run.variant === variant.name);
    const idle = own.filter((run) => run.turnsToIdle !== null);
    const answered = own.filter((run) => run.humanAnswer !== null);
    return {
      variant: variant.name,
      runs: own.length,
      idle: idle.length,
      held: own.filter((run) => run.ended === 'held').length,
      turnsToIdle: idle.length === 0 ? null : figure(mean(idle.map((run) => run.turnsToIdle ?? 0))),
      messages: figure(mean(own.map((run) => run.messages))),
      deliveries: meanOf(DELIVERY_FORMS, own.map((run) => run.deliveries)),
      refusals: figure(mean(own.map((run) => run.refusals))),
      refusalsByCause: meanOf(REFUSAL_CAUSES, own.map((run) => run.refusalsByCause)),
      errors: figure(mean(own.map((run) => run.errors))),
      credits: figure(mean(own.map((run) => run.credits))),
      creditsByAgent: meanByKey(own.map((run) => run.creditsByAgent)),
      creditsByModel: meanByKey(own.map((run) => run.creditsByModel)),
      humanAnswered: answered.length,
      humanAnswerTurn: answered.length === 0 ? null : figure(mean(answered.map((run) => run.humanAnswer?.turn ?? 0))),
      wallMs: Math.round(mean(own.map((run) => run.wallMs))),
    };
  });
}
