import { describe, expect, test } from 'vitest';
import { Engine } from '../../src/engine/engine.js';
import { handedBack, UNITS_BETWEEN_HAND_BACKS } from '../../src/engine/turn/let-others-run.js';
import { startWebServer } from '../../src/web/server.js';
import { busyOrg } from '../helpers/busy-org.js';

describe('the engine leaves room for a server in its process', () => {
  test('during a turn of 300 agents on the offline model, the dashboard in the same process answers requests: the engine hands the loop back every few agents', { timeout: 120_000 }, async () => {
    const agents = 300;
    const root = busyOrg(agents);
    const server = await startWebServer({ root, host: '127.0.0.1', port: 0, token: 'a-token-of-sixteen-chars' });
    const engine = Engine.open({ root });
    try {
      let turnRunning = false;
      let answeredDuringTurn = 0;
      let asking: Promise<void> | undefined;
      // One request after another, for as long as the turn runs: each answer that arrives while it runs is counted.
      const ask = async (): Promise<void> => {
        while (turnRunning) {
          const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
          await response.arrayBuffer();
          if (turnRunning && response.status === 200) answeredDuringTurn += 1;
        }
      };
      const before = handedBack.count;
      for await (const event of engine.turn()) {
        if (event.type === 'turn-started') {
          turnRunning = true;
          asking = ask();
        }
        if (event.type === 'turn-finished') {
          turnRunning = false;
          expect(event.stats.called).toBe(agents);
        }
      }
      await asking;
      // Once every UNITS_BETWEEN_HAND_BACKS agents' answers at least (sooner when they are slow).
      expect(handedBack.count - before).toBeGreaterThanOrEqual(Math.floor(agents / UNITS_BETWEEN_HAND_BACKS));
      // Without the hand-backs a request waited for the turn's end: none was answered during it.
      expect(answeredDuringTurn).toBeGreaterThan(2);
    } finally {
      engine.close();
      await server.close();
    }
  });

  test('a /api/status asked as a turn of 400 agents begins is answered while the turn is still being planned', { timeout: 120_000 }, async () => {
    const agents = 400;
    const root = busyOrg(agents);
    const token = 'a-token-of-sixteen-chars';
    const server = await startWebServer({ root, host: '127.0.0.1', port: 0, token });
    const engine = Engine.open({ root });
    try {
      // What the engine had said when the answer came: the count is the turn's progress.
      const seen: string[] = [];
      let seenAtAnswer: string[] | undefined;
      const asked = fetch(`http://127.0.0.1:${server.port}/api/status`, { headers: { authorization: `Bearer ${token}` } }).then(async (response) => {
        seenAtAnswer = [...seen];
        return (await response.json()) as { agents: unknown[] };
      });
      for await (const event of engine.turn()) seen.push(event.type);
      expect((await asked).agents).toHaveLength(agents);
      expect(seen.filter((type) => type === 'agent-done')).toHaveLength(agents);
      // Planning builds 400 prompts and hands the loop back between batches of them; the status waits neither for
      // the plan's end nor for the message index's thread to look at 400 changed outboxes.
      expect(seenAtAnswer).toBeDefined();
      expect(seenAtAnswer).not.toContain('turn-started');
    } finally {
      engine.close();
      await server.close();
    }
  });
});
