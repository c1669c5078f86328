import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { OfflineProvider } from '../../src/providers/offline/offline-provider.js';
import { defaultOrg } from '../helpers/temp-org.js';

const { org } = loadOrg(defaultOrg());

/** The messages an agent's first answer sends, granted only the talking tools (a planner's plan file would come first otherwise). */
async function handOffs(agentName: string, from: string, body: string): Promise<Array<{ to: unknown; body: unknown }>> {
  const found = org.agents.get(agentName);
  if (!found) throw new Error(agentName);
  const agent = { ...found, tools: ['send_message', 'remember'] };
  const inbox = [{ id: `000000-${from}-001`, from, turn: 0, priority: 'normal' as const, subject: 'Plan the first release', body }];
  const request = buildPrompt({ org, agent, modelKey: 'offline', turn: 1, inbox, memory: new Map(), reason: 'mail' }).request;
  const response = await new OfflineProvider().generate(request);
  return response.toolCalls.filter((call) => call.name === 'send_message').map((call) => call.arguments as { to: unknown; body: unknown });
}

const TASK = 'Please plan the first release of our product and get the work done: break it into tasks, build and test it, and tell me when it is finished.';

describe('the offline model gives colleagues the parts a task names for them', () => {
  test('"ask hr to …" and "have the janitor …" reach them beside the member whose role fits the rest, each told who else has it', async () => {
    const sent = await handOffs('manager', 'human', `${TASK}\nAsk hr to say who on the team works on what, and have the janitor tidy the shared workspace.`);
    expect(sent.map((each) => each.to)).toEqual(['planner', 'hr', 'janitor']);
    for (const each of sent) expect(each.body).toContain('I split this between planner, hr and janitor');
  });

  test('a part named by the label of a title counts; the rest is still routed by role, not by the named part\'s words', async () => {
    // "tidy the shared workspace" alone would fit the janitor best; the planner still plans.
    const sent = await handOffs('manager', 'human', `${TASK} Get the people partner to check who is free, and let the janitor tidy the shared workspace and keep the workspace tidy.`);
    expect(sent.map((each) => each.to)).toEqual(['planner', 'hr', 'janitor']);
  });

  test('without a named part a task goes to one member, as before; a name after other verbs, or the asker, is no part', async () => {
    expect((await handOffs('manager', 'human', TASK)).map((each) => each.to)).toEqual(['planner']);
    expect((await handOffs('manager', 'human', `${TASK} Tell me what hr thinks.`)).map((each) => each.to)).toEqual(['planner']);
    // The planner cannot write to hr or the janitor: what it cannot reach is no part for it.
    expect((await handOffs('planner', 'manager', `${TASK}\nAsk hr to say who works on what.`)).map((each) => each.to)).toEqual(['coder_01']);
  });
});
