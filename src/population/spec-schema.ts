import type { z as Zod } from 'zod';
import type { Problem } from '../errors.js';
import { zod } from '../lazy-modules.js';
import { NUL_CHARACTER } from '../editable/edited-file.js';
import { isToolGrant, TOOL_NAMES } from '../org/schema.js';
import { MAX_GIVEN } from './conditional-rows.js';
import { MAX_SIZE } from './population-types.js';

/** The schema of a population spec's fields (what each must be); spec-rules.ts checks how they fit together. */

const ORG_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** The most characters of the persona's text and of a role's instructions, as written and as filled in for any agent (spec-bounds.ts). */
export const MAX_TEMPLATE_CHARS = 20_000;
/** The most characters of a role's title, as written and as filled in. */
export const MAX_TITLE_CHARS = 200;
/** The most characters of an attribute's value. */
export const MAX_VALUE_CHARS = 64;

/** A valid example of each field of a spec, shown with a problem of it. */
export const EXAMPLES: Record<string, string> = {
  name: 'name: panel   # the org\'s name: lower-case letters, digits, "_" or "-"',
  seed: 'seed: 7   # the same seed writes the same files, byte for byte',
  size: `size: 10000   # people, 1 to ${MAX_SIZE.toLocaleString('en-US')} (the human is one more)`,
  attributes: 'attributes: { seniority: { shares: { junior: 0.5, senior: 0.5 } } }',
  shares: 'shares: { junior: 0.5, mid: 0.3, senior: 0.2 }   # shares add up to 1',
  given: 'given: seniority   # a categorical attribute declared above, or several: given: [age_band, seniority]',
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
  heads: 'heads: { by: tenure, order: desc, where: { age: { min: 35 } } }   # each department\'s head: the most tenured aged 35 or more',
  leads: 'leads: { by: seniority, order: [senior, mid], where: { remote: [office, hybrid] } }   # each team\'s lead: seniors first, then mids, among those in the office',
  by: 'by: seniority   # an attribute declared in this file: whom to take first',
  order: 'order: desc   # asc | desc (a numeric attribute\'s largest first; a categorical one\'s values reversed), or the values in order: [senior, mid, junior]',
  where: 'where: { department: [sales, support], age: { min: 30, max: 60 } }   # values of a categorical attribute, bounds of a numeric one',
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

function buildLeaves(z: typeof Zod) {
  const share = z.number().min(0).max(1);
  // A NUL in a value is refused by spec-rules.ts, which can name the value (zod says only "Invalid key in record" of a key).
  const value = z.string().min(1).max(MAX_VALUE_CHARS).regex(/^[^\n\r{}]*$/, 'a value is one line, without "{" or "}"');
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
  return { shares, distribution };
}

function buildSchema(z: typeof Zod) {
  // A NUL would pass YAML ("\\0") and then make a resume the loader refuses as binary.
  const noNul = (text: string): boolean => !text.includes('\0');
  const { shares, distribution } = leafSchemas();
  const attribute = z.strictObject({
    shares: shares.optional(),
    given: z.union([z.string(), z.array(z.string()).min(1).max(MAX_GIVEN)]).optional(),
    // Rows nested a level per given attribute: each leaf is checked with its schema by spec-rules.ts, which knows the depth.
    table: z.record(z.string(), z.unknown()).optional(),
    distribution: distribution.optional(),
    distributions: z.record(z.string(), z.unknown()).optional(),
  });
  const condition = z.union([z.string().min(1), z.number(), z.boolean(), z.array(z.union([z.string().min(1), z.number(), z.boolean()])).min(1), z.strictObject({ min: z.number().finite().optional(), max: z.number().finite().optional() })]);
  const leaderRule = z.strictObject({
    by: z.string().optional(),
    order: z.union([z.enum(['asc', 'desc']), z.array(z.string().min(1)).min(1)]).default('desc'),
    where: z.record(z.string(), condition).default({}),
  });
  const role = z.strictObject({
    title: z.string().min(1).max(MAX_TITLE_CHARS).refine(noNul, NUL_CHARACTER),
    model: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    credits: z.number().min(0).finite(),
    tools: z.array(z.string().refine(isToolGrant, `must be one of ${TOOL_NAMES.join(', ')}, a command tool of org/org.yaml, or an MCP grant like "files/*"`)).optional(),
    schedule: z.strictObject({ every: z.number().int().min(0).default(0), offset: z.number().int().min(0).default(0) }).optional(),
    shared_workspace: z.enum(['read', 'write']).optional(),
    instructions: z.string().max(MAX_TEMPLATE_CHARS).refine(noNul, NUL_CHARACTER).default(''),
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
        heads: leaderRule.optional(),
        leads: leaderRule.optional(),
      })
      .prefault({}),
    roles: z.strictObject({ head: role.optional(), lead: role.optional(), member: role }),
    persona: z.string().max(MAX_TEMPLATE_CHARS).refine(noNul, NUL_CHARACTER).default(''),
  });
}

export type RawSpec = Zod.infer<ReturnType<typeof buildSchema>>;
export type RawAttribute = RawSpec['attributes'][string];
export type RawDistribution = NonNullable<RawAttribute['distribution']>;
export type RawShares = NonNullable<RawAttribute['shares']>;

let schema: ReturnType<typeof buildSchema> | undefined;
let leaves: ReturnType<typeof buildLeaves> | undefined;

/** The schemas of a row of shares and of a distribution, for the leaves of a conditional attribute's rows. */
export function leafSchemas(): ReturnType<typeof buildLeaves> {
  return (leaves ??= buildLeaves(zod().z));
}

/** The spec's schema, built on first use (see lazy-modules.ts). */
export function specSchema(): ReturnType<typeof buildSchema> {
  return (schema ??= buildSchema(zod().z));
}

/** A problem with the spec's own example of the field, when zod's message has none. */
export function withExample(problem: Problem): Problem {
  if (problem.message.includes('a valid value looks like')) return problem;
  const last = (problem.field ?? '').split('.').reverse().find((part) => !/^\d+$/.test(part) && Object.hasOwn(EXAMPLES, part));
  return last === undefined ? problem : { ...problem, message: `${problem.message}; a valid value looks like \`${EXAMPLES[last]}\`` };
}
