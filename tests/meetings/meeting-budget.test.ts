import { describe, expect, test } from 'vitest';
import { formatEvent } from '../../src/cli/format-event.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

function orgWithMeeting(): string {
  const root = defaultOrg();
  write(root, 'org/meetings/sync.yaml', MEETING);
  return root;
}

describe("a meeting's attendees on the run's lines and against org.yaml budget:", () => {
  test("an attendee's call reads as a meeting, not as its schedule", async () => {
    const root = orgWithMeeting();
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
    const lines = ofType(events, 'agent-called').map((event) => formatEvent(event));
    expect(lines).toEqual(['manager', 'hr', 'planner'].sort().map((agent) => expect.stringMatching(new RegExp(`^\\[turn 1\\] ${agent} thinking \\([^,]+, meeting\\)$`))));
  });

  test('a speaker does not start once the org ceiling is reached mid-meeting: the overshoot is the one speech that crossed it, and the transcript says why', async () => {
    const root = orgWithMeeting();
    // 0.002 credits: manager's first speech (30,000 prompt tokens, 0.075 at the offline entry's prices) crosses it.
    write(root, 'org/org.yaml', `${read(root, 'org/org.yaml').replace(/\nbudget:.*\n/, '\n')}\nbudget: { credits: 0.002 }\n`);
    const model = new ScriptedProvider((request) => ({ text: `${request.agent} speaks`, usage: { inputTokens: 30_000, outputTokens: 0, estimated: false } }));
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: () => model });
    expect(model.requests.map((request) => request.agent)).toEqual(['manager']);
    const transcript = read(root, 'org/meetings/sync/000001.md');
    expect(transcript).toContain('### planner\n\n> (did not speak: the org has reached its budget (org.yaml budget:))\n');
    // Those who did not speak are charged nothing.
    expect(ofType(events, 'credits-charged').flatMap((event) => (event.credits > 0 ? [[event.agent, event.credits]] : []))).toEqual([['manager', 0.075]]);
  });
});
