import { NUL_CHARACTER } from '../editable/edited-file.js';
import { PERSONA_ATTRIBUTE, PERSONA_ATTRIBUTE_HINT } from '../org/schema.js';
import type { Distribution } from './distributions.js';
import { placeholdersOf, TEMPLATE_WORDS } from './persona-text.js';
import { ROLES, type Attribute, type LeaderRule, type PopulationSpec, type Role } from './population-types.js';
import { checkLeaderRule } from './spec-leaders.js';
import { flattenRows, rowValues } from './conditional-rows.js';
import { EXAMPLES, leafSchemas, type RawAttribute, type RawDistribution, type RawShares, type RawSpec } from './spec-schema.js';

/**
 * How a spec's fields fit together, past what each must be: each attribute one kind, `given:` one
 * or several categorical attributes declared above with a row for each combination of their values, shares adding up to 1,
 * distributions with their parameters, the roles the structure needs, placeholders of known names.
 * Each problem goes to `problem` with its field; a spec with none comes back checked. Pure.
 */

/** How far the shares of a list may be from adding up to 1. */
const SUM_TOLERANCE = 0.001;

export type Report = (path: Array<string | number>, message: string) => void;

function sumProblem(shares: Record<string, number>): string | undefined {
  const sum = Object.values(shares).reduce((left, right) => left + right, 0);
  if (Object.keys(shares).length === 0) return 'lists no value; give each value its share';
  if (Math.abs(sum - 1) > SUM_TOLERANCE) return `add up to ${Number(sum.toFixed(6))}; shares must add up to 1`;
  return undefined;
}

function checkDistribution(raw: RawDistribution, path: Array<string | number>, problem: Report): Distribution | undefined {
  const needs: Record<RawDistribution['kind'], Array<keyof RawDistribution>> = { normal: ['mean', 'sd'], uniform: ['min', 'max'], lognormal: ['median', 'sigma'] };
  const belongs: Record<string, Array<RawDistribution['kind']>> = { mean: ['normal'], sd: ['normal'], median: ['lognormal'], sigma: ['lognormal'] };
  let ok = true;
  for (const field of needs[raw.kind]) {
    if (raw[field] === undefined) {
      problem([...path, field], `is required for kind ${raw.kind}`);
      ok = false;
    }
  }
  for (const [field, kinds] of Object.entries(belongs)) {
    if (raw[field as keyof RawDistribution] !== undefined && !kinds.includes(raw.kind)) {
      problem([...path, field], `is not a parameter of kind ${raw.kind} (it is of ${kinds.join(' or ')}); remove it`);
      ok = false;
    }
  }
  if (raw.min !== undefined && raw.max !== undefined && raw.min >= raw.max) {
    problem([...path, 'max'], `must be above min (${raw.min})`);
    ok = false;
  }
  if (raw.kind === 'lognormal' && raw.max !== undefined && raw.max <= 0) {
    problem([...path, 'max'], 'must be above 0 for kind lognormal');
    ok = false;
  }
  if (!ok) return undefined;
  const bounds = { ...(raw.min === undefined ? {} : { min: raw.min }), ...(raw.max === undefined ? {} : { max: raw.max }) };
  if (raw.kind === 'uniform') return { kind: 'uniform', min: raw.min as number, max: raw.max as number, decimals: raw.decimals };
  if (raw.kind === 'normal') return { kind: 'normal', mean: raw.mean as number, sd: raw.sd as number, ...bounds, decimals: raw.decimals };
  return { kind: 'lognormal', median: raw.median as number, sigma: raw.sigma as number, ...bounds, decimals: raw.decimals };
}

/** The first two values that are the same text in Unicode's composed form (NFC), or undefined. Pure. */
function twoForms(values: readonly string[]): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const value of values) {
    const composed = value.normalize('NFC');
    const earlier = seen.get(composed);
    if (earlier !== undefined && earlier !== value) return [earlier, value];
    seen.set(composed, value);
  }
  return undefined;
}

/** The attribute's values in first-seen order across its shares or every row of its table. */
function valuesOf(rows: Array<Record<string, number>>): string[] {
  const values: string[] = [];
  for (const row of rows) for (const value of Object.keys(row)) if (!values.includes(value)) values.push(value);
  return values;
}

function checkAttribute(name: string, raw: RawAttribute, categorical: ReadonlyMap<string, string[]>, problem: Report): Attribute | undefined {
  const path = ['attributes', name];
  const given = [raw.shares, raw.table, raw.distribution, raw.distributions].filter((part) => part !== undefined).length;
  if (given !== 1) {
    problem(path, `${given === 0 ? 'says nothing of its values' : 'mixes kinds'}: give \`shares:\` (categorical), \`distribution:\` (numeric), or \`given:\` with \`table:\` or \`distributions:\`; a valid value looks like \`${EXAMPLES.shares}\``);
    return undefined;
  }
  const conditional = raw.table !== undefined || raw.distributions !== undefined;
  if (conditional && raw.given === undefined) {
    problem([...path, 'given'], `is required with ${raw.table ? 'table' : 'distributions'}: the attribute whose values the rows are`);
    return undefined;
  }
  if (!conditional && raw.given !== undefined) {
    problem([...path, 'given'], `goes with \`table:\` or \`distributions:\` (a row per value of ${raw.given}), not with \`${raw.shares ? 'shares' : 'distribution'}:\``);
    return undefined;
  }
  if (raw.shares) {
    const sum = sumProblem(raw.shares);
    if (sum) problem([...path, 'shares'], sum);
    const values = Object.keys(raw.shares);
    return sum ? undefined : { name, kind: 'categorical', values, shares: values.map((value) => raw.shares?.[value] ?? 0) };
  }
  if (raw.distribution) {
    const distribution = checkDistribution(raw.distribution, [...path, 'distribution'], problem);
    return distribution ? { name, kind: 'numeric', distribution } : undefined;
  }
  return checkConditional(name, raw, categorical, problem);
}

/** A conditional attribute: `given:` one or several categorical attributes declared above, and a row (shares or a distribution) for each combination of their values. */
function checkConditional(name: string, raw: RawAttribute, categorical: ReadonlyMap<string, string[]>, problem: Report): Attribute | undefined {
  const path = ['attributes', name];
  const names = typeof raw.given === 'string' ? [raw.given] : (raw.given ?? []);
  const given: Array<{ name: string; values: string[] }> = [];
  for (const of of names) {
    const values = categorical.get(of);
    if (values === undefined) {
      const known = [...categorical.keys()];
      problem([...path, 'given'], `names ${JSON.stringify(of)}, which is not a categorical attribute declared before ${name}${known.length > 0 ? ` (declared before it: ${known.join(', ')})` : ''}`);
      return undefined;
    }
    if (given.some((parent) => parent.name === of)) {
      problem([...path, 'given'], `names ${of} twice; name each attribute once`);
      return undefined;
    }
    given.push({ name: of, values });
  }
  const field = raw.table ? 'table' : 'distributions';
  const flat = flattenRows(raw.table ?? raw.distributions, given);
  for (const found of flat.problems) problem([...path, field, ...found.path], found.message);
  if (!flat.rows) return undefined;
  const leaves = leafSchemas();
  let ok = true;
  if (raw.table) {
    const rows = new Map<string, RawShares>();
    for (const [key, leaf] of flat.rows) {
      const rowPath = [...path, 'table', ...rowValues(key)];
      const parsed = leaves.shares.safeParse(leaf);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) problem([...rowPath, ...issue.path.map(String)], issue.message);
        ok = false;
        continue;
      }
      const sum = sumProblem(parsed.data);
      if (sum) {
        problem(rowPath, sum);
        ok = false;
      }
      rows.set(key, parsed.data);
    }
    if (!ok) return undefined;
    const values = valuesOf([...rows.values()]);
    const table = Object.fromEntries([...rows].map(([key, row]) => [key, values.map((value) => row[value] ?? 0)]));
    return { name, kind: 'categorical', values, given: names, table };
  }
  const distributions: Record<string, Distribution> = {};
  for (const [key, leaf] of flat.rows) {
    const rowPath = [...path, 'distributions', ...rowValues(key)];
    const parsed = leaves.distribution.safeParse(leaf);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) problem([...rowPath, ...issue.path.map(String)], issue.message);
      ok = false;
      continue;
    }
    const distribution = checkDistribution(parsed.data, rowPath, problem);
    if (distribution) distributions[key] = distribution;
    else ok = false;
  }
  return ok ? { name, kind: 'numeric', given: names, distributions } : undefined;
}

export function checkRules(raw: RawSpec, file: string, problem: Report): PopulationSpec | undefined {
  const attributes: Attribute[] = [];
  // Declared before its dependents: a `given:` names an attribute above it, so there is no cycle to find.
  const categorical = new Map<string, string[]>();
  // Every attribute declared, broken or not: a template naming one is not also told it names nothing.
  const declared: string[] = [];
  for (const [name, rawAttribute] of Object.entries(raw.attributes)) {
    declared.push(name);
    if (!PERSONA_ATTRIBUTE.test(name)) {
      problem(['attributes', name], `is not an attribute name: ${PERSONA_ATTRIBUTE_HINT}`);
      continue;
    }
    if (TEMPLATE_WORDS.includes(name)) {
      problem(['attributes', name], `is reserved: the templates give every agent ${TEMPLATE_WORDS.map((word) => `{${word}}`).join(', ')} (docs/people.md, "Reserved names"); call the attribute otherwise, for example "job_role"`);
      continue;
    }
    const attribute = checkAttribute(name, rawAttribute, categorical, problem);
    if (!attribute) continue;
    const withNul = attribute.kind === 'categorical' ? attribute.values.filter((value) => value.includes('\0')) : [];
    if (withNul.length > 0) {
      problem(['attributes', name, 'shares' in attribute ? 'shares' : 'table'], `the value ${JSON.stringify(withNul[0])} ${NUL_CHARACTER}`);
      continue;
    }
    // Said, and the attribute kept: what names it (structure.departments, a given:) is not also refused.
    const alike = attribute.kind === 'categorical' ? twoForms(attribute.values) : undefined;
    if (alike !== undefined) {
      problem(
        ['attributes', name, 'shares' in rawAttribute ? 'shares' : 'table'],
        `the values ${JSON.stringify(alike[0])} and ${JSON.stringify(alike[1])} are one text written in two Unicode forms (${[...alike[0]].length} and ${[...alike[1]].length} characters: composed and decomposed), so they would be two values that read alike: write it once, in one form`,
      );
    }
    attributes.push(attribute);
    if (attribute.kind === 'categorical') categorical.set(name, attribute.values);
  }
  const structure = raw.structure;
  if (structure.departments !== undefined && !categorical.has(structure.departments)) {
    problem(['structure', 'departments'], `names ${JSON.stringify(structure.departments)}, which is not a categorical attribute of this file${categorical.size > 0 ? ` (${[...categorical.keys()].join(', ')})` : ''}`);
  }
  const needed: Array<[Role, boolean, string]> = [
    ['head', structure.departments !== undefined, 'structure.departments puts a head over each department'],
    ['lead', structure.team_size !== undefined, 'structure.team_size puts a lead over each team'],
  ];
  for (const [role, wanted, why] of needed) {
    if (wanted && !raw.roles[role]) problem(['roles', role], `is required: ${why}`);
    if (!wanted && raw.roles[role]) problem(['roles', role], `is given, but ${why.split(' puts')[0]} is not set, so nobody has this role; remove it or set it`);
  }
  const rules: Array<['heads' | 'leads', boolean, string]> = [
    ['heads', structure.departments !== undefined, 'structure.departments'],
    ['leads', structure.team_size !== undefined, 'structure.team_size'],
  ];
  const leaders: { heads?: LeaderRule; leads?: LeaderRule } = {};
  for (const [field, wanted, needs] of rules) {
    const rule = structure[field];
    if (rule === undefined) continue;
    if (!wanted) problem(['structure', field], `chooses ${field}, but ${needs} is not set, so there are none to choose; remove it or set ${needs}`);
    const checked = checkLeaderRule(rule, ['structure', field], attributes, declared, problem);
    if (checked) leaders[field] = checked;
  }
  const known = [...TEMPLATE_WORDS, ...declared];
  const checkTemplate = (path: Array<string | number>, text: string): void => {
    const unknown = placeholdersOf(text).filter((word) => !known.includes(word));
    if (unknown.length > 0) problem(path, `names ${unknown.map((word) => `{${word}}`).join(', ')}, which ${unknown.length > 1 ? 'are' : 'is'} not an attribute; the templates know ${known.map((word) => `{${word}}`).join(', ')}`);
  };
  checkTemplate(['persona'], raw.persona);
  for (const role of ROLES) {
    const spec = raw.roles[role];
    if (!spec) continue;
    checkTemplate(['roles', role, 'title'], spec.title);
    checkTemplate(['roles', role, 'instructions'], spec.instructions);
  }
  return {
    file,
    name: raw.name,
    seed: raw.seed,
    size: raw.size,
    attributes,
    structure: { ...(structure.departments === undefined ? {} : { departments: structure.departments }), ...(structure.team_size === undefined ? {} : { teamSize: structure.team_size }), peers: structure.peers, ...leaders },
    roles: raw.roles,
    persona: raw.persona,
  };
}
