import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { read, tempDir, write } from '../helpers/org-files.js';

interface ProposalJson {
  id: string;
  proposed_by: string;
  hire?: { name: string; title: string; instructions: string; credits: number; tools: string[]; template?: string };
}

function bootstrapped(): string {
  const root = tempDir();
  expect(lemming(root, ['bootstrap']).status).toBe(0);
  return root;
}

describe('hiring from agent templates, through the built CLI', () => {
  test('"we need a tester": the offline hr starts the hire from org/templates/tester.md, the proposal says so, and approval makes that resume', () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'We need a tester before the release.']);
    expect(lemming(root, ['run']).status).toBe(0);
    const [proposal] = JSON.parse(lemming(root, ['approvals', '--json']).stdout) as ProposalJson[];
    expect(proposal?.proposed_by).toBe('hr');
    expect(proposal?.hire).toMatchObject({
      name: 'tester_01',
      template: 'tester',
      title: 'Tester: tests the work and reports the bugs it finds',
      credits: 0.1,
      tools: ['send_message', 'remember', 'read_file', 'list_files', 'search_files'],
    });
    // The template's instructions first, then the request's own words.
    expect(proposal?.hire?.instructions).toMatch(/^You test what the team builds before it ships\./);
    expect(proposal?.hire?.instructions).toContain('"We need a tester before the release."');
    const file = read(root, `org/proposals/${proposal?.id}.md`);
    expect(file).toMatch(/^ {2}template: tester$/m);
    expect(file).toContain('hr proposes to hire tester_01 (Tester: tests the work and reports the bugs it finds), from the template tester');
    expect(lemming(root, ['approve', proposal?.id ?? '']).status).toBe(0);
    const resume = read(root, 'agents/tester_01/resume.md');
    expect(resume).toContain('title: "Tester: tests the work and reports the bugs it finds"');
    expect(resume).toMatch(/tools:\n {2}- send_message\n {2}- remember\n {2}- read_file\n {2}- list_files\n {2}- search_files/);
  });

  test('a role no template names is hired as before, without a template: a backend engineer is not made a QA engineer', () => {
    const root = bootstrapped();
    lemming(root, ['send', 'manager', 'Please hire a backend engineer to help coder_01']);
    expect(lemming(root, ['run']).status).toBe(0);
    const [proposal] = JSON.parse(lemming(root, ['approvals', '--json']).stdout) as ProposalJson[];
    expect(proposal?.hire?.title).toBe('Backend engineer: writes and tests code');
    expect(proposal?.hire?.template).toBeUndefined();
  });

  test('lemming add-agent --template: the template fills what the options leave out; an unknown or broken template is refused by name', () => {
    const root = bootstrapped();
    const added = lemming(root, ['add-agent', 'docs_01', '--template', 'technical-writer', '--reports-to', 'planner', '--credits', '0.3']);
    expect(added.status).toBe(0);
    expect(added.stdout).toContain('from the template technical-writer');
    const resume = read(root, 'agents/docs_01/resume.md');
    expect(resume).toContain('title: "Technical writer: writes the documentation, guides and release notes"');
    expect(resume).toContain('credits: 0.3');
    expect(resume).toContain('You write what people read to use the team');
    expect(lemming(root, ['validate']).status).toBe(0);

    const unknown = lemming(root, ['add-agent', 'x_01', '--template', 'astronaut', '--reports-to', 'manager']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('template "astronaut" is not in org/templates/ (there are: analyst, qa, reviewer, technical-writer, tester)');

    write(root, 'org/templates/broken.md', '---\ntitle: Broken\ncredits: -1\n---\nNo.\n');
    const broken = lemming(root, ['add-agent', 'x_02', '--template', 'broken', '--reports-to', 'manager']);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(/org\/templates\/broken\.md:3: credits: /);
    expect(lemming(root, ['add-agent', 'x_03', '--reports-to', 'manager']).stderr).toContain('give --title');
    expect(readFileSync(join(root, 'org/chart.yaml'), 'utf8')).not.toMatch(/x_0\d/);
  });

  test('validate checks a template\'s model and tools against the org, as a hire from it would be: named with the field and the valid values', () => {
    const root = bootstrapped();
    write(root, 'org/templates/pilot.md', '---\ntitle: Pilot\nmodel: gpt-9\ncredits: 0.1\ntools: [send_message, fly, search/query]\n---\nYou fly.\n');
    const validated = lemming(root, ['validate']);
    expect(validated.status).toBe(0);
    const lines = validated.stdout.split('\n').filter((line) => line.includes('org/templates/pilot.md'));
    expect(lines).toEqual([
      'warning: org/templates/pilot.md:3: model: names the model "gpt-9", which is not in org/org.yaml models (known: offline, gpt-4o-mini, claude-haiku, llama-local); a hire from this template must give its own model',
      expect.stringMatching(/^warning: org\/templates\/pilot\.md:5: tools\.1: names the tool "fly", which is not a tool: it must be one of send_message, .*; a hire cannot start from this template$/),
      'warning: org/templates/pilot.md:5: tools.2: grants "search/query", but org/org.yaml mcp_servers has no server "search" (known: none declared); a hire cannot start from this template',
    ]);
    // `lemming templates` in the org says the same of it.
    expect(lemming(root, ['templates']).stdout.split('\n').filter((line) => line.includes('org/templates/pilot.md'))).toEqual(lines);
    // The hire from it is refused for the same reasons, and the templates validate did not warn of are used.
    expect(lemming(root, ['add-agent', 'pilot_01', '--template', 'pilot', '--reports-to', 'manager']).status).toBe(2);
    expect(validated.stdout).not.toMatch(/org\/templates\/(tester|qa|reviewer|analyst|technical-writer)\.md/);
  });
  test('a broken template: `lemming templates` says each problem with its line and field, as validate does, and add-agent --template says every one', () => {
    const root = bootstrapped();
    write(root, 'org/templates/broken.md', '---\ntitle: 5\ncredits: -1\ntools: nope\n---\nNo.\n');
    const validated = lemming(root, ['validate']).stdout.split('\n').filter((line) => line.includes('org/templates/broken.md'));
    expect(validated.map((line) => /^warning: org\/templates\/broken\.md:(\d+): (\w+):/.exec(line)?.slice(1))).toEqual([
      ['2', 'title'],
      ['3', 'credits'],
      ['4', 'tools'],
    ]);
    const listed = lemming(root, ['templates']);
    expect(listed.status).toBe(0);
    expect(listed.stdout.split('\n').filter((line) => line.includes('org/templates/broken.md'))).toEqual(validated);

    const refused = lemming(root, ['add-agent', 'x_01', '--template', 'broken', '--reports-to', 'manager']);
    expect(refused.status).toBe(2);
    for (const line of validated) expect(refused.stderr).toContain(line.replace(/^warning: /, ''));
    expect(readFileSync(join(root, 'org/chart.yaml'), 'utf8')).not.toContain('x_01');
  });

  test('a template with a bad budget and an unknown model and tool: validate, `lemming templates` and add-agent say all three at once, each with its line', () => {
    const root = bootstrapped();
    write(root, 'org/templates/pilot.md', '---\ntitle: Pilot\nmodel: gpt-9\ncredits: ten\ntools: [fly, send_message]\n---\nYou fly.\n');
    const validated = lemming(root, ['validate']).stdout.split('\n').filter((line) => line.includes('org/templates/pilot.md'));
    expect(validated.map((line) => /^warning: org\/templates\/pilot\.md:(\d+): ([\w.]+):/.exec(line)?.slice(1)).sort()).toEqual([
      ['3', 'model'],
      ['4', 'credits'],
      ['5', 'tools.0'],
    ]);
    expect(lemming(root, ['templates']).stdout.split('\n').filter((line) => line.includes('org/templates/pilot.md'))).toEqual(validated);
    const refused = lemming(root, ['add-agent', 'pilot_01', '--template', 'pilot', '--reports-to', 'manager']);
    expect(refused.status).toBe(2);
    for (const line of validated) expect(refused.stderr).toContain(line.replace(/^warning: /, ''));
    expect(readFileSync(join(root, 'org/chart.yaml'), 'utf8')).not.toContain('pilot_01');
  });

  test('add-agent --template refuses a template whose model or tool the org lacks with the template\'s file, line and field; what the options give instead is not held against it', () => {
    const root = bootstrapped();
    write(root, 'org/templates/pilot.md', '---\ntitle: Pilot\nmodel: gpt-9\ncredits: 0.1\ntools: [send_message, fly]\n---\nYou fly.\n');
    const refused = lemming(root, ['add-agent', 'pilot_01', '--template', 'pilot', '--reports-to', 'manager']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('template "pilot" cannot be used:');
    expect(refused.stderr).toContain('org/templates/pilot.md:3: model: names the model "gpt-9", which is not in org/org.yaml models (known: offline, gpt-4o-mini, claude-haiku, llama-local); a hire from this template must give its own model');
    expect(refused.stderr).toMatch(/org\/templates\/pilot\.md:5: tools\.1: names the tool "fly", which is not a tool: it must be one of send_message, /);
    // Its own model given: only the tool is left to refuse it for.
    const ownModel = lemming(root, ['add-agent', 'pilot_01', '--template', 'pilot', '--reports-to', 'manager', '--model', 'offline']);
    expect(ownModel.status).toBe(2);
    expect(ownModel.stderr).not.toContain('gpt-9');
    expect(ownModel.stderr).toContain('org/templates/pilot.md:5: tools.1:');
    expect(readFileSync(join(root, 'org/chart.yaml'), 'utf8')).not.toContain('pilot_01');
    // Both given: the template gives the title and the instructions, and the hire is made.
    const added = lemming(root, ['add-agent', 'pilot_01', '--template', 'pilot', '--reports-to', 'manager', '--model', 'offline', '--tools', 'send_message']);
    expect(added.status).toBe(0);
    expect(read(root, 'agents/pilot_01/resume.md')).toContain('You fly.');
  });
});
