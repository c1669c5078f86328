import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { NextAgentProvider } from '../../bench/bench-providers.js';
import { agentName, buildOrg } from '../../bench/build-org.js';
import { Engine } from '../../src/engine/engine.js';
import type { EngineEvent } from '../../src/engine/events.js';
import type { TurnResult } from '../../src/engine/turn/run-turn.js';
import { recordChange } from '../../src/org/changes/change-log.js';
import { callsTo, countFsWork } from '../helpers/fs-work.js';
import { tempDir } from '../helpers/org-files.js';
import { emptyStats } from '../../src/engine/run-totals.js';

const AGENTS = 2_000;
const PER_TURN = 500;

/**
 * An org of 2,000 agents, 20 of them busy unless said (the bench's: each passes work to the next), looked at
 * 500 agents a turn (org.yaml engine.changes), so no turn visits every agent once the first is done.
 */
function openOrg(watch: boolean, busy = 20): { engine: Engine; root: string; systems: Map<string, string> } {
  const root = tempDir('lemming-hand-edits-');
  buildOrg(root, { agents: AGENTS, history: 0, withMail: busy });
  const orgFile = join(root, 'org', 'org.yaml');
  writeFileSync(orgFile, readFileSync(orgFile, 'utf8').replace('engine:\n', `engine:\n  changes:\n    scan_per_turn: ${PER_TURN}\n    watch: ${watch}\n`));
  // As in an org that has run a while: no agent folder was made or removed in the last hour.
  const settled = new Date(Date.now() - 3_600_000 + 0.25);
  utimesSync(join(root, 'agents'), settled, settled);
  const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
  // Each agent's last system prompt: where its notes are shown.
  const systems = new Map<string, string>();
  const generate = provider.generate.bind(provider);
  provider.generate = (request) => {
    systems.set(request.agent, request.system);
    return generate(request);
  };
  return { engine: Engine.open({ root, providerFactory: () => provider }), root, systems };
}

async function turn(engine: Engine): Promise<EngineEvent[]> {
  const result: TurnResult = { stats: emptyStats() };
  const events: EngineEvent[] = [];
  for await (const event of engine.turn(result)) events.push(event);
  expect(result.state).toBeDefined();
  return events;
}

const titleOf = (engine: Engine, agent: string): string | undefined => engine.currentOrg.agents.get(agent)?.title;

/** Edit an idle agent's resume and drop a message into another idle agent's outbox, by hand. */
function editByHand(root: string): void {
  const resume = join(root, 'agents', 'agent_1500', 'resume.md');
  writeFileSync(resume, readFileSync(resume, 'utf8').replace('title: Worker agent_1500', 'title: Edited by hand'));
  writeFileSync(join(root, 'agents', 'agent_1800', 'outbox', 'by-hand.md'), '---\nto: agent_1900\nsubject: Dropped by hand\n---\nPlease take this on.\n');
}

const delivered = (events: EngineEvent[]): string[] =>
  events.flatMap((event) => (event.type === 'message-delivered' && event.message.from === 'agent_1800' ? [`${event.message.from} -> ${event.message.to}: ${event.message.subject}`] : []));
const called = (events: EngineEvent[]): string[] => events.flatMap((event) => (event.type === 'turn-started' ? event.agents : []));

describe('hand edits in an org bigger than a turn looks at (engine.changes)', () => {
  test('watching: a steady turn stats a few hundred files, not every agent, and a hand edit or a dropped file is seen at the next turn', { timeout: 180_000 }, async () => {
    const { engine, root } = openOrg(true);
    try {
      await turn(engine);
      let steady = [] as EngineEvent[];
      const work = await countFsWork(async () => {
        steady = await turn(engine);
      });
      expect(called(steady)).toHaveLength(20);
      // Idle agents cost nothing: the busy ones' files and the org's own, not two stats for each of 2,000 agents.
      expect(callsTo(work, 'statSync', 'lstatSync', 'fstatSync')).toBeLessThan(400);
      expect(titleOf(engine, 'agent_1500')).toBe('Worker agent_1500');
      editByHand(root);
      const next = await turn(engine);
      expect(titleOf(engine, 'agent_1500')).toBe('Edited by hand');
      expect(delivered(next)).toEqual(['agent_1800 -> agent_1900: Dropped by hand']);
      expect(called(next)).toContain('agent_1900');
    } finally {
      engine.close();
    }
  });

  test("watching: the engine's own messages are no hand edits, so a busy agent's next turn does not look at its resume and outbox again; a file dropped beside them still arrives", { timeout: 180_000 }, async () => {
    const busy = 200;
    const { engine, root, systems } = openOrg(true, busy);
    try {
      await turn(engine);
      await turn(engine);
      const work = await countFsWork(async () => {
        expect(called(await turn(engine))).toHaveLength(busy);
      });
      // Each busy agent: its outbox before and after it writes its message (outbox-scan.ts, hintAfterOwnWrites), two stats,
      // and its activity log, once opened to append, looked at to be the regular file it opened (write-bytes.ts openOwnFile).
      // Its resume and outbox again, as if a person had written there, and its notes folder, missing at the last look, would
      // be six; the org's own files and the agent called for the first time (its own folders, its log) are a few dozen more.
      expect(callsTo(work, 'statSync', 'lstatSync', 'fstatSync')).toBeLessThan(3 * busy + 60);
      // A note kept by hand for a busy agent that had none: its folder made in the agent's, so seen at its next call.
      mkdirSync(join(root, 'agents', 'agent_0170', 'memory'));
      writeFileSync(join(root, 'agents', 'agent_0170', 'memory', 'plan.md'), 'Kept by hand.\n');
      // A busy agent's resume edited, and a file dropped into its outbox, while its own messages land there each turn.
      const resume = join(root, 'agents', 'agent_0150', 'resume.md');
      writeFileSync(resume, readFileSync(resume, 'utf8').replace('title: Worker agent_0150', 'title: Edited by hand'));
      writeFileSync(join(root, 'agents', 'agent_0160', 'outbox', 'by-hand.md'), '---\nto: agent_1900\nsubject: Dropped by hand\n---\nPlease take this on.\n');
      const next = await turn(engine);
      expect(titleOf(engine, 'agent_0150')).toBe('Edited by hand');
      expect(next.flatMap((event) => (event.type === 'message-delivered' && event.message.subject === 'Dropped by hand' ? [`${event.message.from} -> ${event.message.to}`] : []))).toEqual(['agent_0160 -> agent_1900']);
      expect(called(next)).toContain('agent_1900');
      expect(called(next)).toContain('agent_0170');
      expect(systems.get('agent_0170')).toContain('Kept by hand.');
    } finally {
      engine.close();
    }
  });

  test(`without notifications: the spread scan looks at ${PER_TURN} agents a turn, so a hand edit or a dropped file is seen within ${AGENTS / PER_TURN} turns`, { timeout: 180_000 }, async () => {
    const { engine, root } = openOrg(false);
    try {
      await turn(engine);
      const work = await countFsWork(async () => {
        await turn(engine);
      });
      // Two stats (resume, outbox) for each agent of the turn's share, and the busy agents' work.
      expect(callsTo(work, 'statSync', 'lstatSync', 'fstatSync')).toBeGreaterThanOrEqual(2 * PER_TURN);
      expect(callsTo(work, 'statSync', 'lstatSync', 'fstatSync')).toBeLessThan(2 * PER_TURN + 400);
      editByHand(root);
      const seen: { title?: number; delivered?: number } = {};
      for (let after = 1; after <= AGENTS / PER_TURN; after += 1) {
        const events = await turn(engine);
        if (seen.title === undefined && titleOf(engine, 'agent_1500') === 'Edited by hand') seen.title = after;
        if (seen.delivered === undefined && delivered(events).length > 0) {
          seen.delivered = after;
          expect(delivered(events)).toEqual(['agent_1800 -> agent_1900: Dropped by hand']);
          expect(called(events)).toContain('agent_1900');
        }
      }
      expect(seen.title).toBeDefined();
      expect(seen.delivered).toBeDefined();
    } finally {
      engine.close();
    }
  });

  test("lemming's own writers are seen at the next turn without notifications: a file written and recorded (as a send from a seat is)", { timeout: 180_000 }, async () => {
    const { engine, root } = openOrg(false);
    try {
      await turn(engine);
      await turn(engine);
      writeFileSync(join(root, 'agents', 'agent_1700', 'outbox', 'from-a-writer.md'), '---\nto: agent_1701\nsubject: Recorded\n---\nSent through a writer of lemming.\n');
      recordChange(root, 'agent_1700');
      const events = await turn(engine);
      expect(events.flatMap((event) => (event.type === 'message-delivered' && event.message.from === 'agent_1700' ? [event.message.to] : []))).toEqual(['agent_1701']);
      expect(called(events)).toContain('agent_1701');
    } finally {
      engine.close();
    }
  });

  test('an edit made while no engine ran: the next engine opens without looking at any resume, and its first turn sees the edit and the dropped file', { timeout: 180_000 }, async () => {
    const first = openOrg(false);
    const root = first.root;
    try {
      await turn(first.engine);
    } finally {
      first.engine.close();
    }
    editByHand(root);
    const provider = new NextAgentProvider(Array.from({ length: AGENTS }, (_, index) => agentName(index)));
    let engine: Engine | undefined;
    const opening = await countFsWork(async () => {
      engine = Engine.open({ root, providerFactory: () => provider });
    });
    if (!engine) throw new Error('the engine did not open');
    try {
      // The org as the last engine settled it: no resume stat'ed, the kept org read.
      expect(callsTo(opening, 'statSync', 'lstatSync', 'fstatSync')).toBeLessThan(100);
      expect(opening.entriesListed).toBeLessThan(100);
      expect(titleOf(engine, 'agent_1500')).toBe('Worker agent_1500');
      const events = await turn(engine);
      expect(titleOf(engine, 'agent_1500')).toBe('Edited by hand');
      expect(delivered(events)).toEqual(['agent_1800 -> agent_1900: Dropped by hand']);
    } finally {
      engine.close();
    }
  });
});
