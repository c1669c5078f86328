import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseMessageFileName } from '../../src/mailbox/message.js';
import { lemming } from '../helpers/cli.js';
import { defaultFaultOrg } from './fault-org.js';

/*
 * `lemming send` claims each message's number with a hidden file in the person's outbox
 * (`.000000-001.claim`, mailbox/sequence-claims.ts) and removes it once the message is written. Killed
 * inside its write (SIGKILL at each point), it left the claim: nothing removed it, a later send skipped
 * that number for good, and an outbox collected one a kill. A claim says whose it is, and the next
 * `send` or `run` removes those whose process is gone.
 */

const outbox = (root: string): string => join(root, 'agents', 'human', 'outbox');

/** What is in the human's outbox that is not a message: claims and temporaries. */
function leftovers(root: string): string[] {
  return readdirSync(outbox(root)).filter((name) => parseMessageFileName(name) === undefined).sort();
}

function messages(root: string): string[] {
  return readdirSync(outbox(root)).filter((name) => parseMessageFileName(name) !== undefined).sort();
}

/** The points inside `send`'s write: claims held and no message written; the message written and its claim held. */
const POINTS = [
  { point: 'after-claim', written: 0 },
  { point: 'before-release', written: 1 },
] as const;

describe('lemming send killed inside its write', () => {
  for (const { point, written } of POINTS) {
    test(`at ${point}: the claim it left is removed by the next send, which takes the number it held`, () => {
      const root = defaultFaultOrg();
      const killed = lemming(root, ['send', 'manager', 'Please plan the release.'], { LEMMING_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      expect(messages(root)).toHaveLength(written);
      expect(leftovers(root).length).toBeGreaterThan(0);

      const again = lemming(root, ['send', 'manager', 'Please plan the release.']);
      expect(again.stderr).toBe('');
      expect(again.status).toBe(0);
      expect(leftovers(root)).toEqual([]);
      // No number lost to the dead claim: the messages are 001 (and 002).
      expect(messages(root).map((name) => parseMessageFileName(name)?.seq)).toEqual(written === 0 ? [1] : [1, 2]);
    });

    test(`at ${point}: the claim it left is removed by the next run`, () => {
      const root = defaultFaultOrg();
      expect(lemming(root, ['send', 'manager', 'Please plan the release.'], { LEMMING_CRASH_AT: point }).signal).toBe('SIGKILL');
      expect(leftovers(root).length).toBeGreaterThan(0);
      const run = lemming(root, ['run', '--until', '1', '--plain']);
      expect(run.status).toBe(0);
      expect(leftovers(root)).toEqual([]);
    });
  }

  test('a claim of a process still running is left to it', () => {
    const root = defaultFaultOrg();
    expect(lemming(root, ['send', 'manager', 'First.'], { LEMMING_CRASH_AT: 'after-claim' }).signal).toBe('SIGKILL');
    const [claim] = leftovers(root).filter((name) => name.endsWith('.claim'));
    expect(claim).toBeDefined();
    // The same claim said to be held by this test's process: the next send leaves it, and takes the next number.
    writeFileSync(join(outbox(root), claim as string), `${process.pid} 0\n`);
    expect(lemming(root, ['send', 'manager', 'Second.']).status).toBe(0);
    expect(leftovers(root)).toEqual([claim]);
    expect(messages(root).map((name) => parseMessageFileName(name)?.seq)).toEqual([2]);
  });
});
