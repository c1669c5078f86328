import type { z as Zod } from 'zod';
import { MAX_SEED } from './seed-bound.js';

/**
 * What an experiment file (and a variant) says about scoring its runs and making its repeats
 * differ: `seed`, `variability`, `checks:` and `judge:`. Kept apart from the file's other
 * fields (experiment-file.ts), which say what runs.
 */

/** A command run after a run ends, against the run's final org: exit 0 passes; a number printed last is its score. */
export interface CheckSetting {
  name: string;
  /** A shell line, run by /bin/sh in the sandbox. */
  run: string;
}

/** A registry model and a rubric that score the human's answer. */
export interface JudgeSetting {
  /** A key of the org's model registry (org.yaml `models`). */
  model: string;
  /** What a good answer does, one item each. */
  rubric: string[];
  /** The top of the scale: scores run from 0 to this. */
  scale: number;
  /** Whether the judge reads the whole thread, not only the answer. */
  thread: boolean;
}

/** The scoring and variation settings of one variant, its experiment's filled in. */
export interface OutcomeSettings {
  /** The first repeat's seed; repeat i (from 0) has seed + i, the same in every variant. */
  seed: number;
  /** Set on every offline registry entry of the run's org (0: repeats do not differ). */
  variability?: number;
  checks: CheckSetting[];
  judge?: JudgeSetting;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The experiment's own field: the first repeat's seed. */
export function seedField(z: typeof Zod) {
  return { seed: z.number().int().min(0).max(MAX_SEED).default(1) };
}

/** The fields an experiment and a variant both may have. */
export function outcomeFields(z: typeof Zod) {
  const check = z.strictObject({
    name: z.string().regex(NAME, 'a check name is lowercase letters, digits, "_" or "-", for example "has-answer"'),
    run: z.string().min(1).refine((line) => !line.includes('\0'), 'holds a NUL character'),
  });
  const judge = z.strictObject({
    model: z.string().min(1),
    rubric: z.array(z.string().min(1)).min(1),
    scale: z.number().positive().default(10),
    thread: z.boolean().default(false),
  });
  return {
    variability: z.number().min(0).max(1).optional(),
    checks: z.array(check).optional(),
    judge: judge.optional(),
  };
}

type Parsed = { variability?: number | undefined; checks?: CheckSetting[] | undefined; judge?: JudgeSetting | undefined };

/** A variant's settings: its own variability and judge, else the experiment's; its checks after the experiment's. */
export function variantOutcome(experiment: Parsed & { seed: number }, variant: Parsed): OutcomeSettings {
  const variability = variant.variability ?? experiment.variability;
  const judge = variant.judge ?? experiment.judge;
  return {
    seed: experiment.seed,
    ...(variability === undefined ? {} : { variability }),
    checks: [...(experiment.checks ?? []), ...(variant.checks ?? [])],
    ...(judge ? { judge } : {}),
  };
}
