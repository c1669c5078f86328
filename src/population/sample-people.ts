import { seededRandom, shuffleInPlace, streamSeed } from '../random/seeded-random.js';
import type { PersonaValue } from '../org/schema.js';
import { allocate } from './allocate.js';
import { rowKey } from './conditional-rows.js';
import { stratifiedValues, type Distribution } from './distributions.js';
import type { Attribute, PopulationSpec } from './population-types.js';

/** One person's attributes, by name. */
export type Person = Record<string, PersonaValue>;

/**
 * The values of one attribute for a group of people (everyone, or those of one value of the given
 * attributes), as a list as long as the group, in a seeded random order: categorical values in the
 * counts largest-remainder allocation gives (allocate.ts), numeric ones by stratified quantiles.
 */
function groupValues(attribute: Attribute, row: string | undefined, size: number, random: () => number): PersonaValue[] {
  if (attribute.kind === 'categorical') {
    const shares = 'shares' in attribute ? attribute.shares : (attribute.table[row ?? ''] ?? []);
    const values: PersonaValue[] = [];
    allocate(size, shares).forEach((count, index) => {
      for (let made = 0; made < count; made += 1) values.push(attribute.values[index] ?? '');
    });
    return shuffleInPlace(values, random);
  }
  const distribution = 'distribution' in attribute ? attribute.distribution : (attribute.distributions[row ?? ''] as Distribution);
  return shuffleInPlace(stratifiedValues(distribution, size, random), random);
}

/**
 * The people of a spec, by quota: each attribute's values are allocated to the exact counts its
 * shares give (to rounding), within each group of its `given:` attributes (people alike in all of
 * them) for a conditional table or distributions,
 * and dealt out in an order drawn from the spec's seed, a stream of draws per attribute. So every
 * marginal and every conditional share is as near its target as whole people allow, at any size,
 * and the same seed makes the same people. Pure.
 */
export function samplePeople(spec: Pick<PopulationSpec, 'seed' | 'size' | 'attributes'>): Person[] {
  const people: Person[] = Array.from({ length: spec.size }, () => ({}));
  // Declared order is sampling order: a `given:` names an attribute declared above it.
  for (const attribute of spec.attributes) {
    const random = seededRandom(streamSeed(spec.seed, attribute.name));
    if (!('given' in attribute)) {
      const values = groupValues(attribute, undefined, people.length, random);
      people.forEach((person, index) => (person[attribute.name] = values[index] as PersonaValue));
      continue;
    }
    const groups = new Map<string, Person[]>();
    for (const person of people) {
      const key = rowKey(attribute.given.map((parent) => String(person[parent])));
      const group = groups.get(key);
      if (group) group.push(person);
      else groups.set(key, [person]);
    }
    // Groups in the order of the rows (each combination of the given attributes' values), so the draws do not depend on who came first.
    const rows = 'table' in attribute ? Object.keys(attribute.table) : Object.keys(attribute.distributions);
    for (const row of rows) {
      const group = groups.get(row) ?? [];
      const values = groupValues(attribute, row, group.length, random);
      group.forEach((person, index) => (person[attribute.name] = values[index] as PersonaValue));
    }
  }
  return people;
}
