import { describe, expect, test } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseResume } from '../../src/org/parse-files.js';
import { allocate } from '../../src/population/allocate.js';
import { arrangePeople } from '../../src/population/arrange-people.js';
import { parsePopulationSpec } from '../../src/population/population-spec.js';
import type { PopulationSpec } from '../../src/population/population-types.js';
import { samplePeople } from '../../src/population/sample-people.js';

function spec(text: string): PopulationSpec {
  const parsed = parsePopulationSpec(text, 'people.yaml');
  expect(parsed.problems.map(formatProblem)).toEqual([]);
  return parsed.spec as PopulationSpec;
}

const ROLES = 'roles:\n  member: { title: Analyst, model: offline, credits: 0.2 }\n';

describe('a population spec', () => {
  test('every mistake is named at once, with the file, the field, the line and a valid example', () => {
    const text = [
      'name: panel',
      'size: 100',
      'attributes:',
      '  seniority:',
      '    shares: { junior: 0.5, senior: 0.4 }',
      '  remote:',
      '    given: seniorty',
      '    table: { junior: { office: 1 } }',
      '  age:',
      '    distribution: { kind: normal, mean: 40 }',
      '  both:',
      '    shares: { a: 1 }',
      '    distribution: { kind: uniform, min: 0, max: 1 }',
      'structure: { team_size: 8 }',
      'roles:',
      '  member: { title: "Analyst in {departmnet}", model: offline, credits: 0.2 }',
      'persona: "You are {name}."',
    ].join('\n');
    const problems = parsePopulationSpec(text, 'people.yaml').problems.map(formatProblem);
    expect(problems).toEqual([
      expect.stringMatching(/^people\.yaml:5: attributes\.seniority\.shares: add up to 0\.9; shares must add up to 1; a valid value looks like `shares: \{ junior: 0\.5/),
      expect.stringMatching(/^people\.yaml:7: attributes\.remote\.given: names "seniorty", which is not a categorical attribute declared before remote; a valid value looks like `given: seniority/),
      expect.stringMatching(/^people\.yaml:10: attributes\.age\.distribution\.sd: is required for kind normal; a valid value looks like `sd: 10/),
      expect.stringMatching(/^people\.yaml:12: attributes\.both: mixes kinds: give `shares:`/),
      expect.stringMatching(/^people\.yaml:16: roles\.lead: is required: structure\.team_size puts a lead over each team; a valid value looks like `lead: \{ title:/),
      expect.stringMatching(/^people\.yaml:16: roles\.member\.title: names \{departmnet\}, which is not an attribute; the templates know \{name\}, \{role\}, \{team\}, \{manager\}/),
    ]);
  });

  test('a conditional table needs a row for each value of the attribute it is given, and nothing else', () => {
    const text = `name: p\nsize: 10\nattributes:\n  seniority: { shares: { junior: 0.5, senior: 0.5 } }\n  remote:\n    given: seniority\n    table: { junior: { office: 1 }, boss: { office: 1 } }\n${ROLES}`;
    expect(parsePopulationSpec(text, 'people.yaml').problems.map((problem) => problem.message)).toEqual([
      expect.stringContaining('has no row for "senior": a row for each value of seniority (junior, senior)'),
      expect.stringContaining('has a row for "boss", which is not a value of seniority (junior, senior)'),
    ]);
  });

  test('two values that are one text in two Unicode forms (composed and decomposed) are refused, naming both', () => {
    // Before, "Café" typed on one keyboard and "Cafe\u0301" pasted from a file name were two departments
    // that read alike: two heads, and `send --where department=Café` reached one of them.
    const composed = 'Caf\u00e9';
    const decomposed = 'Cafe\u0301';
    const text = `name: p\nsize: 10\nattributes:\n  department:\n    shares: { "${composed}": 0.5, "${decomposed}": 0.5 }\n${ROLES}`;
    expect(parsePopulationSpec(text, 'people.yaml').problems.map(formatProblem)).toEqual([
      expect.stringMatching(
        new RegExp(`^people\\.yaml:5: attributes\\.department\\.shares: the values "${composed}" and "${decomposed}" are one text written in two Unicode forms \\(4 and 5 characters: composed and decomposed\\), so they would be two values that read alike: write it once, in one form; a valid value looks like`),
      ),
    ]);
    const table = `name: p\nsize: 10\nattributes:\n  seniority: { shares: { junior: 1 } }\n  city:\n    given: seniority\n    table: { junior: { "${composed}": 0.5, "${decomposed}": 0.5 } }\n${ROLES}`;
    expect(parsePopulationSpec(table, 'people.yaml').problems.map((problem) => problem.field)).toEqual(['attributes.city.table']);
  });

  test('a field of the wrong type is the schema\'s problem, with the spec\'s example', () => {
    const problems = parsePopulationSpec(`name: p\nsize: many\n${ROLES}`, 'people.yaml').problems.map(formatProblem);
    expect(problems).toEqual([expect.stringMatching(/^people\.yaml:2: size: .*; a valid value looks like `size: 10000/)]);
  });
});

describe('quota sampling', () => {
  test('largest remainder hits the targets to rounding at any size, and the counts add up', () => {
    expect(allocate(10, [0.5, 0.3, 0.2])).toEqual([5, 3, 2]);
    expect(allocate(7, [0.5, 0.3, 0.2])).toEqual([4, 2, 1]);
    expect(allocate(1, [0.2, 0.5, 0.3])).toEqual([0, 1, 0]);
    expect(allocate(3, [1 / 3, 1 / 3, 1 / 3])).toEqual([1, 1, 1]);
    expect(allocate(5, [0, 1])).toEqual([0, 5]);
    for (const size of [1, 13, 999, 10_001]) expect(allocate(size, [0.37, 0.21, 0.42]).reduce((sum, count) => sum + count, 0)).toBe(size);
  });

  test('numeric attributes follow their distribution within its bounds, one per given group', () => {
    const population = spec(
      `name: p\nseed: 3\nsize: 2000\nattributes:\n  seniority: { shares: { junior: 0.5, senior: 0.5 } }\n  age:\n    given: seniority\n    distributions:\n      junior: { kind: normal, mean: 30, sd: 5, min: 21 }\n      senior: { kind: uniform, min: 40, max: 60, decimals: 1 }\n  salary: { distribution: { kind: lognormal, median: 50000, sigma: 0.3 } }\n${ROLES}`,
    );
    const people = samplePeople(population);
    const of = (seniority: string): number[] => people.filter((person) => person.seniority === seniority).map((person) => Number(person.age));
    const mean = (values: number[]): number => values.reduce((sum, value) => sum + value, 0) / values.length;
    const juniors = of('junior');
    expect(Math.min(...juniors)).toBeGreaterThanOrEqual(21);
    expect(juniors.every(Number.isInteger)).toBe(true);
    // A normal cut at 21 (1.8 sd below its mean) has a mean a little above 30.
    expect(mean(juniors)).toBeGreaterThan(30);
    expect(mean(juniors)).toBeLessThan(30.6);
    const seniors = of('senior');
    expect(Math.min(...seniors)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...seniors)).toBeLessThanOrEqual(60);
    expect(Math.abs(mean(seniors) - 50)).toBeLessThan(0.1);
    const salaries = people.map((person) => Number(person.salary)).sort((left, right) => left - right);
    expect(Math.abs((salaries[999] as number) / 50_000 - 1)).toBeLessThan(0.01);
  });

  test('departments under heads, teams under leads: sizes as even as whole people allow, whom one writes to follows the lines', () => {
    const population = spec(
      `name: p\nsize: 25\nattributes:\n  department: { shares: { a: 0.6, b: 0.4 } }\nstructure: { departments: department, team_size: 4, peers: true }\nroles:\n  head: { title: Head, model: offline, credits: 1 }\n  lead: { title: Lead, model: offline, credits: 1 }\n  member: { title: Member, model: offline, credits: 1 }\n`,
    );
    const { positions, top } = arrangePeople(population, samplePeople(population));
    expect(positions.map((position) => position.role).join(' ')).toBe(
      // Department a: 15 people, a head and 14 in three teams of a lead and 4, 4 and 3; b: 10, a head and 9 in two.
      'head lead member member member member lead member member member member lead member member member head lead member member member member lead member member member',
    );
    expect(top).toEqual(['agent_00001', 'agent_00016']);
    const member = positions[2];
    expect(member?.reportsTo).toBe('agent_00002');
    expect(member?.contacts).toEqual(['agent_00002', 'agent_00004', 'agent_00005', 'agent_00006']);
    expect(positions[0]?.contacts).toEqual(['human', 'agent_00002', 'agent_00007', 'agent_00012']);
  });
});

describe("a resume's persona:", () => {
  test('is read in either form, and a bad name or value is named with what a valid one looks like', () => {
    const plain = parseResume('---\ntitle: Analyst\nmodel: offline\ncredits: 1\npersona:\n  seniority: junior\n  age: 34\n---\nHello.\n', 'agents/a/resume.md');
    const long = parseResume('---\ntitle: Analyst # a comment sends it the long way\nmodel: offline\ncredits: 1\npersona: { seniority: junior, age: 34 }\n---\nHello.\n', 'agents/a/resume.md');
    expect(plain.value?.frontMatter.persona).toEqual({ seniority: 'junior', age: 34 });
    expect(long.value?.frontMatter.persona).toEqual({ seniority: 'junior', age: 34 });
    const badName = parseResume('---\ntitle: A\nmodel: offline\ncredits: 1\npersona:\n  Age: 34\n---\n', 'agents/a/resume.md');
    expect(badName.problems.map(formatProblem)).toEqual([expect.stringMatching(/^agents\/a\/resume\.md:6: persona\.Age: "Age": an attribute name is lower-case letters/)]);
    const badValue = parseResume('---\ntitle: A\nmodel: offline\ncredits: 1\npersona:\n  teams: [a, b]\n---\n', 'agents/a/resume.md');
    expect(badValue.problems.map(formatProblem)).toEqual([expect.stringMatching(/persona\.teams: must be a word or a line of text .*, for example `seniority: junior`/)]);
  });
});
