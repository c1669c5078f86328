import type { z as Zod } from 'zod';
import { LemmingError, formatProblem, type Problem } from '../errors.js';
import { loadEditedFile, MAX_ORG_YAML_BYTES } from '../editable/edited-file.js';
import { parseYamlSource } from '../editable/yaml-source.js';
import { zod } from '../lazy-modules.js';
import { schemaProblems } from '../org/schema-problems.js';
import { isToolGrant, PERSONA_ATTRIBUTE, PERSONA_ATTRIBUTE_HINT, TOOL_NAMES } from '../org/schema.js';
import type { Distribution } from './distributions.js';
import { placeholdersOf, TEMPLATE_WORDS } from './persona-text.js';

/**
 * A population specification (`lemming populate SPEC.yaml`, an experiment variant's `population:`):
 * a file a person edits, read through the one loader of editable files, checked by its schema and
 * then by its rules, every problem at once with the file, the field, its line and a valid example.
 */

/** A categorical attribute: its values in the order the spec gives them, with a share each, or a table of shares per value of another attribute. */
export type CategoricalAttribute = { name: string; kind: 'categorical'; values: string[] } & ({ shares: number[] } | { given: string; table: Record<string, number[]> });
/** A numeric attribute: one distribution, or one per value of another attribute. */
export type NumericAttribute = { name: string; kind: 'numeric' } & ({ distribution: Distribution } | { given: string; distributions: Record<string, Distribution> });
export type Attribute = CategoricalAttribute | NumericAttribute;

/** What a role's agents are: their title and instructions (templates over the persona), model, budget and tools. */
export interface RoleSpec {
  title: string;
  model: string | string[];
  credits: number;
  tools?: string[];
  schedule?: { every: number; offset: number };
  shared_workspace?: 'read' | 'write';
  instructions: string;
}

/** The roles a structure has: `member` always, `lead` with teams, `head` with departments. */
export const ROLES = ['head', 'lead', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** A population specification, checked. */
export interface PopulationSpec {
  /** The file, as given (errors and the org's header name it). */
  file: string;
  name: string;
  seed: number;
  size: number;
  /** In the order the spec declares them: the order of each resume's `persona:`. */
  attributes: Attribute[];
  structure: { departments?: string; teamSize?: number; peers: boolean };
  roles: Partial<Record<Role, RoleSpec>> & { member: RoleSpec };
  /** The persona's text, a template over the attributes, first in each resume's instructions. */
  persona: string;
}

/** The most people one spec makes: past it an org of this kind is better made in parts. */
export const MAX_SIZE = 100_000;

const ORG_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A valid example of each field of a spec, shown with a problem of it. */
const EXAMPLES: Record<string, string> = {
  name: 'name: panel   # the org\'s name: lower-case letters, digits, "_" or "-"',
  seed: 'seed: 7   # the same seed writes the same files, byte for byte',
  size: `size: 10000   # people, 1 to ${MAX_SIZE.toLocaleString('en-US')} (the human is one more)`,
  attributes: 'attributes: { seniority: { shares: { junior: 0.5, senior: 0.5 } } }',
  shares: 'shares: { junior: 0.5, mid: 0.3, senior: 0.2 }   # shares add up to 1',
  given: 'given: seniority   # a categorical attribute declared in this file',
  table: 'table: { junior: { office: 0.6, remote: 0.4 }, senior: { office: 0.3, remote: 0.7 } }   # a row of shares per value of the given attribute',
  distribution: 'distribution: { kind: normal, mean: 40, sd: 10, min: 21, max: 67 }   # or kind: uniform (min, max), lognormal (median, sigma)',
  distributions: 'distributions: { junior: { kind: normal, mean: 30, sd: 5 }, senior: { kind: normal, mean: 48, sd: 7 } }',
  kind: 'kind: normal   # normal (mean, sd) | uniform (min, max) | lognormal (median, sigma)',
  mean: 'mean: 40',
  sd: 'sd: 10   # above 0',
  median: 'median: 52000   # above 0',
  sigma: 'sigma: 0.4   # above 0',
  min: 'min: 21',
  max: 'max: 67',
  decimals: 'decimals: 0   # places a value is rounded to, 0 to 6',
  structure: 'structure: { departments: department, team_size: 8, peers: true }',
  departments: 'departments: department   # a categorical attribute: a department per value, each under a head',
  team_size: 'team_size: 8   # people under each team lead',
  peers: 'peers: true   # members of a team may write to each other',
  roles: 'roles: { lead: { title: "Team lead", model: offline, credits: 0.5 }, member: { title: "Analyst", model: offline, credits: 0.2 } }',
  head: 'head: { title: "Head of {department}", model: offline, credits: 1 }',
  lead: 'lead: { title: "Team lead: runs a team of {department}", model: offline, credits: 0.5 }',
  member: 'member: { title: "Analyst: answers questions on {department}", model: offline, credits: 0.2 }',
  title: 'title: "Analyst: answers questions on {department}"   # {attribute} is filled in per agent',
  model: 'model: offline   # a key of org/org.yaml models',
  credits: 'credits: 0.2   # each agent\'s budget',
  tools: `tools: [send_message, remember]   # of ${TOOL_NAMES.join(', ')}`,
  instructions: 'instructions: "Answer what you are asked as the person you are."',
  persona: 'persona: "You are {name}, {age}, a {seniority} member of {department}."',
};

function buildSchema(z: typeof Zod) {
  const share = z.number().min(0).max(1);
  const value = z.string().min(1).max(64).regex(/^[^\n\r{}]*$/, 'a value is one line, without "{" or "}"');
  const shares = z.record(value, share);
  const distribution = z.strictObject({
    kind: z.enum(['normal', 'uniform', 'lognormal']),
    mean: z.number().finite().optional(),
    sd: z.number().positive().finite().optional(),
    median: z.number().positive().finite().optional(),
    sigma: z.number().positive().finite().optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    decimals: z.number().int().min(0).max(6).default(0),
  });
  const attribute = z.strictObject({
    shares: shares.optional(),
    given: z.string().optional(),
    table: z.record(z.string(), shares).optional(),
    distribution: distribution.optional(),
    distributions: z.record(z.string(), distribution).optional(),
  });
  const role = z.strictObject({
    title: z.string().min(1).max(200),
    model: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    credits: z.number().min(0).finite(),
    tools: z.array(z.string().refine(isToolGrant, `must be one of ${TOOL_NAMES.join(', ')}, a command tool of org/org.yaml, or an MCP grant like "files/*"`)).optional(),
    schedule: z.strictObject({ every: z.number().int().min(0).default(0), offset: z.number().int().min(0).default(0) }).optional(),
    shared_workspace: z.enum(['read', 'write']).optional(),
    instructions: z.string().max(20_000).default(''),
  });
  return z.strictObject({
    name: z.string().regex(ORG_NAME, 'an org name is lower-case letters, digits, "_" or "-", for example "panel"'),
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
    size: z.number().int().min(1).max(MAX_SIZE),
    attributes: z.record(z.string(), attribute).default({}),
    structure: z
      .strictObject({
        departments: z.string().optional(),
        team_size: z.number().int().min(1).max(1000).optional(),
        peers: z.boolean().default(true),
      })
      .prefault({}),
    roles: z.strictObject({ head: role.optional(), lead: role.optional(), member: role }),
    persona: z.string().max(20_000).default(''),
  });
}

type RawSpec = Zod.infer<ReturnType<typeof buildSchema>>;
type RawAttribute = RawSpec['attributes'][string];
type RawDistribution = NonNullable<RawAttribute['distribution']>;

let schema: ReturnType<typeof buildSchema> | undefined;

/** How far the shares of a list may be from adding up to 1. */
const SUM_TOLERANCE = 0.001;

/** A problem with the spec's own example of the field, when zod's message has none. */
function withExample(problem: Problem): Problem {
  if (problem.message.includes('a valid value looks like')) return problem;
  const last = (problem.field ?? '').split('.').reverse().find((part) => !/^\d+$/.test(part) && Object.hasOwn(EXAMPLES, part));
  return last === undefined ? problem : { ...problem, message: `${problem.message}; a valid value looks like \`${EXAMPLES[last]}\`` };
}

/**
 * Parse a population spec's text and check it: its schema, then its rules (each attribute one kind,
 * `given:` an earlier categorical attribute with a row for each of its values, shares adding up to
 * 1, distributions with their parameters, roles for the structure, placeholders of known names).
 * Pure.
 */
export function parsePopulationSpec(text: string, file: string): { spec?: PopulationSpec; problems: Problem[] } {
  const { source, problems } = parseYamlSource(text, file);
  if (!source) return { problems };
  schema ??= buildSchema(zod().z);
  const parsed = schema.safeParse(source.value ?? {});
  if (!parsed.success) return { problems: schemaProblems(parsed.error, file, source).map(withExample) };
  const found: Problem[] = [];
  const problem = (path: Array<string | number>, message: string): void => {
    const line = source.lineOf(path);
    found.push(withExample({ file, field: path.join('.'), ...(line === undefined ? {} : { line }), message, severity: 'error' }));
  };
  const spec = checkRules(parsed.data, file, problem);
  return found.length > 0 || !spec ? { problems: found } : { spec, problems: [] };
}

type Report = (path: Array<string | number>, message: string) => void;

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
  const of = raw.given as string;
  const givenValues = categorical.get(of);
  if (givenValues === undefined) {
    const known = [...categorical.keys()];
    problem([...path, 'given'], `names ${JSON.stringify(of)}, which is not a categorical attribute declared before ${name}${known.length > 0 ? ` (declared before it: ${known.join(', ')})` : ''}`);
    return undefined;
  }
  const rows = (raw.table ?? raw.distributions) as Record<string, unknown>;
  const field = raw.table ? 'table' : 'distributions';
  const missing = givenValues.filter((value) => !Object.hasOwn(rows, value));
  const extra = Object.keys(rows).filter((value) => !givenValues.includes(value));
  if (missing.length > 0) problem([...path, field], `has no row for ${missing.map((value) => JSON.stringify(value)).join(', ')}: a row for each value of ${of} (${givenValues.join(', ')})`);
  if (extra.length > 0) problem([...path, field], `has a row for ${extra.map((value) => JSON.stringify(value)).join(', ')}, which ${extra.length > 1 ? 'are not values' : 'is not a value'} of ${of} (${givenValues.join(', ')})`);
  if (missing.length > 0 || extra.length > 0) return undefined;
  if (raw.table) {
    let ok = true;
    for (const row of givenValues) {
      const sum = sumProblem(raw.table[row] ?? {});
      if (sum) {
        problem([...path, 'table', row], sum);
        ok = false;
      }
    }
    if (!ok) return undefined;
    const values = valuesOf(givenValues.map((row) => raw.table?.[row] ?? {}));
    const table = Object.fromEntries(givenValues.map((row) => [row, values.map((value) => raw.table?.[row]?.[value] ?? 0)]));
    return { name, kind: 'categorical', values, given: of, table };
  }
  const distributions: Record<string, Distribution> = {};
  let ok = true;
  for (const row of givenValues) {
    const distribution = checkDistribution(raw.distributions?.[row] as RawDistribution, [...path, 'distributions', row], problem);
    if (distribution) distributions[row] = distribution;
    else ok = false;
  }
  return ok ? { name, kind: 'numeric', given: of, distributions } : undefined;
}

function checkRules(raw: RawSpec, file: string, problem: Report): PopulationSpec | undefined {
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
      problem(['attributes', name], `is a name the templates give every agent (${TEMPLATE_WORDS.join(', ')}); call the attribute otherwise`);
      continue;
    }
    const attribute = checkAttribute(name, rawAttribute, categorical, problem);
    if (!attribute) continue;
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
    structure: { ...(structure.departments === undefined ? {} : { departments: structure.departments }), ...(structure.team_size === undefined ? {} : { teamSize: structure.team_size }), peers: structure.peers },
    roles: raw.roles,
    persona: raw.persona,
  };
}

/**
 * Read a population spec from `path` (named `file` in problems) through the one loader of editable
 * files, and check it. Throws a LemmingError (exit 2) listing every problem.
 */
export function readPopulationSpec(path: string, file: string = path): PopulationSpec {
  const loaded = loadEditedFile(path, file, MAX_ORG_YAML_BYTES, parsePopulationSpec);
  if ('missing' in loaded) throw new LemmingError('population-missing', `${file}: there is no such file; a population spec is YAML, see docs/people.md`, { exitCode: 2 });
  if (!('spec' in loaded) || !loaded.spec) throw new LemmingError('population-invalid', loaded.problems.map(formatProblem).join('\n'), { exitCode: 2 });
  return loaded.spec;
}

