import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { lemmingAsync } from '../helpers/cli.js';
import { humanSendsAll, memoryOrg, runToIdleHere, streamFiles } from '../helpers/memory-org.js';
import { activityLogs, allFiles, charges } from '../helpers/org-snapshot.js';
import { runEngine } from '../helpers/temp-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';

/** Every file an agent's folder holds (outbox, memory stream, notes, logs), byte for byte. */
function agentFiles(root: string): Record<string, string> {
  return Object.fromEntries(allFiles(root).filter((file) => file.startsWith('agents/')).map((file) => [file, readFileSync(join(root, file), 'latin1')]));
}

/** The keeper's charges, each turn's once. */
function keeperCharges(root: string): string[] {
  return charges(root).filter((line) => line.includes(':keeper:'));
}

describe('a run with memory and reflection, recorded and replayed', () => {
  let pristine = '';
  let recorded = '';
  const cassette = join(scratchDir('lemming-memory-cassette-'), 'run.jsonl');

  beforeAll(async () => {
    // Kept for the file's tests (memoryOrg's folder goes after the first test).
    const made = memoryOrg({ memory: '{ keep: true, reflect: { every: 3, importance: 0 } }', maxMessages: 1 });
    const chores = Array.from({ length: 8 }, (_, index) => ({ subject: `Chore ${index + 1}`, body: `Tidy the garden shed number ${index + 1}, please.` }));
    humanSendsAll(made, [{ subject: 'For the record: vault', body: 'For the record, the vault code is cobalt-417.' }, ...chores, { subject: 'Question', body: 'What is the vault code?' }]);
    pristine = scratchDir();
    cpSync(made, pristine, { recursive: true });
    recorded = scratchDir();
    cpSync(pristine, recorded, { recursive: true });
    await runEngine(recorded, { maxTurns: 50 }, { providerFactory: createProviderFactory({ root: recorded, record: cassette }) });
    expect(Object.keys(streamFiles(recorded)).some((name) => name.endsWith('-reflection.md'))).toBe(true);
  });

  test('replayed from the cassette, every file of every agent is the same byte for byte, reflections included', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    await runEngine(root, { maxTurns: 50 }, { providerFactory: createProviderFactory({ root, replay: cassette }) });
    expect(agentFiles(root)).toEqual(agentFiles(recorded));
    expect(charges(root)).toEqual(charges(recorded));
  });

  test.concurrent.each(['after-answer:4', 'after-response:4', 'mid-write:4', 'after-write:4', 'after-ledger:4', 'after-commit:4'])(
    'killed at %s and finished by the next run: each memory written once, each reflection paid once',
    async (point) => {
      const root = scratchDir();
      cpSync(pristine, root, { recursive: true });
      const killed = await lemmingAsync(root, ['run', '--replay', cassette], { LEMMING_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      const finished = await lemmingAsync(root, ['run', '--replay', cassette]);
      expect(finished.stderr).toBe('');
      expect(finished.status).toBe(0);
      expect(streamFiles(root)).toEqual(streamFiles(recorded));
      expect(keeperCharges(root)).toEqual(keeperCharges(recorded));
      expect(activityLogs(root)).toEqual(activityLogs(recorded));
      // Money conserved, mail delivered once, each turn's steps and reflection adding up to its charge.
      expect(checkInvariants(root)).toEqual([]);
    },
  );

  test('the same org run twice from scratch writes the same stream (the offline model is deterministic)', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    await runToIdleHere(root);
    expect(streamFiles(root)).toEqual(streamFiles(recorded));
  });
});
