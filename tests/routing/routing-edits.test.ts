import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const RULES = 'escalate:\n  after_turns: 2\n';

/** A default org whose manager cannot pay for a call: the human's mail to it is never answered. */
function org(): string {
  const root = tempDir('lemming-routing-edits-');
  roots.push(root);
  lemming(root, ['bootstrap']);
  const resume = join(root, 'agents/manager/resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace('credits: 0.5', 'credits: 0.0000001'));
  writeFileSync(join(root, 'org/routing.yaml'), RULES);
  lemming(root, ['send', 'manager', 'Which database?', '--subject', 'Decision']);
  return root;
}

function escalations(root: string): string[] {
  const inbox = JSON.parse(lemming(root, ['inbox', '--all', '--json']).stdout) as { notices: Array<{ subject: string }> };
  return inbox.notices.map((notice) => notice.subject).filter((subject) => subject.startsWith('Escalated'));
}

describe('editing org/routing.yaml between runs', () => {
  test('a broken file stops no run and drops no waiting mail: once it is fixed, the mail is raised, once', () => {
    const root = org();
    const first = lemming(root, ['run', '--turns', '1']);
    expect(first.status).toBe(0);
    writeFileSync(join(root, 'org/routing.yaml'), 'escalate:\n  after_turns: soon\n');
    const broken = lemming(root, ['run']);
    expect(broken.status).toBe(0);
    expect(broken.stdout).toContain('org/routing.yaml:2: escalate.after_turns: must be a whole number of turns from 1 to 10000');
    expect(broken.stdout).toContain('no routing rule applies until it is fixed');
    // Told once, not at every turn.
    expect(broken.stdout.split('escalate.after_turns: must be').length - 1).toBe(1);
    expect(escalations(root)).toEqual([]);
    const state = JSON.parse(readFileSync(join(root, 'org/state/engine.json'), 'utf8')) as { turn: number; awaiting?: Array<{ id: string }> };
    expect(state.awaiting?.map((item) => item.id)).toEqual(['000000-human-001']);
    expect(lemming(root, ['status']).stdout).toContain('1 message(s) wait for an answer (org/routing.yaml escalate):\n  000000-human-001 from human to manager, sent in turn 0 ("Decision")');
    writeFileSync(join(root, 'org/routing.yaml'), RULES);
    const fixed = lemming(root, ['run']);
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toContain('000000-human-001 unanswered: raised to human');
    expect(escalations(root)).toEqual(['Escalated: manager has not answered human']);
    expect(lemming(root, ['run']).stdout).not.toContain('raised to');
    expect(escalations(root)).toEqual(['Escalated: manager has not answered human']);
  });

  test('rules removed: nothing waits for an answer any more and the run ends', () => {
    const root = org();
    expect(lemming(root, ['run', '--turns', '1']).status).toBe(0);
    rmSync(join(root, 'org/routing.yaml'));
    const run = lemming(root, ['run']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('raised to');
    expect(escalations(root)).toEqual([]);
  });
});
