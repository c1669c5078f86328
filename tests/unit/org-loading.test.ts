import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { InvalidOrgError } from '../../src/errors.js';
import { loadOrg, OrgLoader } from '../../src/org/load-org.js';
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
    expect(problems[0]?.line).toBeGreaterThanOrEqual(4);
    expect(() => loadOrg(root)).toThrow(/agents\/planner\/resume\.md:\d+/);
  });

  test('broken YAML in the chart names the file and the line', () => {
    const root = defaultOrg();
    write(root, 'org/chart.yaml', 'agents:\n  manager:\n    send_to: [human\n');
    const problem = problemsOf(root).find((entry) => entry.file === 'org/chart.yaml');
    expect(problem?.message).toMatch(/not valid YAML/);
    expect(problem?.line).toBeGreaterThanOrEqual(3);
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

  test('a chart naming an agent that does not exist is an error at its line', () => {
    const root = defaultOrg();
    const chart = read(root, 'org/chart.yaml').replace('send_to: [manager, coder_01]', 'send_to: [manager, coder_02]');
    write(root, 'org/chart.yaml', chart);
    const problem = problemsOf(root).find((entry) => entry.field === 'agents.planner.send_to.1');
    expect(problem?.message).toMatch(/"coder_02".*not an agent/);
    expect(problem?.line).toBeGreaterThan(1);
    rmSync(join(root, 'agents', 'hr'), { recursive: true });
    expect(problemsOf(root).some((entry) => /agents\.hr$/.test(entry.field ?? '') && /does not exist/.test(entry.message))).toBe(true);
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
});
