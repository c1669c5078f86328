import { describe, expect, test } from 'vitest';
import type { ModelEntry } from '../../src/org/schema.js';
import { UsageGate } from '../../src/providers/usage-gate.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

/*
 * A speech whose own tool loop stopped early for a reason other than a refused answer (here
 * engine.max_steps, with tool results the model did not see) says why on the speaker's turn line, its
 * log and the run's events, naming the meeting and the round, as a speech ended by a refused answer
 * does. Before, the meeting kept that line only for a refusal: the stop was said nowhere.
 */

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

describe('a meeting speech whose tool loop stopped early', () => {
  test('says why on the turn line, for each round it happened in', async () => {
    const root = defaultOrg();
    write(root, 'org/org.yaml', read(root, 'org/org.yaml').replace('  max_turns: 50', '  max_turns: 50\n  max_steps: 1'));
    write(root, 'org/meetings/sync.yaml', MEETING);
    write(root, 'agents/hr/resume.md', '---\ntitle: People partner\nmodel: offline\ncredits: 0.25\ntools: [send_message, write_file]\n---\nKeep notes of decisions about people.\n');
    const model = new ScriptedProvider((request) =>
      request.agent === 'hr' ? { text: 'hr speaks', toolCalls: [{ id: 'call_notes', name: 'write_file', arguments: { path: 'notes.md', content: '# Notes\n' } }] } : { text: `${request.agent} speaks` },
    );
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: (modelKey: string, entry: ModelEntry) => new UsageGate(model, modelKey, entry) });
    const stopped = 'stopped at engine.max_steps (1) with tool results the model did not see';
    const notes = ofType(events, 'agent-note').filter((event) => event.agent === 'hr' && event.message.includes('engine.max_steps'));
    expect(notes.map((event) => event.message)).toEqual([`the meeting sync, round 1: ${stopped}; the meeting sync, round 2: ${stopped}`]);
    const logged = read(root, 'agents/hr/logs/activity.jsonl')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as { event: string; message?: string })
      .filter((line) => line.event === 'note' && line.message?.includes('engine.max_steps'));
    expect(logged).toHaveLength(1);
    // Not an error of the turn: its speeches stand.
    expect(ofType(events, 'turn-finished').map((event) => event.stats.errors)).toEqual([0]);
    expect(read(root, 'org/meetings/sync/000001.md')).toContain('hr speaks');
  });
});
