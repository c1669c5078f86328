import { existsSync, mkdirSync, watch } from 'node:fs';
import { dirname } from 'node:path';
import { expect, test } from 'vitest';
import { takeLockFile } from '../../src/engine/record/lock.js';
import { statePaths } from '../../src/engine/record/state-paths.js';
import { lemming, lemmingAsync, startLemming } from '../helpers/cli.js';
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

/** Take org/state/lock.chart for the test, as lemming's own commands take it. */
function holdChartLock(root: string): { release(): void } {
  mkdirSync(dirname(statePaths(root).chartLock), { recursive: true });
  return takeLockFile(statePaths(root).chartLock, 'test', () => 'held by the test');
}

/** The ids of the first `count` processes seen trying to take org/state/lock.chart (each try leaves its temporary, named with its pid). */
function triedChartLock(root: string, count: number): Promise<Set<string>> {
  const state = dirname(statePaths(root).chartLock);
  const tried = new Set<string>();
  return new Promise((resolve) => {
    const watcher = watch(state, (_event, name) => {
      const pid = /^\.lock\.chart\.lemming-(\d+)-/.exec(String(name))?.[1];
      if (pid !== undefined) tried.add(pid);
      if (tried.size >= count) {
        watcher.close();
        resolve(tried);
      }
    });
  });
}

/** What a started lemming said and its exit code, once it has ended. */
function finished(child: ReturnType<typeof startLemming>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
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
  // The race made certain: the test holds the chart lock while both start, and lets go once each has tried to take it.
  const held = holdChartLock(root);
  const tried = triedChartLock(root, 2);
  const args = ['add-agent', 't1', '--title', 'Tester', '--reports-to', 'manager'];
  const racers = [startLemming(root, args), startLemming(root, args)];
  const results = racers.map(finished);
  expect([...(await tried)].sort()).toEqual(racers.map((child) => String(child.pid)).sort());
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

test('a hire approved while `lemming add-agent` adds its name: the agent added keeps its own budget, the approval is refused naming it, and no credit moves', async () => {
  const root = defaultOrg();
  const id = proposeHire(root, { proposer: 'manager', name: 't1', reportsTo: 'manager', credits: 0.1 });
  const balances = (): Record<string, number> => Object.fromEntries((JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance: number }> }).agents.map((agent) => [agent.name, agent.balance]));
  const before = balances();
  // The order made certain: the approval gets as far as the chart's lock, which the test holds, and is stopped
  // there; the add-agent then runs to its end, and the approval goes on. Before, the approval had checked the
  // name and moved the budget before that lock, and then wrote nothing over the agent it found: exit 0, the
  // proposal done, t1 the add-agent's agent (0.5 credits) holding the hire's 0.1 too.
  const held = holdChartLock(root);
  const tried = triedChartLock(root, 1);
  const approval = startLemming(root, ['approve', id]);
  const approved = finished(approval);
  expect([...(await tried)]).toEqual([String(approval.pid)]);
  approval.kill('SIGSTOP');
  held.release();
  const added = await lemmingAsync(root, ['add-agent', 't1', '--title', 'Tester', '--reports-to', 'manager']);
  approval.kill('SIGCONT');
  const refused = await approved;
  expect(added.status).toBe(0);
  expect(added.stdout).toContain('added t1 (Tester)');
  expect(refused.status).toBe(1);
  expect(refused.stderr).toContain(`approved ${id}, but ${id} cannot be carried out: there is already an agent named t1`);
  expect(read(root, `org/proposals/${id}.md`)).toMatch(/^status: failed$/m);
  expect(read(root, 'agents/t1/resume.md')).toContain('title: Tester');
  // No transfer line, or a transfer and its refund: nothing moved in the end.
  const ledger = existsSync(statePaths(root).ledger) ? read(root, 'org/state/ledger.jsonl') : '';
  const transfers = ledger.split('\n').filter((line) => line.includes('"transfer"')).map((line) => JSON.parse(line) as { agent: string; credits: number });
  expect(transfers.reduce((sum, line) => sum + line.credits, 0)).toBeCloseTo(0, 9);
  expect(balances()).toEqual({ ...before, t1: 0.5 });
  expect((await lemmingAsync(root, ['validate'])).status).toBe(0);
});
