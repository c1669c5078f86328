import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { formatProblem, InvalidOrgError } from '../../src/errors.js';
import { OrgLoader } from '../../src/org/load-org.js';
import { loadOrg, loadOrgForReading } from '../../src/org/load-org-once.js';
import { checkEdge } from '../../src/org/permissions.js';
import { defaultOrg, read, resume, write } from '../helpers/temp-org.js';

function problemsOf(root: string) {
  return new OrgLoader(root).load().problems;
}

describe('loading an org', () => {
  test('the default org loads with its six agents and no problems', () => {
    const root = defaultOrg();
    const { org, problems } = loadOrg(root);
    expect([...org.agents.keys()]).toEqual(['coder_01', 'hr', 'human', 'janitor', 'manager', 'planner']);
    expect(problems).toEqual([]);
    expect(org.agents.get('human')?.isHuman).toBe(true);
  });

  test('broken YAML in a resume names the file and the line', () => {
    const root = defaultOrg();
    write(root, 'agents/planner/resume.md', '---\ntitle: Planner\nmodel: offline\ncredits: [1\n---\nbody\n');
    const problems = problemsOf(root);
    expect(problems[0]).toMatchObject({ file: 'agents/planner/resume.md', severity: 'error' });
    expect(problems[0]?.line).toBe(4);
    expect(() => loadOrg(root)).toThrow(/agents\/planner\/resume\.md:\d+/);
  });

  test('broken YAML in the chart names the file and the line', () => {
    const root = defaultOrg();
    write(root, 'org/chart.yaml', 'agents:\n  manager:\n    send_to: [human\n');
    const problem = problemsOf(root).find((entry) => entry.file === 'org/chart.yaml');
    expect(problem?.message).toMatch(/not valid YAML/);
    expect(problem?.line).toBe(3);
  });

  test('an unknown model and a negative budget name the field and show a valid value', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'gpt-9', credits: '1' }));
    write(root, 'agents/coder_01/resume.md', resume({ title: 'Coder', model: 'offline', credits: '-3' }));
    const problems = problemsOf(root);
    const model = problems.find((problem) => problem.file === 'agents/hr/resume.md');
    expect(model).toMatchObject({ field: 'model', line: 3 });
    expect(model?.message).toMatch(/"gpt-9".*not in org\/org\.yaml models.*offline/);
    const credits = problems.find((problem) => problem.file === 'agents/coder_01/resume.md');
    expect(credits).toMatchObject({ field: 'credits', line: 4 });
    expect(credits?.message).toMatch(/credits: 1\.5/);
  });

  test('an agent folder without a resume is an error naming the file', () => {
    const root = defaultOrg();
    mkdirSync(join(root, 'agents', 'ghost'));
    const problem = problemsOf(root).find((entry) => entry.file === 'agents/ghost/resume.md');
    expect(problem?.message).toMatch(/missing.*resume\.md/);
    expect(() => loadOrg(root)).toThrow(InvalidOrgError);
  });

  test('a chart naming an agent that does not exist is a warning at its line, and the org loads', () => {
    const root = defaultOrg();
    const chart = read(root, 'org/chart.yaml').replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_02]');
    write(root, 'org/chart.yaml', chart);
    const problem = problemsOf(root).find((entry) => entry.field === 'agents.planner.send_to.1');
    expect(problem).toMatchObject({ severity: 'warning', message: expect.stringMatching(/"coder_02".*not an agent.*ignored until you edit the chart/) });
    expect(problem?.line).toBeGreaterThan(1);
    rmSync(join(root, 'agents', 'hr'), { recursive: true });
    const problems = problemsOf(root);
    expect(problems.find((entry) => entry.field === 'agents.hr')).toMatchObject({ severity: 'warning', message: expect.stringMatching(/does not exist.*ignored/) });
    expect(problems.filter((entry) => entry.severity === 'error')).toEqual([]);
    expect([...loadOrg(root).org.agents.keys()]).not.toContain('hr');
  });

  test('names with a slash or dot-dot are refused wherever a name is read', () => {
    const root = defaultOrg();
    write(root, 'org/chart.yaml', `${read(root, 'org/chart.yaml')}  ../evil:\n    send_to: ["*"]\n`);
    mkdirSync(join(root, 'agents', 'bad..name'));
    const problems = problemsOf(root);
    expect(problems.some((problem) => problem.field === 'agents.../evil' && /not a valid agent name/.test(problem.message))).toBe(true);
    expect(problems.some((problem) => problem.file === 'agents/bad..name/' && /not a valid agent name/.test(problem.message))).toBe(true);
  });

  test('unknown fields are reported rather than ignored', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'offline', credits: '1', budgte: '3' }));
    expect(problemsOf(root).some((problem) => /unknown field.*budgte/.test(problem.message))).toBe(true);
  });

  test('an unknown field is named at its own line, with the field it was likely meant as and the fields its place has', () => {
    const root = defaultOrg();
    const orgYaml = read(root, 'org/org.yaml').replace('  concurrency: 8', '  concurency: 8');
    write(root, 'org/org.yaml', `${orgYaml}colour: blue\n`);
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('  hr:\n    reports_to: manager\n', '  hr:\n    reports_to: manager\n    sendto: [manager]\n'));
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'offline', credits: '1', tols: '[send_message]' }));
    const lineOf = (file: string, text: string) => read(root, file).split('\n').findIndex((line) => line.includes(text)) + 1;
    const problems = problemsOf(root).map(formatProblem);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^org/org\\.yaml:${lineOf('org/org.yaml', 'concurency')}: engine\\.concurency: unknown field "concurency"; did you mean concurrency\\? The fields here are max_turns, concurrency, `)),
        expect.stringMatching(new RegExp(`^org/org\\.yaml:${lineOf('org/org.yaml', 'colour: blue')}: colour: unknown field "colour"; the fields here are name, engine, `)),
        expect.stringMatching(new RegExp(`^org/chart\\.yaml:${lineOf('org/chart.yaml', 'sendto')}: agents\\.hr\\.sendto: unknown field "sendto"; did you mean send_to\\? The fields here are reports_to, send_to, read_from`)),
        expect.stringMatching(new RegExp(`^agents/hr/resume\\.md:${lineOf('agents/hr/resume.md', 'tols')}: tols: unknown field "tols"; did you mean tools\\? The fields here are title, role, model, credits, schedule, memory, tools, `)),
      ]),
    );
  });

  test('a name in the chart that names no agent is warned of with the agent it was likely meant as', () => {
    const root = defaultOrg();
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('    send_to: [manager, coder_01]\n', '    send_to: [manager, coder_1]\n').replace('  hr:\n    reports_to: manager\n', '  hr:\n    reports_to: mangaer\n'));
    const warnings = Object.fromEntries(problemsOf(root).filter((problem) => problem.severity === 'warning').map((problem) => [problem.field, problem.message]));
    expect(warnings).toEqual({
      'agents.planner.send_to.1': 'names "coder_1", which is not an agent of this org; did you mean coder_01?; ignored until you edit the chart (use an agent\'s folder name or "*")',
      'agents.hr.reports_to': 'names "mangaer", which is not an agent of this org; did you mean manager?; ignored until you edit the chart',
    });
  });

  test("an unknown field of a model entry lists the fields of the entry's provider, not of every provider", () => {
    const root = defaultOrg();
    const orgYaml = read(root, 'org/org.yaml')
      .replace('    output_price: 0.6\n', '    output_price: 0.6\n    temprature: 0.2\n')
      .replace('    provider: offline         # built in, deterministic, no network or key\n', '    provider: offline\n    sed: 7\n');
    write(root, 'org/org.yaml', orgYaml);
    const messages = Object.fromEntries(problemsOf(root).map((problem) => [problem.field, problem.message]));
    expect(messages['models.gpt-4o-mini.temprature']).toBe(
      'unknown field "temprature"; the fields here are provider, model, input_price, output_price, cached_input_price, cache_write_price, price_per_call, context_window, max_output_tokens, base_url, api_key_env, timeout_ms, max_retries, tool_calling, prompt_cache, limits, seed',
    );
    expect(messages['models.offline.sed']).toBe(
      'unknown field "sed"; did you mean seed? The fields here are provider, model, input_price, output_price, cached_input_price, cache_write_price, price_per_call, context_window, max_output_tokens, timeout_ms, max_retries, limits, seed, variability',
    );
  });

  test('a broken edit keeps the last valid org in force and says so', () => {
    const root = defaultOrg();
    const loader = new OrgLoader(root);
    expect(loader.load().org).toBeDefined();
    write(root, 'agents/hr/resume.md', '---\ntitle: [\n---\n');
    const second = loader.load();
    expect(second.keptLastValid).toBe(true);
    expect(second.org?.agents.get('hr')?.title).toMatch(/People partner/);
    write(root, 'agents/hr/resume.md', resume({ title: 'Recruiter', model: 'offline', credits: '1' }));
    const third = loader.load();
    expect(third.reloaded).toEqual(['agents/hr/resume.md']);
    expect(third.org?.agents.get('hr')?.title).toBe('Recruiter');
  });
});

describe('each file stands on its own', () => {
  test('a broken chart does not hold back a valid resume edit; mending the chart is acknowledged', () => {
    const root = defaultOrg();
    const loader = new OrgLoader(root);
    loader.load();
    const chart = read(root, 'org/chart.yaml');
    write(root, 'org/chart.yaml', chart.replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_01'));
    write(root, 'agents/hr/resume.md', resume({ title: 'Recruiter', model: 'offline', credits: '1' }));
    const edited = loader.load();
    expect(edited.reloaded).toEqual(['agents/hr/resume.md']);
    expect(edited.org.agents.get('hr')?.title).toBe('Recruiter');
    expect(edited.keptLastValid).toBe(true);
    expect(edited.problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file)).toEqual(['org/chart.yaml']);
    // The chart in force is still the last valid one: planner still sends to coder_01.
    expect(checkEdge(edited.org, 'planner', 'coder_01').allowed).toBe(true);

    write(root, 'org/chart.yaml', chart.replace('send_to: [manager, coder_01]', 'send_to: [manager]'));
    const mended = loader.load();
    expect(mended).toMatchObject({ fixed: ['org/chart.yaml'], reloaded: ['org/chart.yaml'], keptLastValid: false, problems: [] });
    expect(checkEdge(mended.org, 'planner', 'coder_01').allowed).toBe(false);
    expect(loader.load()).toMatchObject({ fixed: [], reloaded: [] });
  });

  test('a deleted agent folder leaves with a warning; the chart lines naming it are ignored with a warning', () => {
    const root = defaultOrg();
    const loader = new OrgLoader(root);
    loader.load();
    rmSync(join(root, 'agents', 'hr'), { recursive: true });
    const result = loader.load();
    expect(result).toMatchObject({ left: ['hr'], keptLastValid: false });
    expect(result.org.agents.has('hr')).toBe(false);
    const warnings = result.problems.map((problem) => `${problem.severity} ${formatProblem(problem)}`);
    expect(warnings).toContain('warning agents/hr/: is gone, so hr leaves the org at the next turn');
    expect(warnings.some((text) => /^warning org\/chart\.yaml:\d+: agents\.hr: names an agent that does not exist/.test(text))).toBe(true);
    expect(warnings.some((text) => /^warning org\/chart\.yaml:\d+: agents\.manager\.send_to\.\d: names "hr"/.test(text))).toBe(true);
    // Told once: the next load leaves the departure out, the chart's warnings stay until it is edited.
    const again = loader.load().problems.map(formatProblem);
    expect(again.some((text) => text.startsWith('agents/hr/'))).toBe(false);
    expect(again.some((text) => text.includes('agents.hr:'))).toBe(true);
  });

  test('a new agent with a broken resume stays out, and the rest of the org carries on', () => {
    const root = defaultOrg();
    const loader = new OrgLoader(root);
    loader.load();
    write(root, 'agents/tester/resume.md', resume({ title: 'Tester', model: 'offline' }));
    write(root, 'agents/planner/resume.md', resume({ title: 'Chief planner', model: 'offline', credits: '1' }));
    const result = loader.load();
    expect(result.org.agents.has('tester')).toBe(false);
    expect(result.org.agents.get('planner')?.title).toBe('Chief planner');
    expect(result.problems).toContainEqual(expect.objectContaining({ file: 'agents/tester/resume.md', field: 'credits', severity: 'error' }));
  });

  test('an org.yaml edit that drops a model a resume uses is held back, and the resume is named', () => {
    const root = defaultOrg();
    const loader = new OrgLoader(root);
    loader.load();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace(/^models:\n  offline:/m, 'models:\n  local:'));
    const result = loader.load();
    expect(result.reloaded).toEqual([]);
    expect(Object.keys(result.org.models)).toContain('offline');
    expect(result.problems.some((problem) => problem.severity === 'error' && /"offline", which is not in org\/org\.yaml models \(known: local,/.test(problem.message))).toBe(true);
  });

  test('a first load of a broken org still shows the rest: its problems, and what is valid', () => {
    const root = defaultOrg();
    write(root, 'org/chart.yaml', 'agents:\n  manager: [\n');
    write(root, 'agents/hr/resume.md', '---\ntitle: [\n---\n');
    expect(() => loadOrg(root)).toThrow(InvalidOrgError);
    const { org, problems } = loadOrgForReading(root);
    expect([...org.agents.keys()]).toEqual(['coder_01', 'human', 'janitor', 'manager', 'planner']);
    expect(org.name).toBe('lemming-default');
    expect([...new Set(problems.filter((problem) => problem.severity === 'error').map((problem) => problem.file))].sort()).toEqual(['agents/hr/resume.md', 'org/chart.yaml']);
  });
});

describe('validate finds every problem in one pass', () => {
  test('a misspelt model is reported with the schema errors of its resume and of org.yaml', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'ofline', credits: 'lots', tols: '[x]' }));
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('max_turns: 50', 'max_turns: many'));
    const problems = problemsOf(root).map(formatProblem);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^org\/org\.yaml:\d+: engine\.max_turns: /),
        expect.stringMatching(/^agents\/hr\/resume\.md:3: model: names the model "ofline", which is not in org\/org\.yaml models \(known: offline, /),
        expect.stringMatching(/^agents\/hr\/resume\.md:4: credits: /),
        expect.stringMatching(/^agents\/hr\/resume\.md:\d+: tols: unknown field "tols"/),
      ]),
    );
  });

  test('a new agent whose resume names a misspelt model is that one error: the chart does not call it missing, since its resume.md is there', () => {
    const root = defaultOrg();
    write(root, 'agents/statistician/resume.md', resume({ title: 'Statistician', model: 'offlne', credits: '1' }));
    write(root, 'org/chart.yaml', `${read(root, 'org/chart.yaml')}  statistician:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]\n`);
    const problems = problemsOf(root).map(formatProblem);
    expect(problems).toContainEqual(expect.stringMatching(/^agents\/statistician\/resume\.md:3: model: names the model "offlne"/));
    expect(problems.filter((problem) => problem.includes('statistician') && !problem.startsWith('agents/statistician/resume.md'))).toEqual([]);
  });
});

describe('permission edges', () => {
  test('a message needs send_to at the sender and read_from at the recipient', () => {
    const root = defaultOrg();
    const { org } = loadOrg(root);
    expect(checkEdge(org, 'manager', 'planner').allowed).toBe(true);
    expect(checkEdge(org, 'coder_01', 'manager')).toMatchObject({ allowed: false, reason: expect.stringContaining('coder_01.send_to') });
    write(root, 'org/chart.yaml', read(root, 'org/chart.yaml').replace('read_from: [manager, coder_01]', 'read_from: [coder_01]'));
    const edited = loadOrg(root).org;
    expect(checkEdge(edited, 'manager', 'planner')).toMatchObject({ allowed: false, reason: expect.stringContaining('planner.read_from') });
    expect(checkEdge(edited, 'manager', 'manager').allowed).toBe(false);
  });
});

describe('the parse cache', () => {
  test('a second load reads the cache, an edit is seen, and cross-file errors keep their lines', () => {
    const root = defaultOrg();
    loadOrg(root);
    expect(read(root, 'org/state/cache/parse-cache.json')).toContain('agents/planner/resume.md');
    write(root, 'agents/hr/resume.md', resume({ title: 'Recruiter', model: 'offline', credits: '2' }));
    expect(loadOrg(root).org.agents.get('hr')).toMatchObject({ title: 'Recruiter', credits: 2 });
    rmSync(join(root, 'agents', 'coder_01'), { recursive: true });
    const problem = problemsOf(root).find((entry) => entry.field === 'agents.coder_01');
    expect(problem?.message).toMatch(/does not exist/);
    expect(problem?.line).toBeGreaterThan(1);
  });

  test('a cache whose entries are not pairs of a path and a stamped entry, or of an older version, is left unused: the org is read from its files and the cache written again', () => {
    const root = defaultOrg();
    const planner = loadOrg(root).org.agents.get('planner')?.title;
    const cacheFile = 'org/state/cache/parse-cache.json';
    const kept = JSON.parse(read(root, cacheFile)) as { version: number; entries: Array<[string, unknown]> };
    expect(kept.entries.map(([file]) => file)).toContain('agents/planner/resume.md');
    for (const broken of [
      { version: kept.version, entries: [['agents/planner/resume.md', 'a string']] },
      { version: kept.version, entries: [['agents/planner/resume.md', null], 5] },
      { version: kept.version, entries: [['agents/planner/resume.md', { text: 'no stamp' }]] },
      { version: kept.version, entries: { 'agents/planner/resume.md': kept.entries[0]?.[1] } },
      { version: kept.version - 1, entries: Object.fromEntries(kept.entries) },
    ]) {
      write(root, cacheFile, JSON.stringify(broken));
      const loaded = new OrgLoader(root, { takesKept: false }).load();
      expect(loaded.problems).toEqual([]);
      expect(loaded.org.agents.get('planner')?.title).toBe(planner);
      expect(JSON.parse(read(root, cacheFile))).toMatchObject({ version: kept.version, entries: expect.arrayContaining([expect.arrayContaining(['agents/planner/resume.md'])]) });
    }
  });
});

describe('schema messages', () => {
  test('a value of the wrong type says so; a missing one says it is missing', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', model: 'offline', credits: 'lots' }));
    write(root, 'agents/janitor/resume.md', resume({ model: 'offline', credits: '1' }));
    const problems = problemsOf(root);
    const credits = problems.find((problem) => problem.file === 'agents/hr/resume.md');
    expect(credits?.message).toMatch(/expected number, received string; a valid value looks like `credits: 1\.5/);
    const title = problems.find((problem) => problem.file === 'agents/janitor/resume.md');
    expect(title).toMatchObject({ field: 'title', message: expect.stringMatching(/^is required but missing; a valid value looks like `title: /) });
  });

  test('a missing model (a name or a list of names) says it is missing, as a missing title does', () => {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', resume({ title: 'HR', credits: '1' }));
    const model = problemsOf(root).find((problem) => problem.file === 'agents/hr/resume.md');
    expect(model).toMatchObject({ field: 'model', message: 'is required but missing; a valid value looks like `model: gpt-4o-mini`' });
  });

  test('a negative or non-number cached price names the field, its line and a valid value', () => {
    const root = defaultOrg();
    const orgYaml = read(root, 'org/org.yaml');
    write(
      root,
      'org/org.yaml',
      orgYaml.replace(/^ {4}cached_input_price: 0\.075\b/m, '    cached_input_price: -0.075').replace(/^ {4}cache_write_price: 1\b/m, '    cache_write_price: cheap'),
    );
    const problems = problemsOf(root).filter((problem) => problem.file === 'org/org.yaml');
    const negative = problems.find((problem) => problem.field === 'models.gpt-4o-mini.cached_input_price');
    expect(negative?.message).toMatch(/>=0; a valid value looks like `cached_input_price: 0\.075 +# credits per million input tokens read from the prompt cache; input_price when absent`$/);
    expect(negative?.line).toBe(orgYaml.split('\n').findIndex((line) => line.startsWith('    cached_input_price: 0.075')) + 1);
    const word = problems.find((problem) => problem.field === 'models.claude-haiku.cache_write_price');
    expect(word?.message).toMatch(/^Invalid input: expected number, received string; a valid value looks like `cache_write_price: 1 +# credits per million input tokens written to the prompt cache/);
    expect(problems).toHaveLength(2);
  });
});
