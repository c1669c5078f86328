import type { Attribute, Condition, LeaderRule } from './population-types.js';
import type { Report } from './spec-rules.js';
import type { RawSpec } from './spec-schema.js';

/**
 * How `structure.heads` and `structure.leads` fit the rest of a spec: `by` and each `where:` key
 * an attribute declared in the file, an `order:` list and a categorical condition only values of
 * their attribute, bounds only on a numeric one and in order. Pure.
 */

type RawRule = NonNullable<RawSpec['structure']['leads']>;

const quoted = (values: readonly string[]): string => values.map((value) => JSON.stringify(value)).join(', ');

export function checkLeaderRule(raw: RawRule, path: string[], attributes: readonly Attribute[], declared: readonly string[], problem: Report): LeaderRule | undefined {
  let ok = true;
  const fail = (at: string[], message: string): void => {
    problem(at, message);
    ok = false;
  };
  const find = (name: string, at: string[]): Attribute | undefined => {
    const attribute = attributes.find((candidate) => candidate.name === name);
    // An attribute declared but broken has its own problem already.
    if (!attribute && !declared.includes(name)) fail(at, `names ${JSON.stringify(name)}, which is not an attribute of this file${declared.length > 0 ? ` (${declared.join(', ')})` : ''}`);
    if (!attribute) ok = false;
    return attribute;
  };
  if (raw.by !== undefined) {
    const by = find(raw.by, [...path, 'by']);
    if (by && Array.isArray(raw.order)) {
      if (by.kind === 'numeric') fail([...path, 'order'], `lists values, but ${by.name} is a number: use \`order: desc\` (largest first) or \`order: asc\``);
      else {
        const unknown = raw.order.filter((value) => !by.values.includes(value));
        if (unknown.length > 0) fail([...path, 'order'], `names ${quoted(unknown)}, which ${unknown.length > 1 ? 'are not values' : 'is not a value'} of ${by.name} (${by.values.join(', ')})`);
      }
    }
  } else if (Array.isArray(raw.order)) {
    fail([...path, 'order'], 'lists values, but there is no `by:` to order by; name the attribute, for example `by: seniority`');
  }
  const where: Record<string, Condition> = Object.create(null) as Record<string, Condition>;
  for (const [name, condition] of Object.entries(raw.where)) {
    const at = [...path, 'where', name];
    const attribute = find(name, at);
    if (!attribute) continue;
    const isBounds = typeof condition === 'object' && !Array.isArray(condition);
    if (attribute.kind === 'numeric') {
      if (!isBounds) {
        fail(at, `${name} is a number: give bounds, for example \`${name}: { min: 30, max: 60 }\``);
        continue;
      }
      if (condition.min !== undefined && condition.max !== undefined && condition.min > condition.max) fail([...at, 'max'], `must be at least min (${condition.min})`);
      else where[name] = { ...(condition.min === undefined ? {} : { min: condition.min }), ...(condition.max === undefined ? {} : { max: condition.max }) };
      continue;
    }
    if (isBounds) {
      fail(at, `${name} is categorical: give a value or a list of values (${attribute.values.join(', ')})`);
      continue;
    }
    const values = (Array.isArray(condition) ? condition : [condition]).map(String);
    const unknown = values.filter((value) => !attribute.values.includes(value));
    if (unknown.length > 0) fail(at, `names ${quoted(unknown)}, which ${unknown.length > 1 ? 'are not values' : 'is not a value'} of ${name} (${attribute.values.join(', ')})`);
    else where[name] = { values };
  }
  return ok ? { ...(raw.by === undefined ? {} : { by: raw.by }), order: raw.order, where } : undefined;
}
