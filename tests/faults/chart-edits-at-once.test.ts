import { mkdirSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test } from 'vitest';
import { takeLockFile } from '../../src/engine/record/lock.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { lemmingAsync, startLemming } from '../helpers/cli.js';
import { proposeHire } from '../helpers/propose-hire.js';
import { defaultOrg, read } from '../helpers/temp-org.js';

/** The agents a command said it added (or a hire it said it carried out) that org/chart.yaml does not hold, with what validate then says. */
async function lostFromChart(root: string, commands: Array<{ name: string; args: string[] }>): Promise<string[]> {
  const results = await Promise.all(commands.map(({ args }) => lemmingAsync(root, args)));
  const chart = read(root, 'org/chart.yaml');
  const lost = commands.filter(({ name }, index) => results[index]?.status === 0 && !new RegExp(`^  ${name}:`, 'm').test(chart)).map(({ name }) => name);
  if (lost.length === 0) return [];
  const validated = await lemmingAsync(root, ['validate']);
  return [`${lost.join(', ')} said added, not in the chart: ${validated.stdout.trim()}`];
}

const addAgent = (name: string) => ({ name, args: ['add-agent', name, '--title', 'Tester', '--reports-to', 'manager'] });

test('agents added at once (three `lemming add-agent`, or one beside an approved hire) each keep their place in org/chart.yaml', async () => {
  // Before, each read the chart, added its agent and wrote it back: in about 1 round of 5 one was said added (exit 0) and
  // its entry lost, `validate` warning that agents/t2/ has a resume but no place in the chart.
  const lost: string[] = [];
  for (let round = 0; round < 12; round += 1) lost.push(...(await lostFromChart(defaultOrg(), [addAgent('t1'), addAgent('t2'), addAgent('t3')])));
  for (let round = 0; round < 6; round += 1) {
    const root = defaultOrg();
    const id = proposeHire(root, { proposer: 'manager', name: 'coder_02', reportsTo: 'manager', credits: 0.1 });
    lost.push(...(await lostFromChart(root, [addAgent('t1'), { name: 'coder_02', args: ['approve', id] }, addAgent('t2')])));
  }
  expect(lost).toEqual([]);
});

test('two `lemming add-agent` of one name at once: one adds it, the other is refused naming the agent, and nothing is lost', async () => {
  const root = defaultOrg();
  const state = dirname(statePaths(root).chartLock);
  mkdirSync(state, { recursive: true });
  // The race made certain: the test holds the chart lock while both start, and lets go once each has tried to take it.
  const held = takeLockFile(statePaths(root).chartLock, 'test', () => 'held by the test');
  const tried = new Set<string>();
  const bothTried = new Promise<void>((resolve) => {
    const watcher = watch(state, (_event, name) => {
      const pid = /^\.lock\.chart\.lemming-(\d+)-/.exec(String(name))?.[1];
      if (pid !== undefined) tried.add(pid);
      if (tried.size >= 2) {
        watcher.close();
        resolve();
      }
    });
  });
  const args = ['add-agent', 't1', '--title', 'Tester', '--reports-to', 'manager'];
  const racers = [startLemming(root, args), startLemming(root, args)];
  const results = racers.map(
    (child) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      }),
  );
  await bothTried;
  expect([...tried].sort()).toEqual(racers.map((child) => String(child.pid)).sort());
  held.release();
  const [first, second] = await Promise.all(results);
  const outcomes = [first, second].map((result) => ({ status: result?.status, added: /^added t1 /m.test(result?.stdout ?? '') }));
  expect(outcomes.filter((outcome) => outcome.added)).toEqual([{ status: 0, added: true }]);
  const refused = [first, second].find((result) => result?.status !== 0);
  expect(refused?.status).toBe(2);
  expect(refused?.stderr).toContain('cannot add t1: there is already an agent named t1');
  expect(read(root, 'org/chart.yaml').match(/^ {2}t1:/gm)).toHaveLength(1);
  expect(read(root, 'agents/t1/resume.md')).toContain('title: Tester');
  expect((await lemmingAsync(root, ['validate'])).status).toBe(0);
});
