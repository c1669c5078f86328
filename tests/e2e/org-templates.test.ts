import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir, write } from '../helpers/org-files.js';

interface InboxMessage {
  from: string;
  subject?: string;
  body: string;
}

function humanInbox(root: string): InboxMessage[] {
  const result = lemming(root, ['inbox', '--all', '--json']);
  expect(result.status).toBe(0);
  const parsed = JSON.parse(result.stdout) as InboxMessage[] | { messages: InboxMessage[] };
  return Array.isArray(parsed) ? parsed : parsed.messages;
}

// Each built-in template besides the default, the agent the person writes to, and who does the work.
const TEMPLATES: Array<[string, string, string]> = [
  ['research-lab', 'lead', 'researcher_01'],
  ['support-desk', 'triage', 'support_01'],
  ['newsroom', 'editor', 'reporter_01'],
  ['startup', 'founder', 'engineer'],
];

describe('org templates, through the built CLI', () => {
  test('lemming templates lists the software team and at least four others, a line each, and the agent templates', () => {
    const listed = JSON.parse(lemming(tempDir(), ['templates', '--json']).stdout) as { org_templates: Array<{ name: string; description: string }>; agent_templates: Array<{ name: string }> };
    const names = listed.org_templates.map((template) => template.name);
    expect(names).toEqual(['software-team', 'newsroom', 'research-lab', 'startup', 'support-desk']);
    for (const template of listed.org_templates) expect(template.description.length).toBeGreaterThan(20);
    expect(listed.agent_templates.map((template) => template.name)).toEqual(['analyst', 'qa', 'reviewer', 'technical-writer', 'tester']);
    const plain = lemming(tempDir(), ['templates']).stdout;
    expect(plain).toMatch(/^ {2}research-lab {2,}Research lab: /m);
  });

  test.each(TEMPLATES)('%s: demo bootstraps it, sends its seed to %s, runs to idle offline, and an answer reaches the human', (name, top, worker) => {
    const root = tempDir();
    const demo = lemming(root, ['demo', '--template', name]);
    expect(demo.stderr).toBe('');
    expect(demo.status).toBe(0);
    expect(demo.stdout).toContain(`seeded a first task from human to ${top}`);
    expect(demo.stdout).toMatch(/the org is idle/);
    // One answer to each task the template seeds (one, or a list), each done below the agent the person wrote to and reported up.
    const given = (parse(readFileSync(join(REPO_ROOT, 'templates', name, 'template.yaml'), 'utf8')) as { seed: { subject: string } | Array<{ subject: string }> }).seed;
    const seeds = Array.isArray(given) ? given : [given];
    const replies = humanInbox(root).filter((message) => message.from === top);
    expect(replies.map((reply) => reply.subject).sort()).toEqual(seeds.map((seed) => `Re: ${seed.subject}`).sort());
    for (const reply of replies) expect(reply.body).toContain('is done. The report:');
    expect(lemming(root, ['status', '--json']).stdout).toContain(`"name": "${worker}"`);
    // The org is every bit an org: it validates, and it carries the agent templates for hiring.
    expect(lemming(root, ['validate']).status).toBe(0);
    expect(readFileSync(join(root, 'org/templates/tester.md'), 'utf8')).toContain('title: "Tester:');
  });

  test('a folder of the user\'s own works the same; bootstrap twice repairs and keeps edits', () => {
    const mine = join(tempDir(), 'my-template');
    cpSync(join(REPO_ROOT, 'templates', 'startup'), mine, { recursive: true });
    write(mine, 'template.yaml', 'description: "My shop: founder and engineer"\nseed: { to: founder, subject: Hello, body: "Please build the shop page" }\n');
    const root = tempDir();
    const made = lemming(root, ['bootstrap', '--template', mine]);
    expect(made.status).toBe(0);
    expect(made.stdout).toContain('wrote agents/founder/resume.md');
    expect(made.stdout).toContain('Next: `lemming send founder "..."`');
    write(root, 'agents/founder/resume.md', readFileSync(join(root, 'agents/founder/resume.md'), 'utf8').replace('credits: 0.5', 'credits: 0.7'));
    const again = lemming(root, ['bootstrap', '--template', mine]);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('kept agents/founder/resume.md');
    const demo = lemming(root, ['demo', '--template', mine]);
    expect(demo.status).toBe(0);
    expect(humanInbox(root).map((message) => message.subject)).toEqual(['Re: Hello']);
  });

  test("a template.yaml with several mistakes says every one with its line and field, a misspelt field included; nothing is written", () => {
    const mine = join(tempDir(), 'my-template');
    cpSync(join(REPO_ROOT, 'templates', 'startup'), mine, { recursive: true });
    write(mine, 'template.yaml', 'description: 5\nseeds: { to: founder, subject: Hello, body: "Build it" }\nseed: { to: founder, subject: Hello }\n');
    const root = join(tempDir(), 'new-org');
    const refused = lemming(root, ['bootstrap', '--template', mine]);
    expect(refused.status).toBe(2);
    const file = join(mine, 'template.yaml');
    expect(refused.stderr).toContain(`${file}:1: description: must be one line of text`);
    expect(refused.stderr).toContain(`${file}:2: seeds: unknown field "seeds"; did you mean seed?`);
    expect(refused.stderr).toContain(`${file}:3: seed.body: must be text`);
    expect(refused.stderr).toContain('a valid template.yaml looks like');
    expect(existsSync(root)).toBe(false);
  });

  test("a seed task to a name the template's human may not write to is refused with its line and field, by bootstrap and demo; nothing is written", () => {
    // Before, bootstrap wrote the org and said "Next: `lemming send ghost "..."`", a command that fails; demo wrote the org, then failed.
    const mine = join(tempDir(), 'my-template');
    cpSync(join(REPO_ROOT, 'templates', 'startup'), mine, { recursive: true });
    write(mine, 'template.yaml', 'description: A startup\nseed:\n  - { to: founder, subject: Hello, body: "Build it" }\n  - { to: ghost, subject: Hello, body: "Build it" }\n  - { to: engineer, subject: Hi, body: "Ship it" }\n');
    const root = join(tempDir(), 'new-org');
    const file = join(mine, 'template.yaml');
    for (const command of ['bootstrap', 'demo']) {
      const refused = lemming(root, [command, '--template', mine]);
      expect(refused.status).toBe(2);
      expect(refused.stderr).toContain(`${file}:4: seed.1.to: there is no agent named ghost`);
      // The startup's human writes to the founder alone (org/chart.yaml).
      expect(refused.stderr).toMatch(new RegExp(`${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5: seed\\.2\\.to: .*human may not send to engineer`));
      expect(refused.stderr).not.toContain('seed.0');
      expect(refused.stdout).not.toContain('demo org:');
      expect(existsSync(root)).toBe(false);
    }
  });

  test('a folder that is not a valid org is refused, naming the file and the field; nothing is written', () => {
    const broken = join(tempDir(), 'broken');
    cpSync(join(REPO_ROOT, 'templates', 'startup'), broken, { recursive: true });
    write(broken, 'agents/engineer/resume.md', readFileSync(join(broken, 'agents/engineer/resume.md'), 'utf8').replace('model: offline', 'model: gpt-nine'));
    const root = join(tempDir(), 'new-org');
    const result = lemming(root, ['bootstrap', '--template', broken]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(join(broken, 'agents/engineer/resume.md'));
    expect(result.stderr).toMatch(/model.*gpt-nine/);
    expect(lemming(root, ['status']).status).not.toBe(0);
    // demo refuses it the same, and does not first point the person at an org it never wrote.
    const demo = lemming(root, ['demo', '--template', broken]);
    expect(demo.status).toBe(2);
    expect(demo.stderr).toMatch(/model.*gpt-nine/);
    expect(demo.stdout).not.toContain('demo org:');
    expect(existsSync(root)).toBe(false);

    const notAnOrg = tempDir();
    const missing = lemming(tempDir(), ['bootstrap', '--template', notAnOrg]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(`${join(notAnOrg, 'org/org.yaml')} is missing`);

    const unknown = lemming(tempDir(), ['bootstrap', '--template', 'zoo']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('there are: software-team, newsroom, research-lab, startup, support-desk');
  });

  test('a template is not mixed into a root that holds another org', () => {
    const root = tempDir();
    expect(lemming(root, ['bootstrap']).status).toBe(0);
    const result = lemming(root, ['bootstrap', '--template', 'newsroom']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('already holds the org "lemming-default"');
    expect(lemming(root, ['status', '--json']).stdout).not.toContain('editor');
  });
});
