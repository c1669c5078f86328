import type { z as Zod } from 'zod';
import { PERSONA_ATTRIBUTE } from './schema.js';

/**
 * org.yaml `engine.activation` (docs/org-files.md): which of the agents with work act in a turn, so
 * a large population can be run a sample of it a turn. Its own file: the engine's settings schema
 * names it in one line.
 */
export function activationSchema(z: typeof Zod) {
  const value = z.union([z.string().min(1).max(200), z.number().finite(), z.boolean()]);
  const field = z.string().refine((name) => name === 'title' || PERSONA_ATTRIBUTE.test(name), 'must be `title` (the role) or a persona attribute name, for example `department`');
  const rule = z.strictObject({
    /** The agents the rule governs: `title` (its role) and persona attributes, each a value or a list of them (any of); `{}` or absent: every agent. */
    match: z.record(field, z.union([value, z.array(value).min(1)])).default({}),
    /** The chance, each turn, that one of its agents with work acts (0 < p ≤ 1). */
    probability: z.number().gt(0, 'must be more than 0 (an agent never drawn would keep its mail for ever), for example 0.1').max(1).default(1),
    /** At most this many of its agents act in a turn, drawn at random among those with work. */
    at_most: z.number().int().min(1).optional(),
  });
  return z.strictObject({
    /** The draws' seed: the same seed, the same agents drawn each turn. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(0),
    /** The first rule an agent matches governs it; an agent no rule matches acts whenever it has work. */
    rules: z.array(rule).min(1).max(100),
  });
}
