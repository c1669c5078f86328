import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultFaultOrg, humanSends } from './fault-org.js';

/** Replace one line of a file of the org, failing loudly when it is not there. */
function edit(root: string, file: string, from: string, to: string): void {
  const path = join(root, file);
  const text = readFileSync(path, 'utf8');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to));
}

function logLines(root: string, agent: string): Array<Record<string, unknown>> {
  const path = join(root, 'agents', agent, 'logs', 'activity.jsonl');
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

function outbox(root: string, agent: string): string[] {
  return readdirSync(join(root, 'agents', agent, 'outbox'));
}

/**
 * The default org with a list `team` of the planner and hr that `poster` may post to (its chart's `sendTo` line
 * gains the list), and the planner out of credits, so a post to the list waits for it.
 */
function orgWithTeam(poster: string, sendTo: string): string {
  const root = defaultFaultOrg();
  mkdirSync(join(root, 'org/lists'), { recursive: true });
  writeFileSync(join(root, 'org/lists/team.yaml'), `members: [planner, hr]\nmay_post: [${poster}]\n`);
  edit(root, 'org/chart.yaml', sendTo, sendTo.replace(']', ', team]'));
  edit(root, 'agents/planner/resume.md', 'credits: 0.5', 'credits: 0');
  return root;
}

/**
 * Give the planner and hr credits, and check what status says of their one waiting message each: the planner's
 * counted apart as one its next turn refuses (and said), hr's unread.
 */
function statusRefusesPlannerOnly(root: string): void {
  expect(lemming(root, ['top-up', 'planner', '5']).status).toBe(0);
  expect(lemming(root, ['top-up', 'hr', '5']).status).toBe(0);
  const agents = (JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; unread: number; refusedWhenRead?: number }> }).agents;
  expect(agents.find((agent) => agent.name === 'planner')).toMatchObject({ unread: 0, refusedWhenRead: 1 });
  expect(agents.find((agent) => agent.name === 'hr')).toMatchObject({ unread: 1 });
  expect(agents.find((agent) => agent.name === 'hr')?.refusedWhenRead).toBeUndefined();
  expect(lemming(root, ['status']).stdout).toContain(
    'planner has 1 more message(s) waiting that it will not read: the chart or a list changed after they were sent, and its next turn refuses them and tells their senders',
  );
}

describe('mail waiting on an edge the chart no longer has is checked again when it is read', () => {
  test('the planner stops reading from the manager after the manager wrote: the letter is not read, the manager is told', () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Please break the release into tasks for the planner.');
    const first = lemming(root, ['run-once']);
    expect(first.status).toBe(0);
    expect(outbox(root, 'manager')).toEqual(['000001-001-planner.md']);

    // Between turns the person takes the manager out of the planner's read_from.
    edit(root, 'org/chart.yaml', 'read_from: [manager, coder_01]', 'read_from: [coder_01]');
    const second = lemming(root, ['run-once']);
    expect(second.status).toBe(0);
    // The planner was not called on it: nothing written, nothing charged.
    expect(outbox(root, 'planner')).toEqual([]);
    expect(logLines(root, 'planner').filter((line) => line.event === 'called')).toEqual([]);
    expect(second.stdout).toMatch(/refused manager -> planner \("Please break the release into tasks for the planner\."\): planner does not read from manager \(chart\.yaml: agents\.planner\.read_from\); it changed after the message was sent/);
    // The sender's log has one refused line for it, naming the file.
    const refused = logLines(root, 'manager').filter((line) => line.event === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ turn: 2, to: 'planner', cause: 'chart', file: 'agents/manager/outbox/000001-001-planner.md' });

    // The manager reads the notice at the next turn; the letter waits for no one and is not read later.
    const third = lemming(root, ['run', '--plain']);
    expect(third.status).toBe(0);
    expect(outbox(root, 'planner')).toEqual([]);
    expect(logLines(root, 'manager').filter((line) => line.event === 'refused')).toHaveLength(1);
  });

  test('a reader called for other mail is shown only what the chart lets it read: the refused letter is in no prompt, trace or memory', () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Please break the release into tasks for the planner.');
    expect(lemming(root, ['run-once']).status).toBe(0);
    edit(root, 'org/chart.yaml', 'read_from: [manager, coder_01]', 'read_from: [coder_01]');
    // coder_01, whom the planner still reads, writes to it by hand before the next turn.
    writeFileSync(join(root, 'agents/coder_01/outbox/question.md'), '---\nto: planner\nsubject: Which branch\n---\nWhich branch should I use for the fix?\n');
    const second = lemming(root, ['run-once']);
    expect(second.status).toBe(0);
    expect(second.stdout).toContain('refused manager -> planner');
    expect(second.stdout).toContain('planner thinking (offline, 1 message(s))');
    const trace = lemming(root, ['trace', 'planner', '--turn', '2']);
    expect(trace.status).toBe(0);
    const written = trace.stdout;
    expect(written).toContain('Which branch should I use for the fix?');
    expect(written).not.toContain('Please break the release into tasks');
    const notes = join(root, 'agents/planner/memory');
    const remembered = existsSync(notes) ? readdirSync(notes).map((name) => readFileSync(join(notes, name), 'utf8')).join('\n') : '';
    expect(remembered).not.toContain('Please break the release into tasks');
    expect(outbox(root, 'planner').map((name) => readFileSync(join(root, 'agents/planner/outbox', name), 'utf8')).join('\n')).not.toContain('Please break the release');
  });

  test('a post waits for a member out of credits; taken off the list meanwhile, it does not read the post', () => {
    const root = orgWithTeam('human', 'send_to: [manager]');
    humanSends(root, 'team', 'Everyone: please write a status note.');
    const first = lemming(root, ['run-once']);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('planner skipped: out of credits');
    // The person takes the planner off the list and gives it credits: the post no longer reaches it.
    writeFileSync(join(root, 'org/lists/team.yaml'), 'members: [hr]\nmay_post: [human]\n');
    expect(lemming(root, ['top-up', 'planner', '5']).status).toBe(0);
    const second = lemming(root, ['run-once']);
    expect(second.status).toBe(0);
    expect(second.stdout).not.toContain('planner thinking');
    expect(second.stdout).toContain('refused human -> planner: planner is no longer a member of the list team (org/lists/team.yaml: members); it changed after the message was sent');
    expect(logLines(root, 'planner').filter((line) => line.event === 'called')).toEqual([]);
    expect(outbox(root, 'planner')).toEqual([]);
  });

  test('a post waits for a member the poster may also write to directly; taken off the list, status counts it as refused, not unread', () => {
    const root = orgWithTeam('manager', 'send_to: [human, planner, hr, janitor]');
    edit(root, 'agents/hr/resume.md', 'credits: 0.25', 'credits: 0');
    const sent = lemming(root, ['send', '--from', 'manager', 'team', 'Team: please write a status note.']);
    expect(sent.status, sent.stderr).toBe(0);
    const first = lemming(root, ['run-once']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('planner skipped: out of credits');
    // The person takes the planner off the list; the manager may still write to it by name (the chart's edge holds).
    writeFileSync(join(root, 'org/lists/team.yaml'), 'members: [hr]\nmay_post: [manager]\n');
    statusRefusesPlannerOnly(root);
    // The turn does as status said: the planner is refused it and not called, hr reads it.
    const second = lemming(root, ['run-once']);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain('refused manager -> planner: planner is no longer a member of the list team (org/lists/team.yaml: members); it changed after the message was sent');
    expect(second.stdout).not.toContain('planner thinking');
    expect(second.stdout).toContain('hr thinking (offline, 1 message(s))');
  });

  test('a letter to two names whose one reader lost its edge meanwhile: that reader is refused, the sender told, and the other reads it', () => {
    const root = defaultFaultOrg();
    // Both readers out of credits, so the letter waits for each.
    edit(root, 'agents/planner/resume.md', 'credits: 0.5', 'credits: 0');
    edit(root, 'agents/hr/resume.md', 'credits: 0.25', 'credits: 0');
    writeFileSync(join(root, 'agents/manager/outbox/plan.md'), '---\nto: [planner, hr]\nsubject: Release plan\n---\nPlanner and hr: the release is on Friday.\n');
    const first = lemming(root, ['run-once']);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('planner skipped: out of credits');
    expect(first.stdout).toContain('hr skipped: out of credits');
    edit(root, 'org/chart.yaml', 'read_from: [manager, coder_01]', 'read_from: [coder_01]');
    // status does not promise the planner will read it: not unread, counted apart and said; hr's is unread.
    statusRefusesPlannerOnly(root);
    const second = lemming(root, ['run-once']);
    expect(second.status, second.stderr).toBe(0);
    // Checked for each reader as it reads: the planner is refused, saying the other reader is not held back; hr reads it.
    expect(second.stdout).toContain(
      'refused manager -> planner ("Release plan"): planner does not read from manager (chart.yaml: agents.planner.read_from); it changed after the message was sent (its other readers still read it where the chart lets them)',
    );
    expect(second.stdout).not.toContain('planner thinking');
    expect(second.stdout).toContain('hr thinking (offline, 1 message(s))');
    expect(lemming(root, ['trace', 'hr', '--turn', '2']).stdout).toContain('Planner and hr: the release is on Friday.');
    const refused = logLines(root, 'manager').filter((line) => line.event === 'refused');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ turn: 2, to: 'planner', cause: 'chart', file: 'agents/manager/outbox/plan.md' });
  });
});
