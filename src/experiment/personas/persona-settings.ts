import type { z as Zod } from 'zod';

/**
 * What an experiment file's `personas:` says: which registry model judges whether what each agent
 * with a persona wrote keeps to it, on what scale, and how many of a run's messages it reads.
 * Self-consistency needs no setting: it is measured whenever the survey asks a question twice.
 */
export interface PersonaSetting {
  /** A key of the org's model registry: `offline` is the deterministic rule (adherence.ts). */
  judge: string;
  /** The top of the scale: a message scores from 0 to this. */
  scale: number;
  /** The most messages of one run that are judged; past it, a seeded sample of this many. */
  maxMessages: number;
}

/** The `personas:` field of an experiment file (zod). */
export function personasField(z: typeof Zod) {
  return {
    personas: z
      .strictObject({
        judge: z.string().min(1, 'names a registry model, for example `personas: { judge: offline }`'),
        scale: z.number().positive('is above 0, for example `scale: 10`').default(10),
        max_messages: z.number().int('is a whole number, for example `max_messages: 200`').min(1, 'is 1 to 10,000, for example `max_messages: 200`').max(10_000, 'is 1 to 10,000, for example `max_messages: 200`').default(200),
      })
      .optional(),
  };
}

/** The setting as the experiment runs it. */
export function personaSetting(parsed: { judge: string; scale: number; max_messages: number } | undefined): PersonaSetting | undefined {
  return parsed ? { judge: parsed.judge, scale: parsed.scale, maxMessages: parsed.max_messages } : undefined;
}
