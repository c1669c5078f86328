import { expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
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
