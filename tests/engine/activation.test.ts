import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { activationDraw, drawActive, type ActivationSettings } from '../../src/engine/turn/activation.js';
import { seededRandom, streamSeed } from '../../src/random/seeded-random.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import type { Org } from '../../src/org/org.js';
import { runSummary } from '../../src/cli/print-events.js';
import { lemming } from '../helpers/cli.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { tempDir } from '../helpers/temp-dirs.js';

/** An org of `agents` workers (agent_0000…), each with one letter waiting, and org.yaml `engine.activation` as given. */
function orgWithActivation(agents: number, activation: string): string {
  const root = join(tempDir(), 'org');
  buildOrg(root, { agents, history: 0, withMail: agents });
  const orgYaml = join(root, 'org', 'org.yaml');
  writeFileSync(orgYaml, readFileSync(orgYaml, 'utf8').replace('  concurrency: 8\n', `  concurrency: 8\n  activation:\n${activation}`));
  return root;
}

/** Run to idle with a model that reads its mail and keeps a note, writing to nobody; every turn's called agents, in order, and the run's events. */
async function runToIdle(root: string): Promise<{ turns: string[][]; events: EngineEvent[]; calls: number }> {
  const provider = new ScriptedProvider(() => ({ toolCalls: [{ id: 'call_1', name: 'remember', arguments: { key: 'read', text: 'Read my letter.' } }] }));
  const engine = Engine.open({ root, providerFactory: () => provider });
  const events: EngineEvent[] = [];
  try {
    for await (const event of engine.run({ maxTurns: 200 })) events.push(event);
  } finally {
    engine.close();
  }
  const turns = events.flatMap((event) => (event.type === 'turn-started' ? [event.agents] : []));
  return { turns, events, calls: provider.requests.length };
}

const calls = (names: string[]) => names.map((agent) => ({ agent }));

/** An org as the draw reads it: agents by name with their personas, and the activation settings as org.yaml's would load. */
function org(agents: number, activation: ActivationSettings, persona?: (index: number) => Record<string, string>): Org {
  const names = Array.from({ length: agents }, (_, index) => `agent_${String(index).padStart(4, '0')}`);
  return {
    settings: { activation },
    agents: new Map(names.map((name, index) => [name, { name, title: 'Worker', ...(persona ? { persona: persona(index) } : {}) }])),
  } as unknown as Org;
}

describe('activation: which agents with work act in a turn (org.yaml engine.activation)', () => {
  test('the settings as org.yaml gives them load with their defaults', () => {
    const loaded = loadOrg(orgWithActivation(2, '    rules:\n      - match: { title: Worker }\n        at_most: 1\n')).org;
    expect(loaded.settings.activation).toEqual({ seed: 0, rules: [{ match: { title: 'Worker' }, probability: 1, at_most: 1 }] });
  });

  test('a probability draws about that share, the same agents for the same seed and turn, others for another seed or turn', () => {
    const big = org(4000, { seed: 7, rules: [{ match: {}, probability: 0.25 }] });
    const names = [...big.agents.keys()];
    const first = drawActive(big.settings.activation, big, 5, calls(names));
    // Binomial(4000, 0.25): mean 1,000, sd 27.4; ±5 sd.
    expect(first.calls.length).toBeGreaterThan(1000 - 137);
    expect(first.calls.length).toBeLessThan(1000 + 137);
    expect(first.notDrawn).toBe(4000 - first.calls.length);
    expect(drawActive(big.settings.activation, big, 5, calls(names)).calls).toEqual(first.calls);
    // One agent's draw does not depend on who else has work: drawn from the first half alone, the same agents of it.
    const half = names.slice(0, 2000);
    expect(drawActive(big.settings.activation, big, 5, calls(half)).calls).toEqual(first.calls.filter((call) => half.includes(call.agent)));
    const nextTurn = drawActive(big.settings.activation, big, 6, calls(names)).calls.map((call) => call.agent);
    const overlap = nextTurn.filter((name) => first.calls.some((call) => call.agent === name)).length;
    // Independent draws a turn: about a quarter of those drawn in turn 5 are drawn again in turn 6.
    expect(overlap).toBeGreaterThan(150);
    expect(overlap).toBeLessThan(360);
  });

  test('each draw is the first number of the stream seeded by the seed, the turn and the name, as runs before drew it', () => {
    for (const [seed, turn, agent] of [[0, 1, 'agent_0000'], [7, 12, 'ward_nurse_03'], [123456789, 100000, 'a'], [3, 2, 'constructor']] as const) {
      expect(activationDraw(seed, turn, agent)).toBe(seededRandom(streamSeed(seed, `activation\n${turn}\n${agent}`))());
    }
  });

  test('at_most takes k of a rule\'s agents with work; the first rule an agent matches governs it; one no rule matches always acts', () => {
    const rules = [
      { match: { department: 'ward' }, probability: 1, at_most: 4 },
      { match: { department: ['ward', 'admin'] }, probability: 0.000001 },
    ];
    const mixed = org(30, { seed: 0, rules }, (index) => ({ department: index < 20 ? 'ward' : index < 25 ? 'admin' : 'lab' }));
    const names = [...mixed.agents.keys()];
    const drawn = drawActive(mixed.settings.activation, mixed, 1, calls(names)).calls.map((call) => call.agent);
    const department = (name: string) => mixed.agents.get(name)?.persona?.['department'];
    expect(drawn.filter((name) => department(name) === 'ward')).toHaveLength(4);
    expect(drawn.filter((name) => department(name) === 'admin')).toHaveLength(0);
    expect(drawn.filter((name) => department(name) === 'lab')).toHaveLength(5);
  });

  test('a run keeps every letter: each of 40 agents is called once, over more turns, the same turns when run again; the summary says how many waited', async () => {
    const activation = '    seed: 3\n    rules:\n      - probability: 0.3\n';
    const first = await runToIdle(orgWithActivation(40, activation));
    expect(first.calls).toBe(40);
    expect(first.turns.flat().sort()).toEqual([...new Set(first.turns.flat())].sort());
    expect(new Set(first.turns.flat()).size).toBe(40);
    expect(first.turns.length).toBeGreaterThan(3);
    for (const agents of first.turns) expect(agents.length).toBeLessThan(40);
    const finished = first.events.find((event) => event.type === 'run-finished');
    expect(finished?.type === 'run-finished' && finished.reason).toBe('idle');
    // Each turn's not drawn are those with a letter still waiting, less those called.
    const perTurn = first.events.flatMap((event) => (event.type === 'turn-finished' ? [event.stats.refusals.activation] : []));
    let waiting = 40;
    first.turns.forEach((agents, index) => {
      expect(perTurn[index]).toBe(waiting - agents.length);
      waiting -= agents.length;
    });
    if (finished?.type !== 'run-finished') throw new Error('no run-finished');
    expect(finished.totals.refusals.activation).toBe(perTurn.reduce((sum, each) => sum + each, 0));
    expect(runSummary(finished, '/org').join('\n')).toContain(`Held with work: ${finished.totals.refusals.activation} not drawn by activation (their mail waited).`);
    // One rule governed every agent with work, turn after turn: it drew the calls made.
    expect(finished.totals.draws).toEqual([{ rule: 1, governed: perTurn.reduce((sum, each) => sum + each, 0) + first.calls, drawn: first.calls }]);
    // Seeded: the same org runs the same turns.
    expect((await runToIdle(orgWithActivation(40, activation))).turns).toEqual(first.turns);
  });

  test('at_most: 5 calls at most 5 a turn until all 40 letters are read', async () => {
    const run = await runToIdle(orgWithActivation(40, '    rules:\n      - at_most: 5\n'));
    expect(run.turns.map((agents) => agents.length)).toEqual([5, 5, 5, 5, 5, 5, 5, 5]);
    expect(new Set(run.turns.flat()).size).toBe(40);
  });

  // docs/people.md's example is run on the docs' own population in activation-match.test.ts.

  test('a probability of 0 is refused, naming the file, the field and a valid value', () => {
    const root = orgWithActivation(3, '    rules:\n      - probability: 0\n');
    const checked = lemming(root, ['validate']);
    expect(checked.status).not.toBe(0);
    expect(checked.stdout + checked.stderr).toMatch(/org\/org\.yaml[\s\S]*engine\.activation\.rules\.0\.probability[\s\S]*more than 0[\s\S]*0\.1/);
  });
});
