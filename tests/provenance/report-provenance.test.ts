import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { calibrateOrg } from '../../src/calibrate/calibrate-org.js';
import { calibratePeople } from '../../src/calibrate/calibrate-people.js';
import { readReference } from '../../src/calibrate/reference-file.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { packageVersion } from '../../src/package-root.js';
import { populate } from '../../src/population/populate.js';
import { reportProvenance } from '../../src/provenance/report-provenance.js';
import { blameRun } from '../../src/blame/blame-run.js';
import { importNetwork } from '../../src/reference/import-network.js';
import { compareRunsWithReference } from '../../src/reference/compare-runs.js';
import { renderReference } from '../../src/reference/render-reference.js';
import { failedRelay, RELAY_CHECK, relayModels } from '../blame/relay-org.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { lemming } from '../helpers/cli.js';
import { DEFAULT_ORG, defaultOrg, humanSends, REPO_ROOT, runEngine, tempDir } from '../helpers/temp-org.js';

/**
 * Every report that gives figures of agents' answers says what made it, Markdown and JSON alike:
 * lemming's version, the model of each agent that answered (the registry entry, provider, model,
 * temperature and seed as sent, and "offline: rules, not people" for the offline model), and the
 * data's caveats. Each report is made here as a user makes it, and read back from its files.
 */

const VERSION = packageVersion();

/** A panel of 24 drawn to the GSS extract's shares of sex and education, on the offline model (data/gss-2018/people.yaml, smaller). */
async function gssPanel(): Promise<string> {
  const spec = join(tempDir(), 'people.yaml');
  writeFileSync(spec, readFileSync(join(REPO_ROOT, 'data/gss-2018/people.yaml'), 'utf8').replace('size: 200', 'size: 24'));
  const root = join(tempDir(), 'panel');
  await populate(spec, root, { template: DEFAULT_ORG });
  return root;
}

/** The offline model's row of a report's model table, as the report writes it. */
const OFFLINE_ROW = /^\| offline \| offline \| offline-1 \| none: rules \| none in effect: variability 0, every repeat answers alike \| 24: agent_00001, agent_00002, agent_00003, agent_00004, … \|$/m;

describe('what made a report, in each report', () => {
  test("the group calibration's report.md and report.json name the model, lemming's version and the reference's resample with its effective size", async () => {
    const root = await gssPanel();
    const calibration = await calibrateOrg(root, join(REPO_ROOT, 'data/gss-2018/reference.yaml'));
    const markdown = readFileSync(join(calibration.folder ?? '', 'report.md'), 'utf8');
    expect(markdown).toContain('## What made this report');
    expect(markdown).toContain(`lemming ${VERSION}.`);
    expect(markdown).toMatch(OFFLINE_ROW);
    expect(markdown).toContain('offline: rules, not people');
    // The data's caveat: "real n 2234" are rows of a weighted resample of 1,322 people, whose effective size is 946.
    expect(markdown).toMatch(/2,238 rows of 1,322 distinct people/);
    expect(markdown).toMatch(/happy's 2,234 rows are 1,320 people, whose Kish effective size is 946/);
    const json = JSON.parse(readFileSync(join(calibration.folder ?? '', 'report.json'), 'utf8')) as { provenance: { lemming: string; models: Array<Record<string, unknown>>; caveats: string[] } };
    expect(json.provenance.lemming).toBe(VERSION);
    expect(json.provenance.models).toEqual([
      { entry: 'offline', provider: 'offline', model: 'offline-1', temperature: 'none: rules', seeds: [], seed: 'none in effect: variability 0, every repeat answers alike', note: 'offline: rules, not people', agents: [...loadOrg(root).org.agents.keys()].filter((name) => name !== 'human').sort() },
    ]);
    expect(json.provenance.caveats.some((caveat) => caveat.includes('Kish effective size is 946'))).toBe(true);
  });

  test("the people calibration's people.md and people.json say the same of its stand-ins, and the respondents' effective size", async () => {
    const root = defaultOrg();
    const calibration = await calibratePeople(root, join(REPO_ROOT, 'data/gss-2018/respondents.yaml'), { people: 3, heldOut: 2 });
    const markdown = readFileSync(join(calibration.folder ?? '', 'people.md'), 'utf8');
    expect(markdown).toContain('## What made this report');
    expect(markdown).toContain(`lemming ${VERSION}.`);
    expect(markdown).toMatch(/^\| offline \| offline \| offline-1 \| none: rules \| none in effect: variability 0, every repeat answers alike \| 6: /m);
    expect(markdown).toMatch(/happy: 1,320 people, 2,234 weighted, effective size 946/);
    const json = JSON.parse(readFileSync(join(calibration.folder ?? '', 'people.json'), 'utf8')) as { provenance: { models: Array<{ agents: string[]; note?: string }> } };
    expect(json.provenance.models[0]?.agents).toHaveLength(6);
    expect(json.provenance.models[0]?.note).toBe('offline: rules, not people');
  });

  test('`lemming ask` names who answered on what, in its lines and its --json', () => {
    const root = defaultOrg();
    const plain = lemming(root, ['ask', '--all', '--choices', 'office,remote', 'Where do you work best?']);
    expect(plain.status, plain.stderr).toBe(0);
    const lines = plain.stdout.trimEnd().split('\n');
    expect(lines.at(-2)).toBe(`made by lemming ${VERSION}; answered by offline (offline offline-1, temperature none: rules, seed none in effect: variability 0, every repeat answers alike) for 5: coder_01, hr, janitor, manager, …; offline: rules, not people`);
    const json = lemming(root, ['ask', '--all', '--choices', 'office,remote', '--json', 'Where do you work best?']);
    const survey = JSON.parse(json.stdout) as { provenance: { lemming: string; models: Array<{ entry: string; agents: string[] }> } };
    expect(survey.provenance.lemming).toBe(VERSION);
    expect(survey.provenance.models.map((row) => [row.entry, row.agents.length])).toEqual([['offline', 5]]);
  });

  test('`lemming analyze` names the models its run was answered by, in its text and its --json', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Please plan the release.');
    await runEngine(root, { maxTurns: 3 });
    const plain = lemming(root, ['analyze']);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stdout).toContain('## What made this report');
    expect(plain.stdout).toMatch(/^\| offline \| offline \| offline-1 \| none: rules \| none in effect: variability 0, every repeat answers alike \| /m);
    const json = lemming(root, ['analyze', '--json']);
    const analysis = JSON.parse(json.stdout) as { provenance: { lemming: string; models: Array<{ entry: string; agents: string[] }>; settings: Array<{ setting: string; value: string; isDefault: boolean; source: string }> } };
    expect(analysis.provenance.lemming).toBe(VERSION);
    expect(analysis.provenance.models[0]?.agents).toContain('manager');
    // The settings its figures depend on, each with whether it is the default: the per-turn cap is the default's 5.
    expect(analysis.provenance.settings).toContainEqual({ setting: 'engine.max_messages_per_turn', value: '5', isDefault: true, source: 'org/org.yaml' });
    expect(plain.stdout).toMatch(/^\| engine\.max_messages_per_turn \| all \| 5 \| yes \| org\/org\.yaml \|$/m);
  });
});

describe('what made a comparison with a real network (`analyze --reference`)', () => {
  test('it names the models the compared run answered on', async () => {
    const folder = tempDir();
    const edges = join(folder, 'edges.txt');
    writeFileSync(edges, '1 2\n1 3\n2 1\n3 1\n');
    const root = join(folder, 'org');
    importNetwork(edges, root, { chart: 'structure', template: DEFAULT_ORG, model: 'offline', credits: 5 });
    humanSends(root, 'agent_00001', 'Please write up your work of the month.', 'Monthly report');
    await runEngine(root, { maxTurns: 4 });
    const comparison = compareRunsWithReference(root, { reference: edges });
    expect(comparison.provenance?.models.map((row) => [row.entry, row.note])).toEqual([['offline', 'offline: rules, not people']]);
    expect(renderReference(comparison)).toContain('## What made this report');
  });
});

describe('what made a blame report', () => {
  test("report.md and report.json name the models the run's agents and its forks answered on", async () => {
    const root = await failedRelay('seeded');
    const report = await blameRun(root, { check: RELAY_CHECK, k: 2, controls: 1, providerFactory: () => relayModels('seeded') });
    const markdown = readFileSync(join(report.folder, 'report.md'), 'utf8');
    expect(markdown).toContain('## What made this report');
    expect(markdown).toContain(`lemming ${VERSION}.`);
    expect(markdown).toMatch(/^\| scripted \| offline \| scripted-1 \| none: rules \| none in effect: variability 0, every repeat answers alike \| a, b \|$/m);
    const json = JSON.parse(readFileSync(join(report.folder, 'report.json'), 'utf8')) as { provenance: { lemming: string; models: Array<{ entry: string; agents: string[] }> } };
    expect(json.provenance.lemming).toBe(VERSION);
    // A fork's changed call runs on a copy of its agent's entry with another seed (`scripted-blame`): its own row.
    expect(json.provenance.models.map((row) => [row.entry, row.agents])).toEqual([['scripted', ['a', 'b']], ['scripted-blame', ['a', 'b']]]);
  }, 300_000);
});

describe('the provenance of a report: one rule of seeds and temperatures', () => {
  const entry = (fields: Partial<ModelEntry>): ModelEntry => ({ input_price: 1, output_price: 1, context_window: 1000, model: 'm', provider: 'openai', ...fields }) as ModelEntry;
  test('each provider says the seed it sends: an experiment gathers each run\'s; none is sent where none is taken', () => {
    const made = reportProvenance([
      { registry: { gpt: entry({ seed: 1 }), claude: entry({ provider: 'anthropic', model: 'claude-x' }), off: entry({ provider: 'offline', model: 'offline-1', variability: 0.5, seed: 3 }), plain: entry({}) }, answered: [{ agent: 'a', entry: 'gpt' }, { agent: 'b', entry: 'claude' }, { agent: 'c', entry: 'off' }, { agent: 'd', entry: 'plain' }] },
      { registry: { gpt: entry({ seed: 2 }) }, answered: [{ agent: 'a', entry: 'gpt' }, { agent: 'e', entry: 'gpt' }] },
    ]);
    expect(made.models.map((row) => [row.entry, row.temperature, row.seeds, row.seed, row.agents])).toEqual([
      ['claude', "not sent: the provider's default", [], 'not sent: provider anthropic takes none', ['b']],
      ['gpt', "not sent: the provider's default", [1, 2], '1, 2 (one a run)', ['a', 'e']],
      ['off', 'none: rules', [3], '3 (variability 0.5)', ['c']],
      ['plain', "not sent: the provider's default", [], 'not sent: the entry gives none', ['d']],
    ]);
  });

  test("the GSS reference's caveat says its numbers as the respondents file gives them", () => {
    const people = readReference(join(REPO_ROOT, 'data/gss-2018/respondents.yaml'));
    const counts = readReference(join(REPO_ROOT, 'data/gss-2018/reference.yaml'));
    const caveat = counts.caveats?.join(' ') ?? '';
    const format = (value: number): string => Math.round(value).toLocaleString('en-US');
    expect(caveat).toContain(`${format(people.people?.reduce((sum, person) => sum + person.weight, 0) ?? 0)} rows of ${format(people.people?.length ?? 0)} distinct people`);
    for (const question of counts.questions) {
      const rows = counts.rows.filter((row) => row.question === question.id).reduce((sum, row) => sum + (row.count ?? 0), 0);
      const answered = people.people?.filter((person) => person.answers[question.id] !== undefined).length ?? 0;
      expect(caveat).toContain(`${format(rows)} rows`);
      expect(caveat).toContain(`${format(answered)} people`);
      expect(caveat).toContain(format(people.effectiveSize?.[question.id] ?? 0));
    }
  });
});
