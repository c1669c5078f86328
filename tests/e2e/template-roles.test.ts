import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { lemming } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/org-files.js';

/**
 * What each template's description promises, on the offline model: bootstrapped with the built
 * CLI, sent its seed task, and run to idle, every role the promise names has written a message.
 * (support-desk's escalation lead takes only the cases support cannot settle, and software-team's
 * hr and janitor work on hires and on schedule: the seed tasks ask for neither.)
 */
const MUST_TAKE_PART: Record<string, string[]> = {
  'software-team': ['manager', 'planner', 'coder_01'],
  'research-lab': ['lead', 'researcher_01', 'researcher_02', 'reviewer'],
  newsroom: ['editor', 'reporter_01', 'fact_checker'],
  startup: ['founder', 'engineer'],
  'support-desk': ['triage', 'support_01'],
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
    const seed = (parse(readFileSync(join(REPO_ROOT, 'templates', template, 'template.yaml'), 'utf8')) as { seed: { to: string; subject: string; body: string } }).seed;
    expect(lemming(root, ['bootstrap', '--template', template]).status).toBe(0);
    expect(lemming(root, ['send', seed.to, seed.body, '--subject', seed.subject]).status).toBe(0);
    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('the org is idle');
    const wrote = wroteMessages(root);
    for (const agent of agents) expect(wrote, `${agent} never wrote a message`).toContain(agent);
    const inbox = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { messages: Array<{ from: string; subject: string }> };
    expect(inbox.messages.map((message) => message.from)).toContain(seed.to);
  });
});
