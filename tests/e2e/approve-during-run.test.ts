import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { acquireLock } from '../../src/engine/record/lock.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { proposeHire } from '../helpers/propose-hire.js';
import { defaultOrg, humanSends, read, write } from '../helpers/temp-org.js';
import { startWatched } from '../helpers/watched-process.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { agentOf, answer, KEYS, wireOrg } from '../faults/wire-org.js';

/** The ledger's transfer lines for one proposal: a hire moves its budget once, as one pair. */
function transfers(root: string, id: string): string[] {
  const ledger = join(root, 'org/state/ledger.jsonl');
  if (!existsSync(ledger)) return [];
  return readFileSync(ledger, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"transfer"') && line.includes(id));
}

function statusOf(root: string, id: string): string | undefined {
  return /^status: (\w+)$/m.exec(read(root, `org/proposals/${id}.md`))?.[1];
}

describe('approving while `lemming run` holds the org', () => {
  let server: WireServer;
  let open: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (open = resolve));
  beforeAll(async () => {
    server = await startWireServer(async (request, index) => {
      const agent = agentOf(request);
      const prompt = JSON.stringify(request.body);
      // The manager's first call waits until the test has approved: the run is busy in turn 1 meanwhile.
      if (index === 0) {
        await gate;
        return answer(request, { to: 'human', body: 'On it.' });
      }
      if (agent === 'manager' && prompt.includes('approved your proposal')) return answer(request, { to: 'coder_02', body: 'Welcome: please write the release tests.' });
      return answer(request);
    });
  });
  afterAll(() => server.close());

  test('the decision is recorded at once, the engine carries it out at its next turn, and the new agent works', async () => {
    const root = wireOrg(server.url, { timeoutMs: 120_000 });
    // Credits for a few calls at this org's prices (about 5 each), for the manager and the hire it pays for.
    write(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 40\n---\nHand work to the coder; report to the human.\n');
    const id = proposeHire(root, { proposer: 'manager', name: 'coder_02', reportsTo: 'manager', credits: 12, balance: 40 });
    humanSends(root, 'manager', 'Plan the release.');
    const run = startWatched(root, ['run'], KEYS);
    try {
      // Polled, not timed: the run holds the lock from before its first call.
      while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));

      const approved = await lemmingAsync(root, ['approve', id]);
      expect(approved.stderr).toBe('');
      expect(approved.status).toBe(0);
      expect(approved.stdout.trim()).toBe(
        `approved ${id}: hire coder_02 (Second engineer), reporting to manager, 12 credits from manager; ` +
          `the running engine (process ${run.child.pid}, \`lemming run\`) carries it out at the start of its next turn: coder_02 joins then`,
      );
      // Recorded, not carried out: only the lock's holder changes the org.
      expect(statusOf(root, id)).toBe('approved');
      expect(existsSync(join(root, 'agents/coder_02'))).toBe(false);
      expect(read(root, 'org/chart.yaml')).not.toContain('coder_02');
      expect(transfers(root, id)).toEqual([]);

      open();
      expect(await run.exited()).toBe(0);
    } finally {
      open();
      await run.stop('SIGKILL');
    }
    const output = run.output();
    expect(output).toContain(`[turn 2] approved ${id}: hire coder_02 (Second engineer), reporting to manager, 12 credits from manager; coder_02 joins from this turn (manager is told this turn)`);
    expect(output).toContain('manager -> coder_02: Welcome: please write the release tests.');
    expect(server.requests.some((request) => agentOf(request) === 'coder_02')).toBe(true);
    expect(read(root, 'agents/coder_02/resume.md')).toContain('title: Second engineer');
    expect(statusOf(root, id)).toBe('done');
    expect(transfers(root, id)).toHaveLength(2);
    expect(checkInvariants(root)).toEqual([]);
  });
});

describe('an approval cut short by SIGKILL is finished exactly once', () => {
  function hireOrg(): { root: string; id: string } {
    const root = defaultOrg();
    write(root, 'agents/hr/resume.md', '---\ntitle: HR\nmodel: offline\ncredits: 0.25\ntools: [send_message, hire_agent]\n---\nHire.\n');
    return { root, id: proposeHire(root, { proposer: 'hr', name: 'coder_02', reportsTo: 'planner', credits: 0.1 }) };
  }

  function expectFinishedOnce(root: string, id: string): void {
    expect(statusOf(root, id)).toBe('done');
    expect(transfers(root, id)).toHaveLength(2);
    expect(read(root, 'org/chart.yaml').match(/^ {2}coder_02:$/gm)).toHaveLength(1);
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
    expect(status.agents.find((agent) => agent.name === 'coder_02')?.balance).toBeCloseTo(0.1);
    expect(status.agents.find((agent) => agent.name === 'hr')?.balance).toBeLessThanOrEqual(0.15);
    // hr hears of the decision once: one notice, read in one turn.
    const told = read(root, 'agents/hr/logs/activity.jsonl')
      .split('\n')
      .filter((line) => line.includes('"event":"read"') && line.includes(`lemming-proposal-${id}-hr-1`));
    expect(told).toHaveLength(1);
    expect(checkInvariants(root)).toEqual([]);
  }

  test('decided while an engine held the lock, killed as the engine carried it out: the next run finishes it', () => {
    const { root, id } = hireOrg();
    // A live holder of the lock (this test's process) stands for a running engine.
    const held = acquireLock(root, 'run');
    try {
      expect(lemming(root, ['approve', id]).stdout).toContain(`carries it out at the start of its next turn: coder_02 joins then`);
    } finally {
      held.release();
    }
    expect(statusOf(root, id)).toBe('approved');

    const killed = lemming(root, ['run'], { LEMMING_CRASH_AT: 'after-carry-out' });
    expect(killed.signal).toBe('SIGKILL');
    // Every effect is in place, and the file still says approved: the next run must not do them again.
    expect(existsSync(join(root, 'agents/coder_02/resume.md'))).toBe(true);
    expect(transfers(root, id)).toHaveLength(2);
    expect(statusOf(root, id)).toBe('approved');

    const next = lemming(root, ['run']);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(next.stdout).toContain(`[turn 1] approved ${id}: hire coder_02`);
    expectFinishedOnce(root, id);
  });

  test('killed while `lemming approve` carried it out under the lock: the next run finishes it', () => {
    const { root, id } = hireOrg();
    const killed = lemming(root, ['approve', id], { LEMMING_CRASH_AT: 'after-carry-out' });
    expect(killed.signal).toBe('SIGKILL');
    expect(statusOf(root, id)).toBe('approved');
    expect(transfers(root, id)).toHaveLength(2);

    const next = lemming(root, ['run']);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    expect(next.stdout).toContain(`[turn 1] approved ${id}: hire coder_02`);
    expectFinishedOnce(root, id);
    // Approving again afterwards says so and moves nothing.
    expect(lemming(root, ['approve', id]).stdout).toContain(`${id} was already done`);
    expect(transfers(root, id)).toHaveLength(2);
  });

  test('an approval that can no longer be carried out when the engine takes it up is marked failed with the reason, and nothing moves', () => {
    const { root, id } = hireOrg();
    const held = acquireLock(root, 'run');
    try {
      lemming(root, ['approve', id]);
    } finally {
      held.release();
    }
    // Meanwhile a person adds an agent of the same name by hand.
    expect(lemming(root, ['add-agent', 'coder_02', '--title', 'Hand-made', '--reports-to', 'manager']).status).toBe(0);
    const next = lemming(root, ['run']);
    expect(next.status).toBe(0);
    expect(next.stdout).toContain(`[turn 1] ${id} cannot be carried out: there is already an agent named coder_02 (hr is told this turn)`);
    // Failed, not rejected: the human approved it (before, the file said `status: rejected`).
    expect(statusOf(root, id)).toBe('failed');
    expect(transfers(root, id)).toEqual([]);
    expect(read(root, 'agents/coder_02/resume.md')).toContain('title: Hand-made');
    expect(checkInvariants(root)).toEqual([]);
    // Approving it again fails and says why it was closed, and where.
    const again = lemming(root, ['approve', id]);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`${id} was approved and could not be carried out (${id} cannot be carried out: there is already an agent named coder_02); it is closed in org/proposals/${id}.md`);
  });

  test('approving at once, with no engine running, fails the command when the hire cannot be carried out: marked failed, not rejected, its file and cause said', () => {
    const { root, id } = hireOrg();
    expect(lemming(root, ['add-agent', 'coder_02', '--title', 'Hand-made', '--reports-to', 'manager']).status).toBe(0);
    const approved = lemming(root, ['approve', id]);
    expect(approved.status).toBe(1);
    expect(approved.stdout).toBe('');
    expect(approved.stderr).toBe(`lemming: approved ${id}, but ${id} cannot be carried out: there is already an agent named coder_02; org/proposals/${id}.md is marked failed with that reason; hr is told at the next turn\n`);
    // Before: `status: rejected`, as if the human had said no, and hr was told "The human rejected your proposal".
    expect(statusOf(root, id)).toBe('failed');
    expect(read(root, `org/proposals/${id}.md`)).toContain(`Status: failed (${id} cannot be carried out: there is already an agent named coder_02).`);
    expect(lemming(root, ['approvals', '--all']).stdout).toContain(`${id} [failed]  hr proposes to hire coder_02`);
    expect(transfers(root, id)).toEqual([]);
    // Nothing lost: hr's 0.1 credits are no longer set aside for the hire.
    const status = JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> };
    expect(status.agents.find((agent) => agent.name === 'hr')?.balance).toBeCloseTo(0.25);
    // hr is told at the next turn what happened, in its call's prompt.
    expect(lemming(root, ['run-once']).status).toBe(0);
    const prompt = read(root, 'agents/hr/logs/traces/000001.json');
    expect(prompt).toContain(`Proposal ${id} approved, not carried out`);
    expect(prompt).toContain(`The human approved your proposal ${id} (hire coder_02 (Second engineer), reporting to planner, 0.1 credits from hr), but it failed: ${id} cannot be carried out: there is already an agent named coder_02. Nothing of it was carried out.`);
    expect(prompt).not.toContain('rejected');
    expect(checkInvariants(root)).toEqual([]);
  });

  test('approving under the lock after an engine died mid-ledger cuts the torn line before the transfer', () => {
    const { root, id } = hireOrg();
    humanSends(root, 'manager', 'Plan the release.');
    expect(lemming(root, ['run', '--turns', '1']).status).toBe(0);
    // An engine killed in the middle of its ledger append leaves half a line.
    appendFileSync(join(root, 'org/state/ledger.jsonl'), '{"type":"charge","agent":"manager","tur');
    const approved = lemming(root, ['approve', id]);
    expect(approved.status).toBe(0);
    expect(transfers(root, id)).toHaveLength(2);
    // Every line is whole again: the torn one is gone, the transfer is two lines of its own.
    const lines = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8').trimEnd().split('\n');
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    expect(lines.some((line) => line.includes('"tur') && !line.includes('"turn"'))).toBe(false);
  });
});
