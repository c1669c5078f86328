import { describe, expect, test } from 'vitest';
import { buildPrompt } from '../../src/engine/turn/build-prompt.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { Agent, Audience, Org } from '../../src/org/org.js';
import { checkEdge, reachableFrom, reachesEveryone } from '../../src/org/permissions.js';
import { defaultOrg } from '../helpers/temp-org.js';

const base = loadOrg(defaultOrg()).org;
const template = base.agents.get('planner') as Agent;

/** A chart entry in the form a person writes it: `"*"` or a list of names. */
type Edges = '*' | string[];

/** An org held in memory with the given chart (agent name → send_to, read_from); settings as the default org's. */
function orgOf(chart: Record<string, { sendTo: Edges; readFrom: Edges }>): Org {
  const audience = (edges: Edges): Audience => (edges === '*' ? '*' : new Set(edges));
  const names = Object.keys(chart).sort();
  const agents = new Map<string, Agent>();
  for (const name of names) {
    const entry = chart[name] as { sendTo: Edges; readFrom: Edges };
    agents.set(name, { ...template, name, title: `Title of ${name}`, reportsTo: null, sendTo: audience(entry.sendTo), readFrom: audience(entry.readFrom) });
  }
  return { ...base, agents };
}

function systemPromptOf(org: Org, name: string): string {
  const agent = org.agents.get(name) as Agent;
  return buildPrompt({ org, agent, modelKey: 'offline', turn: 1, inbox: [], memory: new Map(), reason: 'mail' }).request.system;
}

/** Whom `from` reaches, by asking checkEdge about every agent: what the prompt listed before reachability was indexed. */
function reachedByEdges(org: Org, from: string): string[] {
  return [...org.agents.keys()].filter((to) => checkEdge(org, from, to).allowed);
}

const shapes: Record<string, Record<string, { sendTo: Edges; readFrom: Edges }>> = {
  'everyone to everyone': { ann: { sendTo: '*', readFrom: '*' }, bob: { sendTo: '*', readFrom: '*' }, cy: { sendTo: '*', readFrom: '*' }, dee: { sendTo: '*', readFrom: '*' } },
  'send to all, some read only from a few': {
    ann: { sendTo: '*', readFrom: ['bob', 'eve'] },
    bob: { sendTo: '*', readFrom: '*' },
    cy: { sendTo: '*', readFrom: ['ann', 'cy', 'dee'] },
    dee: { sendTo: '*', readFrom: [] },
    eve: { sendTo: ['dee', 'bob', 'ann'], readFrom: '*' },
  },
  'nobody reads from everyone': {
    ann: { sendTo: '*', readFrom: ['bob', 'cy'] },
    bob: { sendTo: '*', readFrom: ['ann', 'cy'] },
    cy: { sendTo: '*', readFrom: ['ann', 'bob'] },
  },
  'lists only, everyone named': { ann: { sendTo: ['cy', 'bob'], readFrom: '*' }, bob: { sendTo: ['ann'], readFrom: ['ann'] }, cy: { sendTo: [], readFrom: ['ann', 'bob'] } },
  'one agent alone': { ann: { sendTo: '*', readFrom: '*' } },
};

describe('whom an agent can reach', () => {
  for (const [shape, chart] of Object.entries(shapes)) {
    test(`${shape}: the same agents as checking every edge, and the same prompt line`, () => {
      const org = orgOf(chart);
      for (const name of org.agents.keys()) {
        const expected = reachedByEdges(org, name);
        const agent = org.agents.get(name) as Agent;
        // A list keeps the order its author wrote; "*" is in name order.
        const reached = reachableFrom(org, name);
        expect(agent.sendTo === '*' ? reached : [...reached].sort()).toEqual(expected);
        const everyone = expected.length === org.agents.size - 1 && expected.length > 0;
        expect(reachesEveryone(org, name)).toBe(everyone);
        const system = systemPromptOf(org, name);
        if (everyone) {
          expect(system).toContain(`You may write to everyone in the organisation but yourself.\nYou may send messages to: ${[...org.agents.keys()].join(', ')}\n`);
        } else {
          expect(system).toContain(`\nYou may send messages to: ${reached.length > 0 ? reached.join(', ') : '(nobody)'}\n`);
          expect(system).not.toContain('You may write to everyone');
        }
      }
    });
  }

  test('a prompt names exactly whom the agent reaches: no more, no fewer', () => {
    const org = orgOf(shapes['send to all, some read only from a few'] as Record<string, { sendTo: Edges; readFrom: Edges }>);
    // ann reads only from bob and eve, dee from nobody: cy reaches bob and eve, not ann or dee.
    expect(systemPromptOf(org, 'cy')).toContain('\nYou may send messages to: bob, eve\n');
    // eve's list keeps its author's order and drops dee, who reads from nobody.
    expect(systemPromptOf(org, 'eve')).toContain('\nYou may send messages to: bob, ann\n');
  });
});

/** The agents map of an org, counting every agent it hands out (by lookup or by walking it). */
class CountingAgents extends Map<string, Agent> {
  visits = 0;
  override get(name: string): Agent | undefined {
    this.visits += 1;
    return super.get(name);
  }
  override has(name: string): boolean {
    this.visits += 1;
    return super.has(name);
  }
  override *entries(): MapIterator<[string, Agent]> {
    for (const entry of super.entries()) {
      this.visits += 1;
      yield entry;
    }
  }
  override *keys(): MapIterator<string> {
    for (const [name] of this.entries()) yield name;
  }
  override *values(): MapIterator<Agent> {
    for (const [, agent] of this.entries()) yield agent;
  }
  override [Symbol.iterator](): MapIterator<[string, Agent]> {
    return this.entries();
  }
  override forEach(callback: (agent: Agent, name: string, map: Map<string, Agent>) => void): void {
    for (const [name, agent] of this.entries()) callback(agent, name, this);
  }
}

describe('the first turn of a big org', () => {
  test('building every prompt of an all-"*" org of N agents looks at each agent a few times, not N times', () => {
    const agents = 600;
    const chart = Object.fromEntries(Array.from({ length: agents }, (_, index) => [`agent_${String(index).padStart(4, '0')}`, { sendTo: '*' as const, readFrom: '*' as const }]));
    const plain = orgOf(chart);
    const counting = new CountingAgents(plain.agents);
    const org: Org = { ...plain, agents: counting };
    counting.visits = 0;
    for (const name of plain.agents.keys()) {
      expect(systemPromptOf(org, name)).toContain('You may write to everyone in the organisation but yourself.');
    }
    // Walking the org once per agent would be 600 × 600 = 360,000 visits.
    expect(counting.visits).toBeLessThan(10 * agents);
  });

  test('an org where most agents read from a few: the work follows the answer, not N × N', () => {
    const agents = 600;
    // Everyone sends to "*"; only the first 10 read from everyone, the rest only from their neighbour.
    const names = Array.from({ length: agents }, (_, index) => `agent_${String(index).padStart(4, '0')}`);
    const chart = Object.fromEntries(names.map((name, index) => [name, { sendTo: '*' as const, readFrom: index < 10 ? ('*' as const) : [names[index - 1] as string] }]));
    const plain = orgOf(chart);
    const counting = new CountingAgents(plain.agents);
    const org: Org = { ...plain, agents: counting };
    counting.visits = 0;
    let listed = 0;
    for (const name of names) listed += reachableFrom(org, name).length;
    // Each agent reaches the ten open readers and at most one neighbour.
    expect(listed).toBeLessThanOrEqual(11 * agents);
    expect(counting.visits).toBeLessThan(10 * agents);
  });
});
