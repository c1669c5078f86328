import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { populationChartBytes } from '../../src/population/chart-size.js';
import { makePopulation } from '../../src/population/populate-org.js';
import { chartBytes, chartHeader, chartText } from '../../src/population/population-files.js';
import { parsePopulationSpec } from '../../src/population/population-spec.js';
import { samplePeople } from '../../src/population/sample-people.js';
import { nodesWithLabels, readDepartmentLabels, readEdgeList } from '../../src/reference/edge-list.js';
import { networkOrg } from '../../src/reference/network-org.js';
import { REPO_ROOT } from '../helpers/org-files.js';

/** A spec of `size` people with the given structure (a department attribute always declared). */
function spec(size: number, structure: string, roles: string) {
  const text = `name: panel\nseed: 5\nsize: ${size}\nattributes:\n  department: { shares: { sales: 0.55, support: 0.3, legal: 0.15 } }\nstructure: ${structure}\nroles:\n${roles}  member: { title: Analyst, model: offline, credits: 0.1 }\n`;
  const parsed = parsePopulationSpec(text, 'people.yaml');
  expect(parsed.problems).toEqual([]);
  return parsed.spec as NonNullable<typeof parsed.spec>;
}

const HEAD = '  head: { title: Head, model: offline, credits: 1 }\n';
const LEAD = '  lead: { title: Lead, model: offline, credits: 1 }\n';

describe('the chart\'s bytes, counted without writing it', () => {
  test.each([
    ['departments, teams of 4, peers', 97, '{ departments: department, team_size: 4, peers: true }', HEAD + LEAD],
    ['departments, teams of 7, no peers', 97, '{ departments: department, team_size: 7, peers: false }', HEAD + LEAD],
    ['departments, no teams', 40, '{ departments: department }', HEAD],
    ['teams of 8, peers, 100,000 people wide names', 100_000, '{ team_size: 8 }', LEAD],
    ['everyone under the human', 12, '{}', ''],
    ['one person a department', 1, '{ departments: department, team_size: 3 }', HEAD + LEAD],
  ])('%s: counted from the structure and from the arrangement, as chartText writes it', (_, size, structure, roles) => {
    const checked = spec(size, structure, roles);
    const population = makePopulation(checked);
    const written = Buffer.byteLength(chartText(checked, population.arrangement));
    expect(populationChartBytes(checked, checked.structure, samplePeople(checked))).toBe(written);
    expect(chartBytes(population.arrangement, chartHeader(checked))).toBe(written);
  });
});

describe('an imported network\'s chart, counted before its lists are built', () => {
  test.each([
    ['tiny', 'structure'],
    ['tiny', 'department'],
    ['tiny', 'edges'],
    ['email-Eu-core', 'structure'],
    ['email-Eu-core', 'department'],
    ['email-Eu-core', 'edges'],
  ] as const)('%s, --chart %s: the count is the bytes chartText writes', (data, chart) => {
    const [edges, labels] = data === 'tiny' ? [join(REPO_ROOT, 'tests/fixtures/network/tiny-edges.txt'), join(REPO_ROOT, 'tests/fixtures/network/tiny-labels.txt')] : [join(REPO_ROOT, 'data/email-eu-core/email-Eu-core.txt'), join(REPO_ROOT, 'data/email-eu-core/email-Eu-core-department-labels.txt')];
    const list = readEdgeList(edges);
    const departments = readDepartmentLabels(labels);
    const made = networkOrg(list, nodesWithLabels(list, departments), departments.departments, { name: 'net', chart, model: 'offline', credits: 1 });
    expect(made.countedChartBytes).toBe(Buffer.byteLength(chartText(made.spec, made.arrangement, '')));
    expect(chartBytes(made.arrangement, '')).toBe(made.countedChartBytes);
  });
});
