import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { loadOrg } from '../../src/org/load-org.js';
import { reachableFrom } from '../../src/org/permissions.js';
import { readPrompt } from '../../src/providers/offline/read-prompt.js';
import { defaultOrg } from '../helpers/temp-org.js';

function promptOf(org: ReturnType<typeof loadOrg>['org'], name: string) {
  const agent = org.agents.get(name);
  if (!agent) throw new Error(name);
  return buildPrompt({ org, agent, modelKey: agent.models[0] ?? '', turn: 2, inbox: [], memory: new Map(), reason: 'mail' }).request;
}

test('in an org where everyone may write to everyone, the list of all N names is read once, not once per prompt', () => {
  const root = mkdtempSync(join(tmpdir(), 'lemming-read-prompt-'));
  buildOrg(root, { agents: 300, history: 0, withMail: 0 });
  const { org } = loadOrg(root);
  const first = readPrompt(promptOf(org, agentName(0)));
  const second = readPrompt(promptOf(org, agentName(7)));
  expect(first.self).toBe(agentName(0));
  expect(second.self).toBe(agentName(7));
  // Every agent, itself included (the prompt says so), in the chart's order.
  expect([...first.sendTo.keys()]).toEqual(Array.from({ length: 300 }, (_, index) => agentName(index)));
  expect(first.sendTo.get(agentName(299))).toBe(299);
  // The same parsed list for both prompts: one parse of the N names, not N of them.
  expect(second.sendTo).toBe(first.sendTo);
});

test('short send-to lists are read from each prompt as before', () => {
  const { org } = loadOrg(defaultOrg());
  const manager = readPrompt(promptOf(org, 'manager'));
  const coder = readPrompt(promptOf(org, 'coder_01'));
  expect(manager.self).toBe('manager');
  expect(manager.manager).toBe(org.agents.get('manager')?.reportsTo);
  expect(coder.manager).toBe(org.agents.get('coder_01')?.reportsTo);
  // Whom each may write to, in the chart's order, as the engine decides it.
  expect([...manager.sendTo.keys()]).toEqual(reachableFrom(org, 'manager'));
  expect([...coder.sendTo.keys()]).toEqual(reachableFrom(org, 'coder_01'));
  expect(coder.sendTo).not.toBe(manager.sendTo);
});
