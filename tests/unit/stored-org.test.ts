import { describe, expect, test } from 'vitest';
import { loadOrgFromFiles } from '../../src/org/load-org-once.js';
import { restoreOrg, storedOrgText, storeOrg, type StoredOrg } from '../../src/org/stored-org.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { defaultOrg, read, tempDir, write } from '../helpers/temp-org.js';

/** The org written to JSON and read back, as the settled and planned orgs are kept. */
const roundTrip = (text: string, root: string) => restoreOrg(JSON.parse(text) as StoredOrg, root);

describe('the org kept as JSON, its agents by column', () => {
  test('the default org, with a resume in another place and an agent without an optional field, reads back as it was', () => {
    const root = defaultOrg();
    write(root, 'agents/coder_02/resume.md', read(root, 'agents/coder_01/resume.md').replace('title: Software engineer', 'title: Second engineer'));
    const { org } = loadOrgFromFiles(root);
    const moved = { ...org, agents: new Map(org.agents) };
    const coder = moved.agents.get('coder_02');
    if (!coder) throw new Error('coder_02 did not load');
    moved.agents.set('coder_02', { ...coder, resumeFile: 'elsewhere/resume.md' });
    for (const kept of [org, moved]) {
      const back = roundTrip(JSON.stringify(storeOrg(kept)), root);
      expect(back).toEqual(kept);
      expect([...back.agents.keys()]).toEqual([...kept.agents.keys()]);
    }
  });

  test('a big org of alike agents keeps a value once and an index only where agents differ', () => {
    const root = tempDir('lemming-stored-org-');
    buildOrg(root, { agents: 2_000, history: 0, withMail: 10 });
    const { org } = loadOrgFromFiles(root);
    const stored = storeOrg(org);
    // Alike across agents: one value, no index per agent; the names and titles in order; resume files from the names.
    expect(stored.agents.columns.models).toEqual({ distinct: [org.agents.get(agentName(0))?.models], index: 0 });
    expect(stored.agents.columns.name?.index).toBe('each');
    expect(stored.agents.columns.resumeFile).toEqual({ distinct: [], index: 'each', fromName: true });
    const text = storedOrgText(org);
    expect(text.length / org.agents.size).toBeLessThan(60);
    expect(roundTrip(text, root)).toEqual(org);
  });

  test('past the first 1,024 agents each with a title of its own, a title met again later, and an agent with none, read back as they were', () => {
    const root = tempDir('lemming-stored-org-');
    buildOrg(root, { agents: 1_100, history: 0, withMail: 0 });
    const { org } = loadOrgFromFiles(root);
    const agents = new Map(org.agents);
    const again = agents.get(agentName(3))?.title;
    const set = (index: number, change: (agent: Record<string, unknown>) => void): void => {
      const agent = { ...agents.get(agentName(index)) } as Record<string, unknown>;
      change(agent);
      agents.set(agentName(index), agent as never);
    };
    set(1_050, (agent) => void (agent.title = again));
    set(1_060, (agent) => void delete agent.title);
    const kept = { ...org, agents };
    const stored = storeOrg(kept);
    // Past the first 1,024 titles are kept in order without being looked up: the one met again reads back all the same.
    const back = roundTrip(JSON.stringify(stored), root);
    expect(back).toEqual(kept);
    expect(back.agents.get(agentName(1_050))?.title).toBe(again);
    expect('title' in (back.agents.get(agentName(1_060)) ?? {})).toBe(false);
  });

  test('agents whose values differ only a little, or not at all but in type, read back each with its own', () => {
    const { org } = loadOrgFromFiles(defaultOrg());
    const first = [...org.agents.values()][0];
    if (!first) throw new Error('no agent');
    const agents = new Map(org.agents);
    // An agent named `null` reports to by name, beside one that reports to no one (null): two values, not one.
    const variants = [
      { name: 'a1', reportsTo: 'null', schedule: { every: 1, offset: 0 }, tools: ['send_message'] },
      { name: 'a2', reportsTo: null, schedule: { every: 1, offset: 0 }, tools: ['send_message'] },
      { name: 'a3', reportsTo: null, schedule: { offset: 0, every: 1 }, tools: ['send_message', 'remember'] },
      { name: 'a4', reportsTo: null, schedule: { every: 2, offset: 0 }, tools: ['remember', 'send_message'] },
      { name: 'a5', reportsTo: null, schedule: { every: 2, offset: 0 }, tools: ['remember', 'send_message'], persona: { age: 3, team: 'a' } },
      { name: 'a6', reportsTo: null, schedule: { every: 2, offset: 0 }, tools: ['remember', 'send_message'], persona: { age: 3, team: 'b' } },
    ];
    for (const variant of variants) agents.set(variant.name, { ...first, ...variant, resumeFile: `agents/${variant.name}/resume.md` });
    const kept = { ...org, agents };
    const back = roundTrip(JSON.stringify(storeOrg(kept)), kept.root);
    expect(back).toEqual(kept);
    for (const variant of variants) expect(JSON.stringify(back.agents.get(variant.name))).toBe(JSON.stringify(kept.agents.get(variant.name)));
  });
});
