import type { Distribution } from './distributions.js';

/** What a population spec describes, once checked (population-spec.ts reads one). */

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
