import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { lemming } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultFaultOrg, eventsOf, humanSends, runOrg, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';

/** What a run delivered and refused, by sender, recipient and file: what a person would see in the feed. */
function traffic(events: EngineEvent[]): string[] {
  return [
    ...eventsOf(events, 'message-delivered').map((event) => `delivered ${event.message.from}->${event.message.to} ${event.message.file}`),
    ...eventsOf(events, 'message-refused').map((event) => `refused ${event.from}->${event.to}`),
  ].sort();
}

/**
 * An org that has run five tasks from the human, with one hand-dropped note the chart allows and
 * one it refuses. Run once for the file (five runs of the default org); each test gets a copy made
 * with `cp -a`, which keeps every file's mtime: the org as the runs left it, for the test to copy,
 * clone, touch or move in its own way.
 */
let ranOnce: Promise<string> | undefined;
async function orgWithHistory(): Promise<string> {
  ranOnce ??= runFiveTasks();
  const root = join(scratchDir(), 'org');
  execFileSync('cp', ['-a', await ranOnce, root]);
  return root;
}

async function runFiveTasks(): Promise<string> {
  const root = defaultFaultOrg();
  writeFile(root, 'agents/human/outbox/note.md', '---\nto: manager\nsubject: A note\n---\nPlease also tidy the wiki.\n');
  writeFile(root, 'agents/human/outbox/stray.md', '---\nto: coder_01\n---\nStraight to the coder.\n');
  for (let task = 1; task <= 5; task += 1) {
    humanSends(root, 'manager', `Task ${task}: write the release notes, part ${task}.`);
    await runOrg(root);
  }
  return root;
}

function copyOrg(root: string, how: 'cp -r' | 'cp -a'): string {
  const copy = join(scratchDir(), 'copy');
  execFileSync('cp', [how === 'cp -r' ? '-r' : '-a', root, copy]);
  return copy;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
}

describe('an org copied, cloned or moved continues exactly where it was', () => {
  test('after cp -r (new mtimes everywhere) a new task is the only mail delivered; the refused note is not refused again', async () => {
    const original = await orgWithHistory();
    const copy = copyOrg(original, 'cp -r');

    humanSends(original, 'manager', 'Sixth task: plan the launch.');
    const expected = await runOrg(original);
    humanSends(copy, 'manager', 'Sixth task: plan the launch.');
    const events = await runOrg(copy);

    expect(traffic(events)).toEqual(traffic(expected));
    expect(eventsOf(events, 'message-refused')).toEqual([]);
    expect(eventsOf(events, 'message-delivered').filter((event) => event.message.from === 'human')).toHaveLength(1);
    expect(messageFiles(copy)).toEqual(messageFiles(original));
    expect(charges(copy)).toEqual(charges(original));
    expect(checkInvariants(copy, { handDropped: ['agents/human/outbox/note.md', 'agents/human/outbox/stray.md'] })).toEqual([]);
  });

  test('after cp -a (mtimes kept) the copy goes on the same way', async () => {
    const original = await orgWithHistory();
    const copy = copyOrg(original, 'cp -a');
    humanSends(original, 'manager', 'Sixth task.');
    humanSends(copy, 'manager', 'Sixth task.');
    expect(traffic(await runOrg(copy))).toEqual(traffic(await runOrg(original)));
    expect(messageFiles(copy)).toEqual(messageFiles(original));
  });

  test('git commit, then git clone: the clone has the record, delivers only new mail and keeps every balance', async () => {
    const original = await orgWithHistory();
    expect(readFileSync(join(original, 'org/state/.gitignore'), 'utf8')).toContain('journal.jsonl');
    git(original, ['init', '-q']);
    git(original, ['add', '-A']);
    git(original, ['commit', '-qm', 'the org after five tasks']);
    const committed = git(original, ['ls-files', 'org/state']).split('\n').filter(Boolean).sort();
    // The state's parts (org/state/engine/) with it: the record, whole.
    expect(committed.filter((file) => !file.startsWith('org/state/engine/'))).toEqual(['org/state/.gitignore', 'org/state/engine.json', 'org/state/ledger.jsonl', 'org/state/taken.jsonl']);
    expect(committed.filter((file) => file.startsWith('org/state/engine/')).length).toBeGreaterThanOrEqual(1);
    const clone = join(scratchDir(), 'clone');
    git(scratchDir(), ['clone', '-q', original, clone]);

    const status = (root: string) => ({ ...(JSON.parse(lemming(root, ['status', '--json']).stdout) as object), root: '-' });
    expect(status(clone)).toEqual(status(original));
    humanSends(original, 'manager', 'Sixth task.');
    humanSends(clone, 'manager', 'Sixth task.');
    expect(traffic(await runOrg(clone))).toEqual(traffic(await runOrg(original)));
    expect(messageFiles(clone)).toEqual(messageFiles(original));
    expect(charges(clone)).toEqual(charges(original));
  });

  test('an org whose record did not travel is refused with what was found, and `lemming adopt` takes the mail as history', async () => {
    const original = await orgWithHistory();
    const copy = copyOrg(original, 'cp -r');
    rmSync(join(copy, 'org/state'), { recursive: true });
    humanSends(copy, 'manager', 'Sixth task.');

    const refused = lemming(copy, ['run', '--plain']);
    expect(refused.status).toBe(4);
    expect(refused.stderr).toContain('org/state/engine.json is missing');
    expect(refused.stderr).toMatch(/outboxes hold \d+ message file\(s\) from turns 1 to \d+/);
    expect(refused.stderr).toContain('lemming adopt');
    expect(existsSync(join(copy, 'org/state/engine.json'))).toBe(false);

    const adopted = lemming(copy, ['adopt']);
    expect(adopted.status).toBe(0);
    expect(adopted.stdout).toMatch(/took \d+ message file\(s\) in \d+ outbox\(es\) as history; the next turn is \d+/);
    expect(adopted.stdout).toContain('no ledger was found');
    // The human's newest message was written before adopting, so it is history too: send again, as a person would.
    humanSends(copy, 'manager', 'Sixth task, again.');
    const run = lemming(copy, ['run', '--json']);
    expect(run.status).toBe(0);
    const delivered = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as EngineEvent)
      .filter((event): event is Extract<EngineEvent, { type: 'message-delivered' }> => event.type === 'message-delivered');
    expect(delivered.filter((event) => event.message.from === 'human').map((event) => event.message.preview)).toEqual(['Sixth task, again.']);
    expect(lemming(copy, ['adopt']).stderr).toContain('nothing to adopt');
  });
});

describe('a file put into an outbox is taken in by its name, whatever its time or place in name order', () => {
  test.each(['#42 changelog.md', '!urgent.md', '(draft).md'])('%s with an old mtime, after a deletion in the same outbox, is delivered next turn', async (name) => {
    const root = await orgWithHistory();
    // Another file of the outbox is deleted since the last turn, and the new one keeps an old time (mv, cp -p, tar, rsync -a).
    unlinkSync(join(root, 'agents/human/outbox/note.md'));
    const staged = join(scratchDir(), name);
    writeFileSync(staged, '---\nto: manager\nsubject: Dropped in\n---\nOne more thing for the release.\n');
    utimesSync(staged, new Date('2001-01-01'), new Date('2001-01-01'));
    renameSync(staged, join(root, 'agents/human/outbox', name));

    const events = await runOrg(root);
    expect(traffic(events)).toContain(`delivered human->manager agents/human/outbox/${name}`);
    const again = await runOrg(root);
    expect(eventsOf(again, 'message-delivered').filter((event) => event.message.from === 'human')).toEqual([]);
  });

  test('touching every file, or restoring a deleted one, delivers nothing again', async () => {
    const root = await orgWithHistory();
    const outbox = join(root, 'agents/manager/outbox');
    const kept = readFileSync(join(outbox, '000001-001-planner.md'));
    unlinkSync(join(outbox, '000001-001-planner.md'));
    await runOrg(root);
    writeFileSync(join(outbox, '000001-001-planner.md'), kept);
    execFileSync('sh', ['-c', `find "${root}/agents" -type f -exec touch {} +`]);
    const events = await runOrg(root);
    expect(eventsOf(events, 'message-delivered')).toEqual([]);
    expect(eventsOf(events, 'agent-called')).toEqual([]);
  });
});

describe('an agent folder that arrives with mail in its outbox', () => {
  test('copied (cp -r agents/planner agents/planner_02) joins with that mail as history, said once; a later drop is delivered', async () => {
    const root = await orgWithHistory();
    const files = messageFiles(root);
    cpSync(join(root, 'agents/planner'), join(root, 'agents/planner_02'), { recursive: true });
    const chart = readFileSync(join(root, 'org/chart.yaml'), 'utf8');
    writeFileSync(
      join(root, 'org/chart.yaml'),
      chart
        .replace('  hr:\n', '  planner_02:\n    reports_to: manager\n    send_to: [manager, coder_01]\n    read_from: [manager]\n  hr:\n')
        .replace('read_from: [planner]', 'read_from: [planner, planner_02]')
        .replace("manager:\n    reports_to: human\n    send_to: [human, planner, hr, janitor]", "manager:\n    reports_to: human\n    send_to: [human, planner, planner_02, hr, janitor]"),
    );
    const history = Object.keys(files).filter((file) => file.startsWith('agents/planner/outbox/')).length;
    expect(history).toBeGreaterThan(0);

    const events = await runOrg(root);
    expect(eventsOf(events, 'message-delivered')).toEqual([]);
    expect(eventsOf(events, 'agent-called')).toEqual([]);
    const warnings = eventsOf(events, 'warning').filter((event) => event.file === 'agents/planner_02/outbox');
    expect(warnings.map((event) => event.message)).toEqual([
      `planner_02 joined the org with ${history} file(s) already in its outbox; they were taken as history, not sent again (a file put there from now on is delivered as usual)`,
    ]);

    writeFile(root, 'agents/planner_02/outbox/handover.md', '---\nto: manager\n---\nI am the new planner.\n');
    const later = await runOrg(root);
    expect(traffic(later)).toContain('delivered planner_02->manager agents/planner_02/outbox/handover.md');
    expect(eventsOf(later, 'warning').filter((event) => event.message.includes('joined'))).toEqual([]);
  });

  test('renamed (mv agents/planner agents/lead) sends nothing again and charges no one for reading copies', async () => {
    const root = await orgWithHistory();
    const ledger = charges(root);
    renameSync(join(root, 'agents/planner'), join(root, 'agents/lead'));
    const chart = readFileSync(join(root, 'org/chart.yaml'), 'utf8');
    writeFileSync(join(root, 'org/chart.yaml'), chart.replaceAll('planner', 'lead'));
    const events = await runOrg(root);
    expect(eventsOf(events, 'message-delivered')).toEqual([]);
    expect(charges(root)).toEqual(ledger);
  });
});

describe('an outbox that cannot be written', () => {
  test('is an error for that agent alone: the rest of the turn goes on, status shows it, and once mended its mail is delivered', async () => {
    const root = defaultFaultOrg();
    humanSends(root, 'manager', 'Plan the release and have it coded.');
    // The planner's outbox becomes something no file can be written into (as root, permissions would not stop us).
    rmSync(join(root, 'agents/planner/outbox'), { recursive: true, force: true });
    writeFileSync(join(root, 'agents/planner/outbox'), 'not a folder');
    const events = await runOrg(root, { maxTurns: 4 });

    const errors = eventsOf(events, 'agent-error').filter((event) => event.agent === 'planner');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]?.message).toMatch(/could not write its files.*its mail waits: E[A-Z]+ on agents\/planner\/outbox/);
    expect(eventsOf(events, 'turn-finished').length).toBe(4);
    expect(eventsOf(events, 'agent-done').some((event) => event.agent === 'manager')).toBe(true);
    const status = lemming(root, ['status']);
    expect(status.stdout).toContain('could not write its files');

    unlinkSync(join(root, 'agents/planner/outbox'));
    const mended = await runOrg(root);
    expect(eventsOf(mended, 'message-delivered').some((event) => event.message.from === 'planner')).toBe(true);
    expect(checkInvariants(root)).toEqual([]);
  });
});
