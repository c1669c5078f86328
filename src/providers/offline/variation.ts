import { createHash } from 'node:crypto';

/** The ways the offline model's repeats may differ, each with its chance at `variability: 1`. */
const CHANCE_AT_FULL = {
  /** The task goes to another member of the team than the best fit. */
  route: 0.5,
  /** A delegating agent forgets to note who asked, so the report that comes back goes no further. */
  drop: 0.2,
  /** A report lists every step of its kind, not three. */
  longer: 1,
  /** A worker shares its report with a colleague too (route-task.ts): the one choice that changes who writes to whom. */
  share: 0.5,
} as const;

/** A kind of difference between repeats. */
export type VariationKind = keyof typeof CHANCE_AT_FULL;

/** What makes the offline model's repeats differ: a registry entry's `seed` and `variability` (0..1). */
export interface VariationSettings {
  seed?: number;
  variability?: number;
}

/**
 * The offline model's seeded choices. Each is a draw from a hash of the seed, the kind of choice
 * and where it is made (agent, turn, message), never from a counter, so a choice does not depend on
 * which calls came before it: the same seed gives the same run byte for byte, whatever order the
 * calls of a turn finish in. At `variability` 0 (the default) nothing ever happens, so a run is
 * exactly what the model always did.
 */
export class Variation {
  private readonly seed: number;
  private readonly variability: number;

  constructor(settings: VariationSettings = {}) {
    this.seed = settings.seed ?? 0;
    this.variability = Math.min(1, Math.max(0, settings.variability ?? 0));
  }

  /** Whether any choice can differ from the model's usual one. */
  get active(): boolean {
    return this.variability > 0;
  }

  /** A number in [0, 1) fixed by the seed and the parts. */
  draw(...parts: Array<string | number>): number {
    const digest = createHash('sha256').update(`${this.seed}\n${parts.join('\n')}`).digest();
    return digest.readUInt32BE(0) / 2 ** 32;
  }

  /** Whether a difference of `kind` happens at this place (never at variability 0). */
  happens(kind: VariationKind, ...parts: Array<string | number>): boolean {
    if (!this.active) return false;
    return this.draw(kind, ...parts) < this.variability * CHANCE_AT_FULL[kind];
  }

  /** One of `items`, drawn at this place. */
  pick<T>(items: readonly T[], ...parts: Array<string | number>): T | undefined {
    if (items.length === 0) return undefined;
    return items[Math.floor(this.draw('pick', ...parts) * items.length)];
  }
}
