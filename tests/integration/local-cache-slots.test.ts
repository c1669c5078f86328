import { describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { wireServerPerTest, type ReceivedRequest } from '../helpers/wire-server.js';
import { humanSends, runEngine, tempDir, write } from '../helpers/temp-org.js';

/**
 * llama.cpp's slots (issue 53): the server picks a slot by the longest shared prefix when it is left
 * to choose; lemming pins an agent to a slot only where every agent on the model can have one of its own.
 */
const serve = wireServerPerTest();

/** The default org's agents (the names whose hashes collided: manager and coder_01 on slot 0, planner and hr on slot 3 of 4). */
const AGENTS = ['manager', 'planner', 'hr', 'coder_01', 'janitor'];

function slotsOrg(url: string, agents: readonly string[], entry: string): string {
  const root = tempDir('lemming-slots-');
  write(
    root,
    'org/org.yaml',
    `name: slots\nengine: { max_turns: 2 }\nmodels:\n  local:\n    provider: openai-compatible\n    model: stories\n    base_url: ${url}/v1\n    max_retries: 0\n    input_price: 0\n    output_price: 0\n    context_window: 8192\n${entry}`,
  );
  const chart = agents.map((agent) => `  ${agent}: { reports_to: human, send_to: [human], read_from: ["*"] }`).join('\n');
  write(root, 'org/chart.yaml', `agents:\n  human: { reports_to: null, send_to: [${agents.join(', ')}], read_from: ["*"] }\n${chart}\n`);
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  for (const agent of agents) write(root, `agents/${agent}/resume.md`, `---\ntitle: ${agent}\nmodel: local\ncredits: 10\n---\nAnswer the human.\n`);
  return root;
}

/** Each agent's id_slot over its calls, as the server received them (the agent read from its system prompt). */
function slotsByAgent(requests: ReceivedRequest[], agents: readonly string[]): Map<string, unknown[]> {
  const slots = new Map<string, unknown[]>();
  for (const request of requests) {
    const system = String(request.body.messages?.[0]?.content ?? '');
    const agent = agents.find((name) => system.includes(`You are ${name}`)) ?? '?';
    slots.set(agent, [...(slots.get(agent) ?? []), request.body.id_slot]);
  }
  return slots;
}

async function runOrg(root: string): Promise<void> {
  await runEngine(root, { maxTurns: 2 }, { providerFactory: createProviderFactory({ root }) });
}

describe('a local server\'s slots', () => {
  test('cache_slots with a slot for each agent: each agent keeps to a slot of its own (assigned, not hashed)', async () => {
    const server = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    const agents = AGENTS.slice(0, 4);
    const root = slotsOrg(server.url, agents, '    cache_slots: 4\n');
    for (const agent of agents) humanSends(root, agent, `Hello ${agent}`);
    await runOrg(root);
    const slots = slotsByAgent(server.requests, agents);
    expect([...slots.keys()].sort()).toEqual([...agents].sort());
    const own = [...slots.values()].map((each) => each[0]);
    expect(new Set(own).size).toBe(4);
    for (const [agent, each] of slots) {
      expect(each.every((slot) => slot === each[0]), agent).toBe(true);
      expect(Number.isInteger(each[0]) && (each[0] as number) >= 0 && (each[0] as number) < 4).toBe(true);
    }
    expect(server.requests.every((request) => request.body.cache_prompt === true)).toBe(true);
  });

  test('more agents than slots: none is pinned, the server chooses (by shared prefix)', async () => {
    const server = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    const root = slotsOrg(server.url, AGENTS, '    cache_slots: 4\n');
    for (const agent of AGENTS) humanSends(root, agent, `Hello ${agent}`);
    await runOrg(root);
    expect(slotsByAgent(server.requests, AGENTS).size).toBe(5);
    for (const request of server.requests) {
      expect(request.body).not.toHaveProperty('id_slot');
      expect(request.body).not.toHaveProperty('cache_prompt');
    }
  });

  test('by default, and with prompt_cache: false, the server chooses: no slot is sent', async () => {
    const server = await serve(() => ({ body: chatCompletion({ content: 'ok' }) }));
    for (const entry of ['', '    cache_slots: 8\n    prompt_cache: false\n']) {
      const root = slotsOrg(server.url, AGENTS.slice(0, 2), entry);
      for (const agent of AGENTS.slice(0, 2)) humanSends(root, agent, `Hello ${agent}`);
      await runOrg(root);
    }
    expect(server.requests.length).toBeGreaterThanOrEqual(4);
    for (const request of server.requests) expect(request.body).not.toHaveProperty('id_slot');
  });
});
