import { describe, expect, test } from 'vitest';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, ofType, read, runEngine, write } from '../helpers/temp-org.js';

const MEETING = ['attendees: [manager, planner, hr]', 'rounds: 2', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

/** The default org with the meeting, hr given `credits`. */
function orgWithMeeting(credits: number): string {
  const root = defaultOrg();
  write(root, 'org/meetings/sync.yaml', MEETING);
  write(root, 'agents/hr/resume.md', read(root, 'agents/hr/resume.md').replace(/^credits: .*$/m, `credits: ${credits}`));
  return root;
}

describe("a meeting and the speakers' credits", () => {
  test('an attendee out of credits is absent, and the transcript says why', async () => {
    const root = orgWithMeeting(0);
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
    expect(ofType(events, 'meeting-held')[0]).toMatchObject({ speakers: 2, absent: 1 });
    const transcript = read(root, 'org/meetings/sync/000001.md');
    expect(transcript).toContain('- Absent: hr (out of credits)\n');
    expect(transcript).not.toContain('### hr');
  });

  test('a speaker whose first speech spent what it had does not speak again: the transcript says so, and it is charged for what it said', async () => {
    const root = orgWithMeeting(0.08);
    // hr's first answer reports 30,000 prompt tokens: 0.075 credits of its 0.08 at the offline entry's 2.5 a million.
    const model = new ScriptedProvider((request) => ({ text: `${request.agent} speaks`, ...(request.agent === 'hr' ? { usage: { inputTokens: 30_000, outputTokens: 0, estimated: false } } : {}) }));
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false }, { providerFactory: () => model });
    expect(model.requests.map((request) => request.agent)).toEqual(['manager', 'planner', 'hr', 'manager', 'planner']);
    const transcript = read(root, 'org/meetings/sync/000001.md');
    expect(transcript).toMatch(/## Round 2\n[\s\S]*### hr\n\n> \(did not speak: its 0\.0050 credits left do not cover another call \(about 0\.\d+\)\)\n$/);
    expect(ofType(events, 'credits-charged').find((event) => event.agent === 'hr')?.credits).toBe(0.075);
  });
  test('a meeting none of whose attendees can come writes no transcript, though another meeting of the turn is held', async () => {
    const root = orgWithMeeting(1);
    // The planner is in the meeting sync this turn, and coder_01 has no credits.
    write(root, 'org/meetings/zz-empty.yaml', ['attendees: [planner, coder_01]', 'agenda: Nobody can come', 'turn: 1', ''].join('\n'));
    write(root, 'agents/coder_01/resume.md', read(root, 'agents/coder_01/resume.md').replace(/^credits: .*$/m, 'credits: 0'));
    const events = await runEngine(root, { maxTurns: 1, stopWhenIdle: false });
    expect(ofType(events, 'warning')).toEqual([]);
    expect(ofType(events, 'meeting-held').map((event) => event.meeting)).toEqual(['sync']);
    expect(() => read(root, 'org/meetings/zz-empty/000001.md')).toThrow();
  });
});
