import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { importNetwork } from '../../src/reference/import-network.js';
import { runNetwork } from '../../src/reference/read-networks.js';
import { networkMeasures } from '../../src/reference/network-measures.js';
import { listToPost, copiesFor } from '../../src/providers/offline/copies.js';
import { DEFAULT_ORG, humanSends, runEngine } from '../helpers/temp-org.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** One department, `a`: node 1 wrote to everyone and leads; 2, 3 and 4 wrote only to 1. */
function starNetwork(): { edges: string; labels: string } {
  const folder = tempDir();
  const edges = join(folder, 'edges.txt');
  const labels = join(folder, 'labels.txt');
  writeFileSync(edges, '1 2\n1 3\n1 4\n2 1\n3 1\n4 1\n');
  writeFileSync(labels, '1 a\n2 a\n3 a\n4 a\n');
  return { edges, labels };
}

describe('import-network --lists departments, on the offline model', () => {
  test('the lead posts the task once to its department list; each member answers with a copy to the list, so members write to each other', async () => {
    const { edges, labels } = starNetwork();
    const root = join(tempDir(), 'org');
    const report = importNetwork(edges, root, { labels, chart: 'structure', template: DEFAULT_ORG, model: 'offline', credits: 5, lists: 'departments' });
    expect(report.lists).toBe(1);
    expect(readFileSync(join(root, 'org/lists/dept_a.yaml'), 'utf8')).toMatch(/^members: \[agent_00001, agent_00002, agent_00003, agent_00004\]$/m);
    humanSends(root, 'agent_00001', "Please prepare the department's monthly report: each of you write up your own work of the month.", 'Monthly report');
    await runEngine(root, { maxTurns: 4 });
    expect(readdirSync(join(root, 'agents/agent_00001/outbox'))[0]).toBe('000001-001-dept_a.md');
    for (const member of ['agent_00002', 'agent_00003', 'agent_00004']) {
      const [answer] = readdirSync(join(root, 'agents', member, 'outbox'));
      const text = readFileSync(join(root, 'agents', member, 'outbox', answer as string), 'utf8');
      expect(text).toMatch(/^to: agent_00001$/m);
      expect(text).toMatch(/^cc: \[dept_a\]$/m);
    }
    // One-to-one this org is a star (clustering 0); each member's copy to the list makes it a clique.
    expect(networkMeasures(runNetwork(root).network).clustering).toBe(1);
  });

  test('the offline model posts only to a list it may post to and its instructions name; it copies only those it may write to', () => {
    const lists = new Set(['dept_a']);
    expect(listToPost({ instructions: 'Split it: post it to the list dept_a.', lists })).toBe('dept_a');
    expect(listToPost({ instructions: 'Split it: post it to the list dept_b.', lists })).toBeUndefined();
    expect(listToPost({ instructions: 'Split it: post it to the list dept_a.' })).toBeUndefined();
    const view = { self: 'b', sendTo: new Map([['a', 0], ['c', 1]]), lists };
    expect(copiesFor(view, { from: 'a', to: 'b, c, d' }, 'a')).toEqual(['c']);
    expect(copiesFor(view, { from: 'a', to: 'dept_a' }, 'a')).toEqual(['dept_a']);
    expect(copiesFor(view, { from: 'a' }, 'a')).toEqual([]);
  });
});
