import { describe, expect, test } from 'vitest';
import { choiceOrder } from '../../src/survey/ask-agents.js';

describe('the order a question shows its choices in', () => {
  const choices = ['very happy', 'pretty happy', 'not too happy', 'unsure'];
  const agents = Array.from({ length: 400 }, (_, index) => `agent_${String(index).padStart(5, '0')}`);

  test("is the same for an agent each time it is asked, and holds every choice once", () => {
    for (const agent of agents.slice(0, 20)) {
      const order = choiceOrder(choices, agent, 'Taken all together, how would you say things are these days?');
      expect(choiceOrder(choices, agent, 'Taken all together, how would you say things are these days?')).toEqual(order);
      expect([...order].sort()).toEqual([...choices].sort());
    }
  });

  test('puts each choice first for about a quarter of 400 agents, not the source order for all', () => {
    const first = new Map<string, number>();
    for (const agent of agents) {
      const [head] = choiceOrder(choices, agent, 'Taken all together, how would you say things are these days?');
      first.set(head ?? '', (first.get(head ?? '') ?? 0) + 1);
    }
    for (const choice of choices) {
      // 100 expected; a binomial(400, 1/4) lies within 100 ± 35 with probability above 0.9999.
      expect(first.get(choice) ?? 0).toBeGreaterThan(65);
      expect(first.get(choice) ?? 0).toBeLessThan(135);
    }
  });
});
