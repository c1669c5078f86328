import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';
import { besidesProgress } from '../helpers/progress-lines.js';

/** A small population with a department each under a head, teams of 3, a numeric attribute and a conditional one. */
const SPEC = `# Who works here.
name: shop
seed: 11
size: 30
attributes:
  department:
    shares: { sales: 0.6, support: 0.4 }
  seniority:
    shares: { junior: 0.7, senior: 0.3 }
  remote:
    given: seniority
    table:
      junior: { office: 0.8, remote: 0.2 }
      senior: { office: 0.4, remote: 0.6 }
  age:
    distribution: { kind: normal, mean: 38, sd: 9, min: 20, max: 66 }
structure:
  departments: department
  team_size: 3
roles:
  head: { title: "Head of {department}: decides for the department", model: offline, credits: 1 }
  lead: { title: "Team lead: runs team {team} of {department}", model: offline, credits: 0.5 }
  member: { title: "Clerk: answers customers in {department}", model: offline, credits: 0.2, instructions: "Report to {manager}." }
persona: "You are {name}, {age}, a {seniority} clerk in {department}, working from the {remote}."
`;

function specFile(): string {
  const file = join(tempDir(), 'people.yaml');
  writeFileSync(file, SPEC);
  return file;
}

function resumes(root: string): Map<string, string> {
  return new Map(readdirSync(join(root, 'agents')).map((agent) => [agent, readFileSync(join(root, 'agents', agent, 'resume.md'), 'utf8')]));
}

describe('lemming populate', () => {
  test('writes an org of people a person can read, that validates; --dry-run writes nothing; an org or a project folder is never written over', () => {
    const spec = specFile();
    const planned = join(tempDir(), 'org');
    const dry = lemming(planned, ['populate', spec, '--dry-run', '--enrich', 'offline']);
    expect(besidesProgress(dry.stderr)).toBe('');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toMatch(/^would write 30 agents and the human into .* \(seed 11\): 2 department heads, \d+ team leads, \d+ members$/m);
    expect(dry.stdout).toContain('  department: sales 60.0% (target 60.0%), support 40.0% (target 40.0%)');
    expect(dry.stdout).toMatch(/^--enrich offline: 30 call\(s\), about [\d,]+ input tokens and at most 9,000 output tokens: at most 0\.\d{4} credits, charged to the research account/m);
    expect(existsSync(planned)).toBe(false);

    const root = tempDir();
    const made = lemming(root, ['populate', spec]);
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/^wrote 30 agents and the human/m);
    expect(made.stdout).toMatch(/^ {2}age: mean [\d.]+, sd [\d.]+, \d+ to \d+$/m);
    expect(lemming(root, ['validate']).status).toBe(0);
    const first = resumes(root).get('agent_00001') ?? '';
    expect(first).toMatch(/^---\ntitle: "Head of (sales|support): decides for the department"\nrole: head\nmodel: offline\ncredits: 1\npersona:\n {2}department: (sales|support)\n {2}seniority: (junior|senior)\n {2}remote: (office|remote)\n {2}age: \d+\n---\nYou are agent_00001, \d+, a/);
    const clerk = [...resumes(root).values()].find((text) => text.includes('title: "Clerk'));
    expect(clerk).toMatch(/Report to agent_000\d\d\.\n$/);
    // The template keeps its history; an org of generated people is written without one, and says how to keep it.
    expect(readFileSync(join(REPO_ROOT, 'templates/software-team/org/org.yaml'), 'utf8')).toMatch(/^history: \{ keep: true \}$/m);
    const settings = readFileSync(join(root, 'org/org.yaml'), 'utf8');
    expect(settings).toMatch(/^history: \{ keep: false \}$/m);
    expect(settings).toContain('Set keep: true to show or fork its turns.');
    expect(lemming(root, ['send', 'agent_00001', 'Plan the quarter']).status).toBe(0);
    expect(lemming(root, ['run-once']).status).toBe(0);
    expect(existsSync(join(root, 'org/state/history.git'))).toBe(false);

    const again = lemming(root, ['populate', spec]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('holds an org already');
    const project = tempDir();
    writeFileSync(join(project, 'package.json'), '{}');
    const refused = lemming(project, ['populate', spec]);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('package.json');
    expect(readdirSync(project)).toEqual(['package.json']);
  });

  test('a spec with a mistake is refused naming the file, the field and a valid value; nothing is written', () => {
    const spec = join(tempDir(), 'people.yaml');
    writeFileSync(spec, SPEC.replace('remote: 0.6', 'remote: 0.5'));
    const root = join(tempDir(), 'org');
    const result = lemming(root, ['populate', spec]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`${spec}:14: attributes.remote.table.senior: add up to 0.9; shares must add up to 1; a valid value looks like \`table: {`);
    // The one mistake, said once: the persona naming {remote} is not also refused.
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(root)).toBe(false);
  });

  test('--enrich offline writes a biography into each resume, charged to the research account, and a replay of its cassette writes the same', () => {
    const spec = specFile();
    const root = tempDir();
    const cassette = join(tempDir(), 'enrich.jsonl');
    const made = lemming(root, ['populate', spec, '--enrich', 'offline', '--record', cassette]);
    expect(besidesProgress(made.stderr)).toBe('');
    expect(made.status).toBe(0);
    expect(made.stdout).toMatch(/^wrote 30 biographies with offline: 0\.\d{4} credits charged to the research account$/m);
    const written = resumes(root);
    expect(written.get('agent_00001')).toMatch(/\n## Biography\n\nagent_00001 works as a head of (sales|support): decides for the department\. Their department is (sales|support); their seniority is/);
    const ledger = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { type: string; purpose?: string; agent: string });
    expect(ledger.filter((line) => line.type === 'research' && line.purpose === 'enrich')).toHaveLength(30);
    expect(lemming(root, ['validate']).status).toBe(0);

    const replayed = tempDir();
    expect(lemming(replayed, ['populate', spec, '--enrich', 'offline', '--replay', cassette]).status).toBe(0);
    expect(resumes(replayed)).toEqual(written);
  });
});
