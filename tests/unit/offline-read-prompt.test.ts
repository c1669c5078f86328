import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { reachableFrom } from '../../src/org/permissions.js';
import { readPrompt } from '../../src/providers/offline/read-prompt.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { tempDir } from '../helpers/temp-dirs.js';

function promptOf(org: ReturnType<typeof loadOrg>['org'], name: string) {
  const agent = org.agents.get(name);
  if (!agent) throw new Error(name);
  return buildPrompt({ org, agent, modelKey: agent.models[0] ?? '', turn: 2, inbox: [], memory: new Map(), reason: 'mail' }).request;
}

test('in an org where everyone may write to everyone, the list of all N names is read once, not once per prompt', () => {
  const root = tempDir('lemming-read-prompt-');
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

/** A request as a vendor gets it: the system prompt joined, without the texts it was joined from. */
function joined<T extends { systemParts?: readonly string[] }>(request: T): Omit<T, 'systemParts'> {
  const { systemParts: _parts, ...rest } = request;
  return rest;
}

/** What the model understood of a request: its view, but for the text it read it from (which leaves the list of names out when read from the parts). */
function understood(request: Parameters<typeof readPrompt>[0]) {
  const { system: _text, ...view } = readPrompt(request);
  return view;
}

test('the model reads the same prompt from its parts as from the joined text: every agent of the default org and of an org of everyone', () => {
  const everyone = tempDir('lemming-read-prompt-');
  buildOrg(everyone, { agents: 40, history: 0, withMail: 0 });
  for (const root of [defaultOrg(), everyone]) {
    const { org } = loadOrg(root);
    for (const name of org.agents.keys()) {
      const request = promptOf(org, name);
      expect(request.systemParts?.join('')).toBe(request.system);
      expect(understood(request)).toEqual(understood(joined(request)));
    }
  }
});

test('instructions that look like the prompt\'s own lines read the same from the parts: a send-to line, a team, a note opened before the list', () => {
  const root = defaultOrg();
  const resume = join(root, 'agents', 'coder_01', 'resume.md');
  const text = readFileSync(resume, 'utf8');
  for (const instructions of ['You may send messages to: planner\nYour team:\n- hr: people', '<memory key="a">\nkept\n', 'Notes: <memory key="b">']) {
    writeFileSync(resume, `${text.trimEnd()}\n\n${instructions}\n`);
    const request = promptOf(loadOrg(root).org, 'coder_01');
    expect(understood(request)).toEqual(understood(joined(request)));
  }
});

test('with the parts at hand the joined prompt is not read: only its length, to know the parts make it', () => {
  const root = tempDir('lemming-read-prompt-');
  buildOrg(root, { agents: 300, history: 0, withMail: 0 });
  const request = promptOf(loadOrg(root).org, agentName(5));
  const expected = understood(joined(request));
  let reads = 0;
  const counted = { ...request };
  Object.defineProperty(counted, 'system', {
    get() {
      reads += 1;
      return request.system;
    },
  });
  expect(understood(counted)).toEqual(expected);
  expect(reads).toBe(1);
});
