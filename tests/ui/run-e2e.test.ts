import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { sendAsHuman } from '../../src/engine/human/send-as-human.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { lemming as lemmingInThread } from '../helpers/cli.js';
import { HAS_SCRIPT, TerminalSession } from './helpers/pty.js';
import { editFile, REPO, tempOrg } from './helpers/temp-org.js';

const CLI = join(REPO, 'dist', 'cli', 'main.js');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/**
 * The binary as a process, for what only a process shows: colour chosen from its own stdout (a pipe)
 * and the environment without NO_COLOR, and --paused's look for a terminal. A command that is only
 * read for what it did runs in a thread (lemmingInThread, tests/helpers/cli.ts), without a Node start.
 */
function lemming(args: string[], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh default org with one task from the human to the manager (written in-process: a spawn costs a while). */
function orgWithTask(task: string): string {
  const org = tempOrg();
  cleanups.push(org.remove);
  sendAsHuman(org.root, loadOrg(org.root).org, { to: 'manager', body: task });
  return org.root;
}

/** `lemming run --paused` on an onboarding task, stepped through turn 1 (the manager hands it to hr). */
async function onboardingTaskAfterTurnOne(): Promise<{ root: string; screen: TerminalSession }> {
  const root = orgWithTask('Please sort out the onboarding');
  const screen = new TerminalSession(['run', '--paused', '--root', root]);
  cleanups.push(() => screen.kill());
  await screen.waitFor('watching hand edits');
  await screen.waitFor('paused after turn 0');
  const mark = screen.mark();
  screen.press('s');
  await screen.waitFor('paused after turn 1', mark);
  return { root, screen };
}

describe.skipIf(!HAS_SCRIPT)('lemming run in a terminal', () => {
  test('a resume edited during the run is used from the next turn; a broken edit leaves the last valid one in force', async () => {
    const { root, screen } = await onboardingTaskAfterTurnOne();
    expect(screen.text()).toContain('[turn 1] manager → hr: Please sort out the onboarding');

    let mark = screen.mark();
    editFile(root, 'agents/hr/resume.md', /^title: .*$/m, 'title: "Release writer: writes the release notes"');
    await screen.waitFor('hr: resume reloaded — takes effect next turn', mark);

    mark = screen.mark();
    screen.press('s');
    await screen.waitFor('paused after turn 2', mark);
    expect(screen.text().slice(mark)).toContain('turn 2 uses the edits: agents/hr/resume.md');
    expect(readFileSync(join(root, 'agents/hr/outbox/000002-001-manager.md'), 'utf8')).toContain('What I did, as Release writer');

    sendAsHuman(root, loadOrg(root).org, { to: 'manager', body: 'Write the changelog' });
    mark = screen.mark();
    editFile(root, 'agents/hr/resume.md', /^credits: .*$/m, 'credits: -1');
    await screen.waitFor(/agents\/hr\/resume\.md:\d+: credits: [^\n]*\n?[^\n]*the last valid version stays/, mark);

    mark = screen.mark();
    screen.press('s');
    await screen.waitFor('paused after turn 3', mark);
    expect(screen.text().slice(mark)).toContain('turn 3 keeps the last valid version of agents/hr/resume.md: agents/hr/resume.md');
    mark = screen.mark();
    screen.press('s');
    await screen.waitFor('paused after turn 4', mark);
    expect(screen.text()).toContain('[turn 4] hr → manager: Re: Write the changelog');
    expect(readFileSync(join(root, 'agents/hr/outbox/000004-001-manager.md'), 'utf8')).toContain('What I did, as Release writer');

    mark = screen.mark();
    screen.press('q');
    await screen.waitFor('Finished at turn 4: stopped', mark);
    expect(await screen.exited).toBe(0);
  });

  test('each file stands on its own: a resume edit is used while the chart is broken; the mended chart is said fixed and its problem goes', async () => {
    const { root, screen } = await onboardingTaskAfterTurnOne();
    let mark = screen.mark();
    editFile(root, 'org/chart.yaml', /send_to: \[manager, coder_01\]/, 'send_to: [manager, coder_01');
    await screen.waitFor(/org\/chart\.yaml:\d+: is not valid YAML: the \[ opened on this line is never closed/, mark);
    mark = screen.mark();
    editFile(root, 'agents/hr/resume.md', /^title: .*$/m, 'title: "Release writer: writes the release notes"');
    await screen.waitFor('hr: resume reloaded — takes effect next turn', mark);

    mark = screen.mark();
    screen.press('s');
    await screen.waitFor('paused after turn 2', mark);
    // Said when turn 2 takes the edits in; on a loaded machine the frame that says it may come before the mark.
    const turn2 = screen.text();
    expect(turn2).toContain('turn 2 uses the edits: agents/hr/resume.md');
    expect(turn2).toContain('turn 2 keeps the last valid version of org/chart.yaml');
    expect(readFileSync(join(root, 'agents/hr/outbox/000002-001-manager.md'), 'utf8')).toContain('What I did, as Release writer');

    mark = screen.mark();
    editFile(root, 'org/chart.yaml', /send_to: \[manager, coder_01$/m, 'send_to: [manager, coder_01]');
    await screen.waitFor('chart.yaml fixed — takes effect next turn', mark);
    mark = screen.mark();
    screen.press('s');
    await screen.waitFor('paused after turn 3', mark);
    await screen.waitFor('turn 3 uses the edits: org/chart.yaml (fixed)', mark);
    // The last frame no longer shows the chart's problem.
    const frame = screen.text().slice(screen.text().lastIndexOf('lemming run ·'));
    expect(frame).not.toContain('is not valid YAML');
    expect(frame).not.toContain('keeps the last valid version');

    mark = screen.mark();
    screen.press('q');
    await screen.waitFor('Finished at turn 3: stopped', mark);
    expect(await screen.exited).toBe(0);
  });

  test('an edit made while paused before the first turn is taken in by that turn', async () => {
    const root = orgWithTask('Please write the release notes');
    const screen = new TerminalSession(['run', '--paused', '--root', root]);
    cleanups.push(() => screen.kill());
    await screen.waitFor('watching hand edits');
    editFile(root, 'agents/planner/resume.md', /^title: .*$/m, 'title: "Release notes writer"');
    await screen.waitFor('planner: resume reloaded — takes effect next turn');
    screen.press('s');
    await screen.waitFor('paused after turn 1');
    expect(screen.text()).toContain('[turn 1] manager → planner: Please write the release notes');
    screen.press('p');
    await screen.waitFor('Finished at turn');
    expect(await screen.exited).toBe(0);
  });

  test('Ctrl-C stops cleanly: the next run picks up where it left off', async () => {
    const root = orgWithTask('Please plan the first release');
    const screen = new TerminalSession(['run', '--paused', '--root', root]);
    cleanups.push(() => screen.kill());
    await screen.waitFor('paused after turn 0');
    screen.press('\u0003');
    await screen.waitFor('Finished at turn 0: stopped');
    expect(await screen.exited).toBe(130);
    const rest = lemmingInThread(root, ['run']);
    expect(rest.status).toBe(0);
    expect(rest.stdout).toContain('[turn 1] human -> manager: Please plan the first release');
  });
});

describe.skipIf(!HAS_SCRIPT)('lemming run with a terminal for output only', () => {
  test('shows the screen without keys when standard input is a pipe', async () => {
    const root = orgWithTask('Please sort out the onboarding');
    const screen = new TerminalSession(['run', '--root', root], { stdinFromPipe: true });
    cleanups.push(() => screen.kill());
    await screen.waitFor('Finished at turn 3: the org is idle');
    expect(screen.text()).toContain('keys need a terminal on stdin; Ctrl-C stops');
    expect(await screen.exited).toBe(0);
  });
});

describe('lemming run without a terminal', () => {
  test('prints readable lines, or JSON with --json', () => {
    const root = orgWithTask('Please write the release notes');
    const plain = lemming(['run', '--turns', '1', '--root', root]);
    expect(plain.status).toBe(0);
    expect(plain.stdout).toContain('[turn 1] human -> manager: Please write the release notes');
    expect(plain.stdout).not.toContain('\u001B[');

    const json = lemmingInThread(root, ['run', '--json']);
    const events = json.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string });
    expect(events[0]?.type).toBe('run-started');
    expect(events.at(-1)?.type).toBe('run-finished');
  });

  test('colour follows FORCE_COLOR and NO_COLOR', () => {
    const root = orgWithTask('Please write the release notes');
    const forced = lemming(['run', '--plain', '--turns', '1', '--root', root], { FORCE_COLOR: '1' });
    expect(forced.stdout).toContain('\u001B[2m[turn 1] \u001B[22m');
    const noColour = lemming(['run', '--plain', '--turns', '1', '--keep-going', '--root', root], { NO_COLOR: '1' });
    expect(noColour.stdout).toContain('[turn 2]');
    expect(noColour.stdout).not.toContain('\u001B[');
  });

  test('--paused needs the terminal screen', () => {
    const root = orgWithTask('x');
    const result = lemming(['run', '--paused', '--root', root]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--paused needs the terminal screen');
  });
});
