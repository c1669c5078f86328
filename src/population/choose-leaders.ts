import { EXIT, LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';
import type { Attribute, Condition, LeaderRule } from './population-types.js';
import type { Person } from './sample-people.js';

/**
 * Who of a group leads, under a spec's `structure.heads` or `structure.leads` (population-types.ts):
 * the people who meet every `where:` condition, ranked by `by` in `order`, ties kept in the seeded
 * order sampling gave them; so the same seed chooses the same leaders. Pure.
 */

function meets(person: Person, where: Readonly<Record<string, Condition>>): boolean {
  for (const [name, condition] of Object.entries(where)) {
    const value = person[name];
    if ('values' in condition) {
      if (!condition.values.includes(String(value))) return false;
      continue;
    }
    const number = Number(value);
    if (condition.min !== undefined && !(number >= condition.min)) return false;
    if (condition.max !== undefined && !(number <= condition.max)) return false;
  }
  return true;
}

/** A person's rank under the rule: lower first. */
function ranker(rule: LeaderRule, attributes: readonly Attribute[]): (person: Person) => number {
  const by = rule.by === undefined ? undefined : attributes.find((attribute) => attribute.name === rule.by);
  if (!by) return () => 0;
  if (by.kind === 'numeric') return rule.order === 'asc' ? (person) => Number(person[by.name]) : (person) => -Number(person[by.name]);
  const order = Array.isArray(rule.order) ? rule.order : rule.order === 'asc' ? by.values : [...by.values].reverse();
  // A value the order leaves out comes after every value it lists.
  return (person) => {
    const at = order.indexOf(String(person[by.name]));
    return at === -1 ? order.length : at;
  };
}

/** The people of a group who may lead under the rule, best first (a stable sort keeps the seeded order among equals). */
export function rankLeaders(rule: LeaderRule, people: readonly Person[], attributes: readonly Attribute[]): Person[] {
  const rank = ranker(rule, attributes);
  return people
    .filter((person) => meets(person, rule.where))
    .map((person) => ({ person, rank: rank(person) }))
    .sort((left, right) => left.rank - right.rank)
    .map(({ person }) => person);
}

/**
 * The `count` leaders of a group (its head, or its teams' leads) under the rule, best first; a group
 * with fewer people who qualify than leaders to choose is refused, naming the field and the counts.
 */
export function chooseLeaders(rule: LeaderRule, field: 'heads' | 'leads', people: readonly Person[], count: number, attributes: readonly Attribute[], where: { group: string; file?: string }): Person[] {
  const ranked = rankLeaders(rule, people, attributes);
  if (ranked.length < count) {
    const wanted = field === 'heads' ? 'a head' : `${formatCount(count)} team lead(s)`;
    throw new LemmingError(
      'population-invalid',
      `${where.file === undefined ? '' : `${where.file}: `}structure.${field}.where: ${where.group} needs ${wanted} and ${formatCount(ranked.length)} of its ${formatCount(people.length)} people meet the conditions (${Object.keys(rule.where).join(', ')}); loosen \`where:\`, or make teams larger (structure.team_size)`,
      { exitCode: EXIT.usage },
    );
  }
  return ranked.slice(0, count);
}
