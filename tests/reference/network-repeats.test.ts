import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { defaultTemplateFolder } from '../../src/org/templates/org-templates.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import type { ProviderResponse } from '../../src/providers/provider.js';
import { importNetwork } from '../../src/reference/import-network.js';
import { REPO_ROOT } from '../helpers/org-files.js';
import { tempDir } from '../helpers/temp-dirs.js';

/**
 * The repeats of an imported network's experiment are seeded (a seed a repeat, variability 0.5, as
 * network-experiment.yaml says), and must differ in who writes to whom: five repeats of email-Eu-core
 * all drew the same 1,926 edges, so every interval of `analyze --reference` had no width. A member
 * of a ten-person import given its lead's task, as one turn of each repeat would give it.
 */
function memberGivenTask() {
  const folder = tempDir();
  writeFileSync(join(folder, 'edges.txt'), Array.from({ length: 10 }, (_, person) => `${person} ${(person + 1) % 10}\n${person} ${(person + 2) % 10}\n`).join(''));
  writeFileSync(join(folder, 'labels.txt'), Array.from({ length: 10 }, (_, person) => `${person} ${person % 2}\n`).join(''));
  const root = join(folder, 'org');
  importNetwork(join(folder, 'edges.txt'), root, { labels: join(folder, 'labels.txt'), chart: 'structure', template: defaultTemplateFolder(REPO_ROOT), model: 'offline', credits: 5 });
  const { org } = loadOrg(root);
  const member = org.agents.get('agent_00002');
  if (member?.reportsTo !== 'agent_00001') throw new Error('agent_00002 is a member of agent_00001\'s department');
  const task = { id: '000001-agent_00001-001', from: 'agent_00001', turn: 1, priority: 'normal' as const, subject: 'Monthly report', body: "Please prepare the department's monthly report: each of you write up your own work of the month." };
  return buildPrompt({ org, agent: member, modelKey: 'offline', turn: 2, inbox: [task], memory: new Map(), reason: 'mail' }).request;
}

/** Whom a response writes to, in order. */
function recipients(response: ProviderResponse): string[] {
  return response.toolCalls.filter((call) => call.name === 'send_message').map((call) => String((call.arguments as { to?: string }).to));
}

describe('repeats of an imported network', () => {
  test('differ by seed in whom a member writes to (its report, and at times a copy to a colleague); the same seed replays the same calls', async () => {
    const request = memberGivenTask();
    const seeds = Array.from({ length: 20 }, (_, seed) => seed + 1);
    const drawn = await Promise.all(seeds.map((seed) => new OfflineProvider({ seed, variability: 0.5 }).generate(request)));
    const written = drawn.map(recipients);
    // Every repeat reports to the lead; some also share it with a colleague of the department, and which one the seed says.
    expect(written.every((to) => to[0] === 'agent_00001')).toBe(true);
    const shared = written.filter((to) => to.length === 2).map((to) => to[1]);
    expect(shared.length).toBeGreaterThan(0);
    expect(shared.length).toBeLessThan(seeds.length);
    expect(new Set(shared).size).toBeGreaterThan(1);
    expect(shared.every((to) => ['agent_00003', 'agent_00004', 'agent_00005'].includes(to as string))).toBe(true);
    for (const index of [0, 7]) expect(await new OfflineProvider({ seed: seeds[index] as number, variability: 0.5 }).generate(request)).toEqual(drawn[index]);
    // At variability 0 the seed changes nothing.
    const still = await Promise.all([1, 2, 3].map((seed) => new OfflineProvider({ seed, variability: 0 }).generate(request)));
    expect(still.map(recipients)).toEqual([['agent_00001'], ['agent_00001'], ['agent_00001']]);
  });
});
