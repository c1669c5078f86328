import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';

/**
 * What each template's description promises, on the offline model: bootstrapped with the built
 * CLI, sent its seed tasks, and run to idle, every role has written a message, and every role of
 * the template is listed here (a role added to a template without a part in its demo fails).
 */
const MUST_TAKE_PART: Record<string, string[]> = {
  'software-team': ['manager', 'planner', 'hr', 'coder_01', 'janitor'],
  'research-lab': ['lead', 'researcher_01', 'researcher_02', 'reviewer'],
  newsroom: ['editor', 'reporter_01', 'reporter_02', 'fact_checker'],
  startup: ['founder', 'engineer'],
  'support-desk': ['triage', 'support_01', 'support_02', 'lead'],
};

function wroteMessages(root: string): string[] {
  return readdirSync(join(root, 'agents')).filter((agent) => {
    try {
      return readdirSync(join(root, 'agents', agent, 'outbox')).some((name) => name.endsWith('.md'));
    } catch {
      return false;
    }
  });
}

describe('each template shows what it promises on the offline model', () => {
  test('every template is covered here', () => {
    expect(readdirSync(join(REPO_ROOT, 'templates')).sort()).toEqual(Object.keys(MUST_TAKE_PART).sort());
  });

  test.each(Object.entries(MUST_TAKE_PART))('%s: its seed task reaches %j, and the answer reaches the human', (template, agents) => {
    const root = tempDir();
    type Seed = { to: string; subject: string; body: string };
    const given = (parse(readFileSync(join(REPO_ROOT, 'templates', template, 'template.yaml'), 'utf8')) as { seed: Seed | Seed[] }).seed;
    const seeds = Array.isArray(given) ? given : [given];
    expect(lemming(root, ['bootstrap', '--template', template]).status).toBe(0);
    for (const seed of seeds) expect(lemming(root, ['send', seed.to, seed.body, '--subject', seed.subject]).status).toBe(0);
    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('the org is idle');
    const wrote = wroteMessages(root);
    for (const agent of agents) expect(wrote, `${agent} never wrote a message`).toContain(agent);
    // Every role of the template, the human aside, is one that must take part.
    expect(readdirSync(join(root, 'agents')).filter((agent) => agent !== 'human').sort()).toEqual([...agents].sort());
    const inbox = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ from: string; subject: string; body: string }> };
    expect(inbox.messages.filter((message) => message.from === seeds[0]?.to)).toHaveLength(seeds.length);
    // The software team's answer carries each part: hr's and the janitor's as well as the planner's.
    if (template === 'software-team') {
      const answer = inbox.messages.find((message) => message.from === 'manager')?.body ?? '';
      for (const part of ['From hr:', 'From janitor:', 'From planner:', 'What I did, as People partner:', 'What I did, as Janitor:', 'Tests: I ran']) expect(answer).toContain(part);
    }
    // The research lab's answer holds the findings: where the researchers saved them, and what the reviewer read in them.
    if (template === 'research-lab') {
      const answer = inbox.messages.find((message) => message.from === 'lead')?.body ?? '';
      expect(answer).toMatch(/The file: workspace\/findings\/does-remote-work-change-how-often-teams-ship-researcher_01\.md/);
      expect(answer).toMatch(/I read workspace\/findings\/does-remote-work-change-how-often-teams-ship-researcher_02\.md \(\d+ line\(s\)\); its claims: "/);
      expect(answer).not.toMatch(/could not read|does not exist/);
    }
  });
});
