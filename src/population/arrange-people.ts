import { HUMAN } from '../org/names.js';
import { chooseLeaders } from './choose-leaders.js';
import type { PopulationSpec, Role } from './population-types.js';
import type { Person } from './sample-people.js';

/** One agent of a population: who it is, its role, whom it reports to, and whom it may write to and read. */
export interface Position {
  name: string;
  role: Role;
  person: Person;
  reportsTo: string;
  /** Its team's number within its department (or the org), from 1; none for a head, or without teams. */
  team?: number;
  /** Whom it may write to and read from: its manager, those who report to it, and its teammates when peers talk. */
  contacts: string[];
  /** Whom it may read from, when that is not `contacts` (an imported network's edges go one way). */
  readFrom?: string[];
}

/** An arranged population: every agent in chart order (department by department, each team's lead before its members), and whom the human writes to. */
export interface Arrangement {
  positions: Position[];
  /** The agents who report to the human. */
  top: string[];
}

/** `agent_00001`…: numbered in chart order, wide enough for the size (five digits at least), so names sort as the chart reads. */
export function agentNames(count: number): string[] {
  const width = Math.max(5, String(count).length);
  return Array.from({ length: count }, (_, index) => `agent_${String(index + 1).padStart(width, '0')}`);
}

/** `count` people split into `teams` teams whose sizes differ by one at most, the larger first. */
function teamSizes(count: number, teams: number): number[] {
  return Array.from({ length: teams }, (_, index) => Math.floor(count / teams) + (index < count % teams ? 1 : 0));
}

/** The teams `count` people (a department's, or the org's) make with `teamSize` members under each lead: each team's size, its lead included. */
export function teamsOf(count: number, teamSize: number): number[] {
  return teamSizes(count, Math.ceil(count / (teamSize + 1)));
}

/** The people in groups: a department each, in the order the attribute lists its values (empty ones left out), or the whole org. */
export function groupsOf(spec: Pick<PopulationSpec, 'structure' | 'attributes'>, people: readonly Person[]): Person[][] {
  const { departments } = spec.structure;
  if (departments === undefined) return [[...people]];
  const attribute = spec.attributes.find((candidate) => candidate.name === departments);
  const values = attribute?.kind === 'categorical' ? attribute.values : [];
  const byValue = new Map<string, Person[]>(values.map((value) => [value, []]));
  for (const person of people) byValue.get(String(person[departments]))?.push(person);
  return [...byValue.values()].filter((group) => group.length > 0);
}

/**
 * Put the people in a structure (the spec's `structure:`): a department per value of
 * `departments`, in the order the attribute lists its values, under a head (the department's
 * first person, or the first `structure.heads` ranks: choose-leaders.ts); within it (or the whole
 * org), teams of a lead (the team's first person, or the next `structure.leads` ranks) and at most `team_size` members,
 * as even as whole people allow; otherwise everyone reports to the department's head, or to the
 * human. Whom one may write to and read follows the lines: one's manager and one's reports, and
 * with `peers` one's teammates. The people keep the seeded order sampling gave them. Pure.
 */
export function arrangePeople(spec: Pick<PopulationSpec, 'structure' | 'attributes'> & { file?: string }, people: readonly Person[]): Arrangement {
  const { departments, teamSize, peers, heads, leads } = spec.structure;
  const groups = groupsOf(spec, people);

  const names = agentNames(people.length);
  let next = 0;
  const positions: Position[] = [];
  const top: string[] = [];
  const place = (person: Person, role: Role, reportsTo: string, team?: number): Position => {
    const position: Position = { name: names[next++] as string, role, person, reportsTo, ...(team === undefined ? {} : { team }), contacts: [reportsTo] };
    positions.push(position);
    if (reportsTo === HUMAN) top.push(position.name);
    return position;
  };
  for (const group of groups) {
    let rest = group;
    let manager: Position | undefined;
    const label = { group: departments === undefined ? 'the org' : `department ${String(group[0]?.[departments])}`, ...(spec.file === undefined ? {} : { file: spec.file }) };
    if (departments !== undefined) {
      const head = heads === undefined ? (group[0] as Person) : (chooseLeaders(heads, 'heads', group, 1, spec.attributes, label)[0] as Person);
      manager = place(head, 'head', HUMAN);
      rest = group.filter((person) => person !== head);
    }
    if (teamSize === undefined) {
      for (const person of rest) {
        const member = place(person, 'member', manager?.name ?? HUMAN);
        manager?.contacts.push(member.name);
      }
      continue;
    }
    const sizes = teamsOf(rest.length, teamSize);
    // Without a rule each team's first person leads it; with one, the best-ranked lead the teams in order and the rest are dealt out as before.
    const chosen = leads === undefined ? undefined : chooseLeaders(leads, 'leads', rest, sizes.length, spec.attributes, label);
    const chosenSet = new Set(chosen);
    const others = chosen === undefined ? rest : rest.filter((person) => !chosenSet.has(person));
    let from = 0;
    sizes.forEach((size, index) => {
      const team = chosen === undefined ? rest.slice(from, from + size) : [chosen[index] as Person, ...others.slice(from, from + size - 1)];
      from += chosen === undefined ? size : size - 1;
      const lead = place(team[0] as Person, 'lead', manager?.name ?? HUMAN, index + 1);
      manager?.contacts.push(lead.name);
      const members = team.slice(1).map((person) => place(person, 'member', lead.name, index + 1));
      for (const member of members) {
        lead.contacts.push(member.name);
        if (peers) member.contacts.push(...members.filter((other) => other !== member).map((other) => other.name));
      }
    });
  }
  return { positions, top };
}
