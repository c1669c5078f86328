import type { z as Zod } from 'zod';
import { PERSONA_ATTRIBUTE } from './schema.js';

/**
 * org.yaml `engine.activation` (docs/org-files.md): which of the agents with work act in a turn, so
 * a large population can be run a sample of it a turn. Its own file: the engine's settings schema
 * names it in one line.
 */
export function activationSchema(z: typeof Zod) {
  const value = z.union([z.string().min(1).max(200), z.number().finite(), z.boolean()]);
  const text = z.string().min(1).max(200);
  // A value by its start, or by a pattern whose `*` stands for any run of characters: titles a population fills in
  // (`Chief of {department}`, `Team lead: runs team {team} of …`) are matched without listing every one.
  const partial = z.union([
    z.strictObject({
      /** The value begins so: `{ prefix: "Chief" }` matches "Chief of ward". */
      prefix: text,
    }),
    z.strictObject({
      /** The whole value, each `*` any run of characters: `{ pattern: "Team lead: * of ward" }`. */
      pattern: text,
    }),
  ]);
  const wanted = z.union([value, z.array(value).min(1), partial], {
    error: 'must be a value, a list of values (any of them), `{ prefix: "Chief" }` (the value begins so) or `{ pattern: "Team lead: * of ward" }` (`*` stands for any run of characters)',
  });
  const field = z.string().refine((name) => name === 'title' || name === 'role' || PERSONA_ATTRIBUTE.test(name), 'must be `title`, `role` (the resume\'s role: head, lead or member as populate writes it) or a persona attribute name, for example `department`');
  const rule = z.strictObject({
    /** The agents the rule governs: `title`, `role` (the resume's `role:`) and persona attributes, each a value, a list of them (any of), `{ prefix }` or `{ pattern }`; `{}` or absent: every agent. */
    match: z.record(field, wanted).default({}),
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
