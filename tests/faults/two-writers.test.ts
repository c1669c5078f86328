import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync, startLemming } from '../helpers/cli.js';
import { allFiles } from '../helpers/org-snapshot.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { humanSends, readText } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { raceForLock } from './lock-race.js';
import { agentOf, answer, KEYS, OPENAI_KEY, ANTHROPIC_KEY, wireOrg } from './wire-org.js';

/** Wait for a condition without a tight clock: poll until it holds or a generous deadline passes. */
async function eventually(condition: () => boolean, what: string, deadlineMs = 30_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function snapshot(root: string): Record<string, string> {
  return Object.fromEntries(allFiles(root).map((file) => [file, readText(root, file)]));
}

describe('two writers on one org', () => {
  let server: WireServer;
  let holding = true;
  beforeAll(async () => {
    server = await startWireServer((request) => {
      if (holding) return { hang: true };
      return agentOf(request) === 'manager' && !/from="lemming"/.test(JSON.stringify(request.body)) ? answer(request, { to: 'human', body: 'Done.' }) : answer(request);
    });
  });
  afterAll(() => server.close());

  test('run, run-once, demo, reset and chat --drive are refused and touch nothing while a run holds the org; once it is killed, the next run recovers the lock, says so, and the turn', async () => {
    const root = wireOrg(server.url, { timeoutMs: 120_000 });
    humanSends(root, 'manager', 'Build the thing.');
    const first = startLemming(root, ['run'], KEYS);
    const exited = new Promise<void>((resolve) => first.on('close', () => resolve()));
    await eventually(() => server.requests.length > 0, 'the first run to call its model');

    const before = snapshot(root);
    for (const args of [['run'], ['run-once'], ['demo'], ['reset', '--yes'], ['chat', '--drive']]) {
      const refused = await lemmingAsync(root, args, KEYS);
      expect(refused.status, args.join(' ')).toBe(3);
      expect(refused.stderr).toContain(`another engine is working on this org (process ${first.pid}, \`lemming run\``);
    }
    expect(snapshot(root)).toEqual(before);

    first.kill('SIGKILL');
    await exited;
    expect(allFiles(root)).toContain('org/state/lock');
    holding = false;
    const next = await lemmingAsync(root, ['run'], KEYS);
    expect(next.stderr).toBe('');
    expect(next.status).toBe(0);
    // Said, once, before the turn it finishes (before, the lock was taken over without a word).
    const tookOver = `warning: org/state/lock: taken over from process ${first.pid} (\`lemming run\`, since `;
    expect(next.stdout.split(tookOver)).toHaveLength(2);
    expect(next.stdout.indexOf(tookOver)).toBeLessThan(next.stdout.indexOf('finishing an interrupted turn'));
    expect(next.stdout).toContain('finishing an interrupted turn');
    expect(readText(root, 'agents/manager/outbox/000001-001-human.md')).toContain('Done.');
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY] })).toEqual([]);
  });

  test('engines that start at the same instant: exactly one takes the lock, every time', async () => {
    const winners = await raceForLock(4, 500);
    expect(winners.filter((count) => count !== 1)).toEqual([]);
  });

  test('engines that start at the same instant beside the lock a killed engine left: exactly one takes it over, every time', async () => {
    // Each finds the dead engine's lock and recovers it at once. Before, one could move aside a lock another had just
    // taken, and put it back over a third's: two engines ran in about 1 round of 100.
    const winners = await raceForLock(4, 1000, { deadHolder: true });
    expect(winners.filter((count) => count !== 1)).toEqual([]);
  });

});
