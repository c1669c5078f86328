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
  path: boolean;
  model?: string;
  seed: number;
}

export function validationFields(z: typeof Zod) {
  return {
    blame: z
      .strictObject({
        check: z.string().min(1),
        k: z.number().int().min(1).max(50).default(3),
        path: z.boolean().default(false),
        model: z.string().min(1).optional(),
        seed: z.number().int().min(0).max(MAX_SEED).default(1),
      })
      .optional(),
    reference: z.string().min(1).optional(),
  };
}
