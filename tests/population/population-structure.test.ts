import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { populateLines } from '../../src/cli/commands/populate.js';
import { formatProblem } from '../../src/errors.js';
import { allocate } from '../../src/population/allocate.js';
import { arrangePeople, type Position } from '../../src/population/arrange-people.js';
import { makePopulation } from '../../src/population/populate-org.js';
import { populate } from '../../src/population/populate.js';
import { parsePopulationSpec, readPopulationSpec } from '../../src/population/population-spec.js';
import type { PopulationSpec } from '../../src/population/population-types.js';
import { samplePeople, type Person } from '../../src/population/sample-people.js';
import { DEFAULT_ORG, REPO_ROOT, tempDir } from '../helpers/temp-org.js';

function spec(text: string): PopulationSpec {
  const parsed = parsePopulationSpec(text, 'people.yaml');
  expect(parsed.problems.map(formatProblem)).toEqual([]);
  return parsed.spec as PopulationSpec;
}

const ROLES = `roles:
  head: { title: "Head of {department}", model: offline, credits: 1 }
  lead: { title: "Lead", model: offline, credits: 0.5 }
  member: { title: "Analyst", model: offline, credits: 0.2 }
`;

/** The population: age bands, seniority given the band, tenure given band and seniority (nobody 25-34 with 12+ years), leads by rule. */
function structured(size: number, structure = ''): string {
  return `name: panel
seed: 11
size: ${size}
attributes:
  department: { shares: { admin: 0.3, sales: 0.4, engineering: 0.3 } }
  age_band: { shares: { 25-34: 0.35, 35-49: 0.4, 50-64: 0.25 } }
  seniority:
    given: age_band
    table:
      25-34: { junior: 0.7, mid: 0.25, senior: 0.05 }
      35-49: { junior: 0.2, mid: 0.5, senior: 0.3 }
      50-64: { junior: 0.1, mid: 0.4, senior: 0.5 }
  tenure:
    given: [age_band, seniority]
    distributions:
      25-34:
        junior: { kind: uniform, min: 0, max: 4, decimals: 3 }
        mid: { kind: uniform, min: 1, max: 7, decimals: 3 }
        senior: { kind: uniform, min: 3, max: 10, decimals: 3 }
      35-49:
        junior: { kind: uniform, min: 0, max: 8, decimals: 3 }
        mid: { kind: normal, mean: 10, sd: 4, min: 2, max: 25, decimals: 3 }
        senior: { kind: normal, mean: 15, sd: 5, min: 5, max: 30, decimals: 3 }
      50-64:
        junior: { kind: uniform, min: 0, max: 20, decimals: 3 }
        mid: { kind: normal, mean: 18, sd: 6, min: 5, max: 40, decimals: 3 }
        senior: { kind: normal, mean: 24, sd: 6, min: 10, max: 45, decimals: 3 }
  office:
    given: [department, seniority]
    table:
      admin: { junior: { office: 0.8, remote: 0.2 }, mid: { office: 0.6, remote: 0.4 }, senior: { office: 0.5, remote: 0.5 } }
      sales: { junior: { office: 0.3, remote: 0.7 }, mid: { office: 0.5, remote: 0.5 }, senior: { office: 0.9, remote: 0.1 } }
      engineering: { junior: { office: 0.4, remote: 0.6 }, mid: { office: 0.2, remote: 0.8 }, senior: { office: 0.1, remote: 0.9 } }
structure:
  departments: department
  team_size: 8
${structure}${ROLES}`;
}

const RULES = `  heads: { by: tenure, order: desc, where: { age_band: [35-49, 50-64] } }
  leads: { by: seniority, order: [senior, mid], where: { tenure: { min: 3 } } }
`;

const SENIORITY_RANK: Record<string, number> = { senior: 0, mid: 1, junior: 2 };

describe('leads and heads chosen by rules over attributes', () => {
  test('every head and lead meets its where:, nobody passed over outranks them, and the same seed chooses the same people', () => {
    const population = spec(structured(2_000, RULES));
    const { positions } = arrangePeople(population, samplePeople(population));
    const department = (position: Position): string => String(position.person.department);
    const heads = positions.filter((position) => position.role === 'head');
    const leads = positions.filter((position) => position.role === 'lead');
    expect(heads).toHaveLength(3);
    expect(leads.length).toBeGreaterThan(200);
    for (const head of heads) {
      expect(['35-49', '50-64']).toContain(head.person.age_band);
      // The head has the most tenure of everyone in its department who qualifies.
      const rivals = positions.filter((other) => other !== head && department(other) === department(head) && other.person.age_band !== '25-34');
      expect(Math.max(...rivals.map((other) => Number(other.person.tenure)))).toBeLessThanOrEqual(Number(head.person.tenure));
    }
    for (const lead of leads) {
      expect(Number(lead.person.tenure)).toBeGreaterThanOrEqual(3);
      expect(['senior', 'mid']).toContain(lead.person.seniority);
    }
    // No member who qualifies outranks the lowest-ranked lead of the department.
    for (const name of ['admin', 'sales', 'engineering']) {
      const worstLead = Math.max(...leads.filter((lead) => department(lead) === name).map((lead) => SENIORITY_RANK[String(lead.person.seniority)] as number));
      const members = positions.filter((position) => position.role === 'member' && department(position) === name && Number(position.person.tenure) >= 3);
      expect(Math.min(...members.map((member) => SENIORITY_RANK[String(member.person.seniority)] as number))).toBeGreaterThanOrEqual(worstLead);
    }
    // Each team is still its lead and at most 8 members, in chart order.
    const again = arrangePeople(population, samplePeople(population));
    expect(again.positions.map((position) => `${position.name} ${position.role} ${position.reportsTo}`)).toEqual(positions.map((position) => `${position.name} ${position.role} ${position.reportsTo}`));
    expect(new Set(positions.map((position) => position.person)).size).toBe(2_000);
  });

  test('without rules, the group\'s first person leads, as before (a Chief aged 25-34 is possible: the finding)', () => {
    const population = spec(structured(2_000));
    const { positions } = arrangePeople(population, samplePeople(population));
    const byRule = spec(structured(2_000, RULES));
    expect(positions.filter((position) => position.role === 'lead').some((lead) => Number(lead.person.tenure) < 3 || lead.person.seniority === 'junior')).toBe(true);
    expect(arrangePeople(byRule, samplePeople(byRule)).positions.filter((position) => position.role === 'lead').some((lead) => lead.person.seniority === 'junior')).toBe(false);
  });

  test('a rule too strict for a department is refused before anything is written, naming the field and the counts', () => {
    const population = spec(structured(200, '  leads: { where: { seniority: senior, office: office } }\n'));
    expect(() => makePopulation(population)).toThrow(/^people\.yaml: structure\.leads\.where: department \w+ needs \d+ team lead\(s\) and \d+ of its \d+ people meet the conditions \(seniority, office\)/);
  });

  test('a rule naming what the spec lacks is named with the file, the field, the line and a valid value', () => {
    const text = structured(100, '  leads: { by: seniorty, where: { age_band: 20-24, tenure: senior } }\n  heads: { by: tenure, order: [high] }\n');
    expect(parsePopulationSpec(text, 'people.yaml').problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^people\.yaml:\d+: structure\.heads\.order: lists values, but tenure is a number: use `order: desc`/),
      expect.stringMatching(/^people\.yaml:\d+: structure\.leads\.by: names "seniorty", which is not an attribute of this file \(department, age_band, seniority, tenure, office\); a valid value looks like `by: seniority/),
      expect.stringMatching(/^people\.yaml:\d+: structure\.leads\.where\.age_band: names "20-24", which is not a value of age_band \(25-34, 35-49, 50-64\)/),
      expect.stringMatching(/^people\.yaml:\d+: structure\.leads\.where\.tenure: tenure is a number: give bounds, for example `tenure: \{ min: 30, max: 60 \}`/),
    ]);
  });
});

describe('attributes given several others', () => {
  test('at 10,000 people: each combination\'s counts are its exact quota, and each numeric row keeps its own bounds and median', () => {
    const population = spec(structured(10_000));
    const people = samplePeople(population);
    const cell = (band: string, seniority: string): Person[] => people.filter((person) => person.age_band === band && person.seniority === seniority);
    // The finding: 138 of 636 people aged 25-34 had 12+ years of tenure. Here their row stops at 10.
    const young = people.filter((person) => person.age_band === '25-34');
    expect(young.filter((person) => Number(person.tenure) >= 12)).toHaveLength(0);
    expect(Math.max(...young.map((person) => Number(person.tenure)))).toBeLessThanOrEqual(10);
    const uniformRows: Array<[string, string, number, number]> = [['25-34', 'junior', 0, 4], ['25-34', 'mid', 1, 7], ['25-34', 'senior', 3, 10], ['35-49', 'junior', 0, 8], ['50-64', 'junior', 0, 20]];
    for (const [band, seniority, min, max] of uniformRows) {
      const values = cell(band, seniority).map((person) => Number(person.tenure));
      expect(Math.min(...values), `${band} ${seniority}`).toBeGreaterThanOrEqual(min);
      expect(Math.max(...values), `${band} ${seniority}`).toBeLessThanOrEqual(max);
      // Stratified: half the row at or below its median, to one person.
      expect(Math.abs(values.filter((value) => value <= (min + max) / 2).length - values.length / 2), `${band} ${seniority}`).toBeLessThanOrEqual(1);
    }
    // A categorical attribute given two: each (department, seniority) group split by its row's exact quota.
    const rows: Record<string, Record<string, number[]>> = {
      admin: { junior: [0.8, 0.2], mid: [0.6, 0.4], senior: [0.5, 0.5] },
      sales: { junior: [0.3, 0.7], mid: [0.5, 0.5], senior: [0.9, 0.1] },
      engineering: { junior: [0.4, 0.6], mid: [0.2, 0.8], senior: [0.1, 0.9] },
    };
    for (const [department, bySeniority] of Object.entries(rows)) {
      for (const [seniority, shares] of Object.entries(bySeniority)) {
        const group = people.filter((person) => person.department === department && person.seniority === seniority);
        const counts = ['office', 'remote'].map((value) => group.filter((person) => person.office === value).length);
        expect(counts, `${department} ${seniority}`).toEqual(allocate(group.length, shares));
      }
    }
    // And each age band's seniority, given one attribute, as exact as before.
    for (const [band, shares] of Object.entries({ '25-34': [0.7, 0.25, 0.05], '35-49': [0.2, 0.5, 0.3], '50-64': [0.1, 0.4, 0.5] })) {
      const group = people.filter((person) => person.age_band === band);
      expect(['junior', 'mid', 'senior'].map((value) => group.filter((person) => person.seniority === value).length)).toEqual(allocate(group.length, shares));
    }
  });

  test('a row missing or extra at any depth, and a parent not declared above, are named with their path', () => {
    const text = `name: p\nsize: 10\nattributes:\n  band: { shares: { young: 0.5, old: 0.5 } }\n  level: { shares: { low: 0.5, high: 0.5 } }\n  tenure:\n    given: [band, level]\n    distributions:\n      young: { low: { kind: uniform, min: 0, max: 2 } }\n      old: { low: { kind: uniform, min: 0, max: 9 }, high: { kind: normal, mean: 5 }, top: { kind: uniform, min: 0, max: 1 } }\n  grade:\n    given: [level, team_kind]\n    table: {}\nroles:\n  member: { title: A, model: offline, credits: 1 }\n`;
    expect(parsePopulationSpec(text, 'people.yaml').problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^people\.yaml:9: attributes\.tenure\.distributions\.young: has no row for "high": a row for each value of level \(low, high\)/),
      expect.stringMatching(/^people\.yaml:10: attributes\.tenure\.distributions\.old: has a row for "top", which is not a value of level \(low, high\)/),
      expect.stringMatching(/^people\.yaml:12: attributes\.grade\.given: names "team_kind", which is not a categorical attribute declared before grade \(declared before it: band, level\)/),
    ]);
    const leaf = text.replace('young: { low: { kind: uniform, min: 0, max: 2 } }', 'young: { low: { kind: uniform, min: 0, max: 2 }, high: { kind: normal, mean: 5 } }').replace(', top: { kind: uniform, min: 0, max: 1 }', '').replace('  grade:\n    given: [level, team_kind]\n    table: {}\n', '');
    expect(parsePopulationSpec(leaf, 'people.yaml').problems.map(formatProblem)).toEqual([
      expect.stringMatching(/^people\.yaml:9: attributes\.tenure\.distributions\.young\.high\.sd: is required for kind normal; a valid value looks like `sd: 10/),
      expect.stringMatching(/^people\.yaml:10: attributes\.tenure\.distributions\.old\.high\.sd: is required for kind normal/),
    ]);
  });
});

describe('reserved names', () => {
  test('an attribute named role (or name, team, manager) is refused when the spec is read, naming the file, the field and every reserved name', () => {
    const text = `name: p\nsize: 10\nattributes:\n  role: { shares: { chief: 0.1, staff: 0.9 } }\n  team: { shares: { a: 1 } }\nroles:\n  member: { title: A, model: offline, credits: 1 }\n`;
    expect(parsePopulationSpec(text, 'people.yaml').problems.map(formatProblem)).toEqual([
      expect.stringContaining('people.yaml:4: attributes.role: is reserved: the templates give every agent {name}, {role}, {team}, {manager} (docs/people.md, "Reserved names"); call the attribute otherwise, for example "job_role"'),
      expect.stringContaining('people.yaml:5: attributes.team: is reserved: the templates give every agent {name}, {role}, {team}, {manager} (docs/people.md, "Reserved names")'),
    ]);
  });
});

describe("the docs' example (docs/people.md, Leads by rule)", () => {
  test('what populate says of structured.yaml at 10,000 people, the chief it names, and the refusal of a rule too strict', async () => {
    const blocks = [...readFileSync(join(REPO_ROOT, 'docs/people.md'), 'utf8').matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
    const block = (start: string): string => {
      const found = blocks.filter((text) => text.startsWith(start));
      expect(found, start).toHaveLength(1);
      return found[0] as string;
    };
    const folder = tempDir();
    const file = join(folder, 'structured.yaml');
    writeFileSync(file, block('# structured.yaml'));
    const report = await populate(file, join(folder, 'panel'), { template: DEFAULT_ORG, dryRun: true });
    const said = populateLines({ ...report, root: join(process.cwd(), 'panel'), spec: 'structured.yaml' });
    const console = block('$ lemming populate structured.yaml --root panel').split('\n');
    expect(said[0]?.replace('would write', 'wrote')).toBe(console[1]);
    expect(said.slice(1, 5)).toEqual(console.slice(2, 6));
    const population = makePopulation(readPopulationSpec(file));
    const chief = population.arrangement.positions[0];
    expect([chief?.name, chief?.person.age_band, chief?.person.tenure]).toEqual(['agent_00001', '50-64', 42]);
    const leads = population.arrangement.positions.filter((position) => position.role === 'lead');
    expect(new Set(leads.map((lead) => lead.person.seniority))).toEqual(new Set(['senior']));

    const strict = join(folder, 'strict.yaml');
    writeFileSync(strict, block('# structured.yaml').replace('where: { tenure: { min: 3 } }', 'where: { age_band: 25-34, seniority: senior }'));
    const refusal = block('$ lemming populate strict.yaml').split('\n')[1] ?? '';
    expect(() => makePopulation(readPopulationSpec(strict, 'strict.yaml'))).toThrow(refusal.replace(/^lemming: /, ''));
  });
});
