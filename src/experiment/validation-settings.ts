import type { z as Zod } from 'zod';
import { MAX_SEED } from './seed-bound.js';

/**
 * What an experiment file says about holding its runs against something outside them (docs/validation.md):
 * `blame:` (each run that fails the named check is blamed) and `reference:` (each run's people answer
 * a file of real answers). Kept apart from the fields that say what runs (experiment-file.ts).
 */
export interface BlameSetting {
  /** A check of the experiment (or of a variant): the runs that fail it are blamed. */
  check: string;
  k: number;
  /** Control forks per run's step (default: k; 0 runs none). */
  controls?: number;
  path: boolean;
  model?: string;
  seed: number;
  /** The most credits each run's forks may spend together (default: the worst case blame states). */
  maxCredits?: number;
}

export function validationFields(z: typeof Zod) {
  return {
    blame: z
      .strictObject({
        check: z.string('names one of the checks, for example `blame: { check: tests_pass }`').min(1, 'names one of the checks, for example `blame: { check: tests_pass }`'),
        k: z.number('is 1 to 50, for example `k: 3`').int('is 1 to 50, for example `k: 3`').min(1, 'is 1 to 50, for example `k: 3`').max(50, 'is 1 to 50, for example `k: 3`').default(3),
        controls: z.number('is 0 to 50, for example `controls: 3` (0 runs no control)').int('is 0 to 50, for example `controls: 3` (0 runs no control)').min(0, 'is 0 to 50, for example `controls: 3` (0 runs no control)').max(50, 'is 0 to 50, for example `controls: 3` (0 runs no control)').optional(),
        path: z.boolean('is true or false, for example `path: true`').default(false),
        model: z.string('names a registry model, for example `model: repair`').min(1, 'names a registry model, for example `model: repair`').optional(),
        seed: z.number(`is 0 to ${MAX_SEED}, for example \`seed: 1\``).int(`is 0 to ${MAX_SEED}, for example \`seed: 1\``).min(0, `is 0 to ${MAX_SEED}, for example \`seed: 1\``).max(MAX_SEED, `is 0 to ${MAX_SEED}, for example \`seed: 1\``).default(1),
        max_credits: z.number('is a number of credits above 0, for example `max_credits: 2.5`').positive('is a number of credits above 0, for example `max_credits: 2.5`').finite('is a number of credits above 0, for example `max_credits: 2.5`').optional(),
      })
      .optional(),
    reference: z.string('is the reference file, beside the experiment file, for example `reference: gss/reference.yaml`').min(1, 'is the reference file, beside the experiment file, for example `reference: gss/reference.yaml`').optional(),
  };
}
