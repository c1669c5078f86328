import type { Distribution } from './distributions.js';

/** What a population spec describes, once checked (population-spec.ts reads one). */

/**
 * A categorical attribute: its values in the order the spec gives them, with a share each, or a
 * table of shares per combination of the values of the attributes it is given (one or several),
 * keyed by `rowKey` (conditional-rows.ts).
 */
export type CategoricalAttribute = { name: string; kind: 'categorical'; values: string[] } & ({ shares: number[] } | { given: string[]; table: Record<string, number[]> });
/** A numeric attribute: one distribution, or one per combination of the values of the attributes it is given, keyed by `rowKey`. */
export type NumericAttribute = { name: string; kind: 'numeric' } & ({ distribution: Distribution } | { given: string[]; distributions: Record<string, Distribution> });
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

/** What a person must be to qualify under a leader rule's `where:`: one of some values of a categorical attribute, or within bounds of a numeric one. */
export type Condition = { values: string[] } | { min?: number; max?: number };

/**
 * How a group's heads or leads are chosen (`structure.heads`, `structure.leads`): among the people
 * who meet every `where:` condition, the first by `by` in `order` (a numeric attribute's largest
 * first with `desc`; a categorical one's values as `order` lists them, or as the attribute lists
 * them with `asc`, reversed with `desc`), ties in the seeded order. Without a rule, the group's first.
 */
export interface LeaderRule {
  by?: string;
  order: 'asc' | 'desc' | string[];
  where: Record<string, Condition>;
}

/** A population specification, checked. */
export interface PopulationSpec {
  /** The file, as given (errors and the org's header name it). */
  file: string;
  name: string;
  seed: number;
  size: number;
  /** In the order the spec declares them: the order of each resume's `persona:`. */
  attributes: Attribute[];
  structure: { departments?: string; teamSize?: number; peers: boolean; heads?: LeaderRule; leads?: LeaderRule };
  roles: Partial<Record<Role, RoleSpec>> & { member: RoleSpec };
  /** The persona's text, a template over the attributes, first in each resume's instructions. */
  persona: string;
}

/** The most people one spec makes: past it an org of this kind is better made in parts. */
export const MAX_SIZE = 100_000;
