import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { LOOK_AHEAD_FROM } from '../../src/storage/look-ahead.js';
import { lookAheadThread } from '../../src/storage/look-ahead-thread.js';
import { tempDir } from '../helpers/org-files.js';

/** One turn of a fresh engine (a process's first): its events, and each agent's title in the org it ran with. */
async function oneTurn(root: string, agents: number): Promise<{ events: EngineEvent[]; titles: Map<string, string> }> {
  const provider = new NextAgentProvider(Array.from({ length: agents }, (_, index) => agentName(index)));
  const engine = Engine.open({ root, providerFactory: () => provider });
  const events: EngineEvent[] = [];
  try {
    for await (const event of engine.turn()) events.push(event);
    return { events, titles: new Map([...engine.currentOrg.agents].map(([name, agent]) => [name, agent.title])) };
  } finally {
    engine.close();
  }
}

// A process's first turn looks at every resume and every outbox; past LOOK_AHEAD_FROM agents a running thread
// takes the `stat`s from the end of each list (storage/look-ahead.ts). What a person did while no
// engine ran is taken in wherever it sits in the lists.
describe('the first look of a big org, on two cores', () => {
  test('a hand edit and a dropped message at each end of the lists are taken at the next process\'s first turn', { timeout: 120_000 }, async () => {
    const agents = LOOK_AHEAD_FROM + 100;
    const root = tempDir('lemming-first-look-');
    buildOrg(root, { agents, history: 0, withMail: 0 });
    await oneTurn(root, agents);
    const first = agentName(0);
    const last = agentName(agents - 1);
    for (const name of [first, last]) {
      const resume = join(root, 'agents', name, 'resume.md');
      writeFileSync(resume, readFileSync(resume, 'utf8').replace(/^title: .*$/m, `title: Edited ${name}`));
      writeFileSync(join(root, 'agents', name, 'outbox', 'note.md'), `---\nto: ${agentName(1)}\nsubject: From ${name}\n---\nDropped by hand.\n`);
    }
    // Lists of stats this short have the thread's help once it runs (a list of STAT_THREAD_FROM starts it): it runs.
    expect(lookAheadThread()).toBeDefined();
    const { events, titles } = await oneTurn(root, agents);
    expect([titles.get(first), titles.get(agentName(agents / 2)), titles.get(last)]).toEqual([`Edited ${first}`, `Worker ${agentName(agents / 2)}`, `Edited ${last}`]);
    const delivered = events.flatMap((event) => (event.type === 'message-delivered' && event.message.from !== agentName(1) ? [event.message.subject] : []));
    expect(delivered.sort()).toEqual([`From ${first}`, `From ${last}`]);
  });
});
