import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Output } from '../../src/cli/cli-context.js';
import { validateCommand } from '../../src/cli/commands/validate.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { populate } from '../../src/population/populate.js';
import { makePopulation } from '../../src/population/populate-org.js';
import { chartText } from '../../src/population/population-files.js';
import { readPopulationSpec } from '../../src/population/population-spec.js';
import { DEFAULT_ORG, humanSends, ofType, REPO_ROOT, runEngine, tempDir } from '../helpers/temp-org.js';
import { populateLines } from '../../src/cli/commands/populate.js';

/** Three attributes, one of them a conditional table, in teams of 8: the population. */
function specText(seed: number, size = 10_000): string {
  return `name: panel
seed: ${seed}
size: ${size}
attributes:
  department:
    shares: { sales: 0.4, engineering: 0.35, support: 0.25 }
  seniority:
    shares: { junior: 0.5, mid: 0.3, senior: 0.2 }
  remote:
    given: seniority
    table:
      junior: { office: 0.5, hybrid: 0.3, remote: 0.2 }
      mid: { office: 0.3, hybrid: 0.4, remote: 0.3 }
      senior: { office: 0.2, hybrid: 0.3, remote: 0.5 }
structure:
  team_size: 8
roles:
  lead: { title: "Team lead: runs team {team} and answers for it", model: offline, credits: 0.5 }
  member: { title: "Analyst: answers questions as a {seniority} in {department}", model: offline, credits: 0.2 }
persona: "You are {name}, a {seniority} member of {department}, working {remote}."
`;
}

function specFile(text: string): string {
  const file = join(tempDir(), 'people.yaml');
  writeFileSync(file, text);
  return file;
}

/** Every file of an org's agents and chart, by path: what "byte-identical" compares. */
function orgFiles(root: string): Map<string, string> {
  const files = new Map<string, string>([['org/chart.yaml', readFileSync(join(root, 'org/chart.yaml'), 'utf8')]]);
  for (const agent of readdirSync(join(root, 'agents'))) files.set(`agents/${agent}/resume.md`, readFileSync(join(root, 'agents', agent, 'resume.md'), 'utf8'));
  return files;
}

const TARGETS = {
  department: { sales: 0.4, engineering: 0.35, support: 0.25 },
  seniority: { junior: 0.5, mid: 0.3, senior: 0.2 },
};
const TABLE: Record<string, Record<string, number>> = {
  junior: { office: 0.5, hybrid: 0.3, remote: 0.2 },
  mid: { office: 0.3, hybrid: 0.4, remote: 0.3 },
  senior: { office: 0.2, hybrid: 0.3, remote: 0.5 },
};

describe('a population of 10,000 from a spec', () => {
  test('marginals within 1 point and the conditional table within 2, teams of 8 under a lead, byte-identical for the same seed and not for another; it validates and runs a turn', { timeout: 300_000 }, async () => {
    const root = tempDir('lemming-population-');
    const file = specFile(specText(7));
    const report = await populate(file, root, { template: DEFAULT_ORG });
    expect(report.agents).toBe(10_000);

    // What experiments and surveys read: each loaded agent's persona.
    const { org } = loadOrg(root);
    const people = [...org.agents.values()].filter((agent) => !agent.isHuman);
    expect(people).toHaveLength(10_000);
    const share = (filter: (persona: Record<string, unknown>) => boolean, among = people): number => among.filter((agent) => filter(agent.persona ?? {})).length / among.length;
    for (const [attribute, targets] of Object.entries(TARGETS)) {
      for (const [value, target] of Object.entries(targets)) expect(Math.abs(share((persona) => persona[attribute] === value) - target), `${attribute} ${value}`).toBeLessThanOrEqual(0.01);
    }
    for (const [seniority, row] of Object.entries(TABLE)) {
      const group = people.filter((agent) => agent.persona?.seniority === seniority);
      for (const [remote, target] of Object.entries(row)) expect(Math.abs(share((persona) => persona.remote === remote, group) - target), `remote ${remote} given ${seniority}`).toBeLessThanOrEqual(0.02);
    }

    // Teams of at most 8 under a lead, every member under one; leads report to the human.
    const reports = new Map<string, number>();
    for (const agent of people) reports.set(agent.reportsTo ?? '', (reports.get(agent.reportsTo ?? '') ?? 0) + 1);
    const leads = people.filter((agent) => agent.title.startsWith('Team lead'));
    expect(leads.length).toBe(Math.ceil(10_000 / 9));
    for (const lead of leads) {
      expect(lead.reportsTo).toBe('human');
      expect(reports.get(lead.name)).toBeGreaterThanOrEqual(7);
      expect(reports.get(lead.name)).toBeLessThanOrEqual(8);
    }
    expect(people.filter((agent) => agent.title.startsWith('Analyst')).every((agent) => agent.reportsTo?.startsWith('agent_') && (reports.get(agent.reportsTo) ?? 0) <= 8)).toBe(true);

    // The same seed writes the same bytes; another seed other people.
    const written = orgFiles(root);
    const again = makePopulation(readPopulationSpec(file));
    expect(chartText(again.spec, again.arrangement)).toBe(written.get('org/chart.yaml'));
    expect(again.arrangement.positions.every((position) => again.resumes.resume(position) === written.get(`agents/${position.name}/resume.md`))).toBe(true);
    const other = makePopulation(readPopulationSpec(specFile(specText(8))));
    expect(chartText(other.spec, other.arrangement)).not.toBe(written.get('org/chart.yaml'));
    const differing = other.arrangement.positions.slice(0, 1_000).filter((position) => other.resumes.resume(position) !== written.get(`agents/${position.name}/resume.md`)).length;
    expect(differing).toBeGreaterThan(500);

    // `lemming validate` passes, and a turn runs: the human writes to a lead, who hands the work on.
    const lines: string[] = [];
    const output: Output = { out: (line) => lines.push(line), err: (line) => lines.push(line) };
    expect(await validateCommand(root, {}, output)).toBe(0);
    const lead = leads[0]?.name ?? '';
    humanSends(root, lead, 'Please write up how your team works.');
    const events = await runEngine(root, { maxTurns: 1 });
    expect(ofType(events, 'agent-called').map((event) => event.agent)).toEqual([lead]);
    expect(ofType(events, 'message-delivered').filter((event) => event.message.from === lead).length).toBeGreaterThan(0);
  });

  test('the docs\' example: what populate says of its spec, a resume and its place in the chart, a mistake, and what --enrich would cost', async () => {
    const blocks = [...readFileSync(join(REPO_ROOT, 'docs/people.md'), 'utf8').matchAll(/^```\w*\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
    const block = (start: string, containing = ''): string => {
      const found = blocks.filter((text) => text.startsWith(start) && text.includes(containing));
      expect(found, start).toHaveLength(1);
      return found[0] as string;
    };
    const folder = tempDir();
    const file = join(folder, 'people.yaml');
    writeFileSync(file, block('# people.yaml'));
    const report = await populate(file, join(folder, 'panel'), { template: DEFAULT_ORG, dryRun: true, enrich: { model: 'gpt-4o-mini' } });
    // As `lemming populate people.yaml --root panel` says it from the folder of people.yaml.
    const said = populateLines({ ...report, root: join(process.cwd(), 'panel'), spec: 'people.yaml' });
    const console = block('$ lemming populate people.yaml --root panel', 'wrote').split('\n');
    expect(said[0]?.replace('would write', 'wrote')).toBe(console[1]);
    expect(said.slice(1, 5)).toEqual(console.slice(2, 6));
    // Then what it wrote, and the per-turn cap it raised: the run's own lines, as a run without --enrich says them.
    const plain = await populate(file, join(folder, 'panel'), { template: DEFAULT_ORG, dryRun: true });
    const plainSaid = populateLines({ ...plain, root: join(process.cwd(), 'panel'), spec: 'people.yaml' });
    expect([plainSaid[5]?.replace('would write', 'wrote'), plainSaid[6]]).toEqual(console.slice(6, 8));
    expect(console[8]).toMatch(/^Next: /);
    expect(block('$ lemming populate people.yaml --root panel --dry-run').split('\n')[2]).toBe(said[5]);
    // What would be written, beside the loader's limits: the files and bytes the run then writes.
    expect(block('$ lemming populate people.yaml --root panel --dry-run').split('\n')[3]).toBe(said[6]);
    // And the per-turn cap the chart needs, raised from the template's.
    expect(block('$ lemming populate people.yaml --root panel --dry-run').split('\n')[4]).toBe(said[7]);

    const population = makePopulation(readPopulationSpec(file));
    const resume = block('---\ntitle: "Analyst: answers questions on sales"');
    expect(population.resumes.resume(population.arrangement.positions[2] as (typeof population.arrangement.positions)[number])).toBe(resume);
    expect(chartText(population.spec, population.arrangement)).toContain(block('  agent_00003:'));

    writeFileSync(file, block('# people.yaml').replace('senior: { office: 0.2, hybrid: 0.3, remote: 0.5 }', 'senior: { office: 0.2, hybrid: 0.3, remote: 0.4 }'));
    const mistake = block('$ lemming populate people.yaml --root panel', 'lemming:').split('\n')[1] ?? '';
    await expect(populate(file, join(folder, 'panel'), { template: DEFAULT_ORG })).rejects.toThrow(mistake.replace('lemming: people.yaml', file));
  });
});
