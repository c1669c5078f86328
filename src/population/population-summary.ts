import type { PopulationSpec } from './population-types.js';
import type { Person } from './sample-people.js';

/** How one attribute came out: each value's share (categorical), or the mean, spread and range (numeric). */
export type AttributeSummary =
  | { name: string; kind: 'categorical'; shares: Array<{ value: string; count: number; share: number; target?: number }> }
  | { name: string; kind: 'numeric'; mean: number; sd: number; min: number; max: number };

/**
 * What the people of a population are, attribute by attribute, beside what the spec asked: each
 * categorical value's count and share (with its target share, for an attribute that has one of its
 * own), each numeric attribute's mean, standard deviation and range. Pure.
 */
export function summarisePeople(spec: Pick<PopulationSpec, 'attributes'>, people: readonly Person[]): AttributeSummary[] {
  return spec.attributes.map((attribute): AttributeSummary => {
    if (attribute.kind === 'categorical') {
      const counts = new Map<string, number>(attribute.values.map((value) => [value, 0]));
      for (const person of people) counts.set(String(person[attribute.name]), (counts.get(String(person[attribute.name])) ?? 0) + 1);
      return {
        name: attribute.name,
        kind: 'categorical',
        shares: attribute.values.map((value, index) => ({
          value,
          count: counts.get(value) ?? 0,
          share: people.length === 0 ? 0 : (counts.get(value) ?? 0) / people.length,
          ...('shares' in attribute ? { target: attribute.shares[index] ?? 0 } : {}),
        })),
      };
    }
    const values = people.map((person) => Number(person[attribute.name]));
    const mean = values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length);
    const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / Math.max(1, values.length - 1);
    return { name: attribute.name, kind: 'numeric', mean, sd: Math.sqrt(variance), min: Math.min(...values), max: Math.max(...values) };
  });
}
