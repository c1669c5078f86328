import { watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { emptyStats } from '../../src/engine/run-totals.js';
import { tempDir } from '../helpers/org-files.js';

/**
 * What a watch of every outbox hears during a steady turn in which each agent sends one message:
 * the engine's own watch does this in an org of 5,000 to 20,000 agents (org/changes/folder-watch.ts),
 * the history's in any org that keeps one, and each notification is a callback into JavaScript.
 */
async function notificationsOfTurn(agents: number): Promise<{ sent: number; names: string[] }> {
  const root = tempDir('lemming-outbox-notifications-');
  buildOrg(root, { agents, history: 0, withMail: agents });
  const names = Array.from({ length: agents }, (_, index) => agentName(index));
  const provider = new NextAgentProvider(names);
  const engine = Engine.open({ root, providerFactory: () => provider });
  const heard: string[] = [];
  const watchers: FSWatcher[] = [];
  try {
    // A first turn, so the one measured is a steady one (folders made, logs looked at).
    for await (const event of engine.turn({ stats: emptyStats() })) void event;
    for (const name of names) watchers.push(watch(join(root, 'agents', name, 'outbox'), { persistent: false }, (_event, file) => heard.push(String(file))));
    const result: TurnResult = { stats: emptyStats() };
    for await (const event of engine.turn(result)) void event;
    // The kernel queued every notification as the files were written: the loop's next looks for input read them all.
    for (let round = 0; round < 3; round += 1) await new Promise((resolve) => setImmediate(resolve));
    return { sent: result.stats.delivered, names: heard };
  } finally {
    for (const watcher of watchers) watcher.close();
    await engine.close();
  }
}

// Counted, not timed: a busy machine cannot fail it.
test("a turn's messages land in their outboxes as one notification each: their temporaries are written where no watch looks", { timeout: 60_000 }, async () => {
  const { sent, names } = await notificationsOfTurn(30);
  expect(sent).toBe(30);
  // Before, four a message: its temporary made, written and renamed away, then the message itself (120 here).
  expect({ notifications: names.length, temporaries: names.filter((name) => name.startsWith('.')).length }).toEqual({ notifications: 30, temporaries: 0 });
  expect(names.every((name) => /^\d{6}-001-agent_\d+\.md$/.test(name))).toBe(true);
});
