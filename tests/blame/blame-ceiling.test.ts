import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CreditCeiling, forkWorstCase, mostACallCosts } from '../../src/blame/blame-ceiling.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { loopOrg } from './loop-org.js';

it("a call's worst case: max_steps answers (one more with memory), each of its models in order, each at the usage gate's limits with every retry", () => {
  const root = loopOrg(5);
  const yaml = join(root, 'org/org.yaml');
  // Another model, a's fallback: 1,000 tokens of context and no output cap (the gate admits the context window out), 2 retries, 0.01 a call.
  writeFileSync(
    yaml,
    readFileSync(yaml, 'utf8').replace('  max_steps: 1', '  max_steps: 2') +
      '  spare:\n    provider: offline\n    model: spare-1\n    input_price: 10\n    output_price: 20\n    context_window: 1000\n    max_retries: 2\n    price_per_call: 0.01\n' +
      'memory: { keep: true }\n',
  );
  const resume = join(root, 'agents/a/resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace('model: scripted', 'model: [scripted, spare]'));
  const org = loadOrg(root).org;
  // scripted: (4,000 + 400) × 100 / 1e6 = 0.44; spare: 3 attempts × (1,000 × 10 + 1,000 × 20) / 1e6 + 3 × 0.01 = 0.12.
  // Two steps and the reflection: 3 answers a call.
  expect(mostACallCosts(org, 'a', org.agents.get('a')!.models)).toBeCloseTo(3 * (0.44 + 0.12), 9);
  expect(mostACallCosts(org, 'b', org.agents.get('b')!.models)).toBeCloseTo(3 * 0.44, 9);
  // A fork of b's turn-2 call to turn 5: 4 turns of both agents; the changed call on the cheaper spare costs nothing more.
  expect(forkWorstCase(org, { step: { turn: 2, agent: 'b' }, lastTurn: 5, model: 'spare' })).toEqual({ calls: 8, credits: 4 * 3 * (0.44 + 0.12 + 0.44) });
  // On a dearer model than its own the changed call adds the difference once.
  expect(forkWorstCase(org, { step: { turn: 5, agent: 'b' }, lastTurn: 5, model: 'spare' }).credits).toBeCloseTo(3 * (0.44 + 0.12 + 0.44), 9);
});

it('a ceiling starts a fork only when what was spent, the forks under way and its own worst case fit, to the billionth', () => {
  const ceiling = new CreditCeiling(1);
  expect(ceiling.start(0.3)).toBe(true);
  expect(ceiling.start(0.7)).toBe(true);
  expect(ceiling.start(0.000000001)).toBe(false);
  ceiling.finish(0.3, 0.1);
  expect(ceiling.spent).toBeCloseTo(0.1, 9);
  expect(ceiling.start(0.2)).toBe(true);
  expect(ceiling.start(0.000000001)).toBe(false);
});
