import { join } from 'node:path';
import { expect, test } from 'vitest';
import { forkOrg } from '../../src/history/fork-org.js';
import { humanSendsAll, keeperAnswers, memoryOrg, recalledFiles, runToIdleHere, streamFiles } from '../helpers/memory-org.js';
import { tempDir } from '../helpers/temp-org.js';

test('fork --at N carries the memory stream as it was after turn N, and the fork goes on to remember as the original did', async () => {
  const root = memoryOrg({ memory: '{ keep: true, reflect: { every: 3, importance: 0 } }', maxMessages: 1, history: true });
  const chores = Array.from({ length: 6 }, (_, index) => ({ subject: `Chore ${index + 1}`, body: `Tidy the garden shed number ${index + 1}, please.` }));
  humanSendsAll(root, [{ subject: 'For the record: vault', body: 'For the record, the vault code is cobalt-417.' }, ...chores, { subject: 'Question', body: 'What is the vault code?' }]);
  await runToIdleHere(root);
  const final = streamFiles(root);
  expect(Object.keys(final).some((name) => name.endsWith('-reflection.md'))).toBe(true);
  // What each turn's prompt recalled is part of the record too: recency counts from it.
  const recalled = recalledFiles(root);
  expect(Object.keys(recalled).length).toBeGreaterThan(0);
  for (const at of [2, 5]) {
    const fork = join(tempDir('lemming-fork-memory-'), 'fork');
    await forkOrg(root, at, fork);
    // The stream of then: every memory written by turn N, byte for byte, and none after.
    const then = Object.fromEntries(Object.entries(final).filter(([name]) => Number(name.slice(0, 6)) <= at));
    expect(streamFiles(fork)).toEqual(then);
    expect(recalledFiles(fork)).toEqual(Object.fromEntries(Object.entries(recalled).filter(([name]) => Number(name.slice(0, 6)) <= at)));
    // Run on, the fork remembers, reflects and answers exactly as the original.
    await runToIdleHere(fork);
    expect(streamFiles(fork)).toEqual(final);
    expect(recalledFiles(fork)).toEqual(recalled);
    expect([...keeperAnswers(fork).values()].pop()).toContain('cobalt-417');
  }
}, 60_000);
