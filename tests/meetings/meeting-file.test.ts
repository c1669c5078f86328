import { describe, expect, test } from 'vitest';
import { formatProblem } from '../../src/errors.js';
import { parseMeeting } from '../../src/meetings/meeting-file.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { defaultOrg } from '../helpers/temp-org.js';

// The default org's chart: manager sends to planner, hr and janitor, who read from it; planner sends to manager and coder_01.
// Loaded from a copy: loading the template in place would write its caches into the repository.
const org = loadOrg(defaultOrg()).org;

function problemsOf(text: string): string[] {
  return parseMeeting(text, 'sync', org).problems.map((problem) => `${problem.field ?? '-'}: ${formatProblem(problem).split('\n')[0]}`);
}

describe('org/meetings/<name>.yaml', () => {
  test('a valid file is the meeting: attendees in speaking order, the chair first, its rounds, agenda and schedule', () => {
    expect(parseMeeting('attendees: [manager, planner, hr]\nrounds: 2\nagenda: Plan the release\nat: { every: 5, offset: 1 }\n', 'sync', org)).toEqual({
      meeting: { name: 'sync', file: 'org/meetings/sync.yaml', attendees: ['manager', 'planner', 'hr'], rounds: 2, agenda: 'Plan the release', when: { every: 5, offset: 1 } },
      problems: [],
    });
  });

  test('the chair must be able to write to every other attendee along the chart: the refusal names the file, the field and the chart edge', () => {
    const [first, ...rest] = problemsOf('attendees: [planner, hr]\nagenda: x\nturn: 3\n');
    expect(first).toBe('attendees.1: org/meetings/sync.yaml:1: attendees.1: cannot gather hr: the chair (planner, the first attendee) must be able to write to every other attendee, and planner may not send to hr (chart.yaml: agents.planner.send_to); a valid meeting looks like');
    expect(rest).toEqual([]);
    expect(problemsOf('attendees: [manager, coder_01]\nagenda: x\nturn: 3\n')[0]).toContain('manager may not send to coder_01 (chart.yaml: agents.manager.send_to)');
  });

  test('each mistake is named with its field and a valid value', () => {
    expect(problemsOf('attendees: [manager, ghost]\nrounds: 9\nagenda: ""\nturn: 0\nat: { every: 2 }\ncolour: red\n')).toEqual([
      expect.stringMatching(/^colour: .*unknown field "colour"; a meeting has attendees, rounds, agenda, turn, at; a valid meeting looks like$/),
      expect.stringMatching(/^attendees\.1: .*names ghost, which is not an agent of this org \(agents\/ghost\/resume.md\)$/),
      expect.stringMatching(/^rounds: .*must be a whole number from 1 to 5, for example `rounds: 2`$/),
      expect.stringMatching(/^agenda: .*must be the text of what the meeting is about/),
      expect.stringMatching(/^at: .*must say when it is held with one of `turn: 3` \(once\) or `at: \{ every: 5, offset: 1 \}`/),
    ]);
    expect(problemsOf('attendees: [manager, human]\nagenda: x\nturn: 2\n')[0]).toContain('names human, whom the engine never calls');
    expect(problemsOf('attendees: [manager]\nagenda: x\nturn: 2\n')[0]).toContain('must be a list of at least two agent names');
  });
});

describe('every attendee that cannot come is said at once', () => {
  test('an unknown agent, the human, a name that is none, a name given twice and one the chair cannot write to: each with its line and its place in the list', () => {
    const text = ['attendees:', '  - manager', '  - ghost', '  - human', '  - Bad Name', '  - planner', '  - planner', '  - coder_01', 'agenda: Plan the release', 'turn: 3', ''].join('\n');
    const { meeting, problems } = parseMeeting(text, 'sync', org);
    expect(meeting).toBeUndefined();
    expect(problems.map((problem) => formatProblem(problem).split('\n')[0])).toEqual([
      'org/meetings/sync.yaml:3: attendees.1: names ghost, which is not an agent of this org (agents/ghost/resume.md); a valid meeting looks like',
      'org/meetings/sync.yaml:4: attendees.2: names human, whom the engine never calls; attendees are agents of the org',
      'org/meetings/sync.yaml:5: attendees.3: names "Bad Name", which is not an agent name (like "planner" or "coder_01")',
      'org/meetings/sync.yaml:7: attendees.5: names planner a second time; each attendee speaks once a round',
      'org/meetings/sync.yaml:8: attendees.6: cannot gather coder_01: the chair (manager, the first attendee) must be able to write to every other attendee, and manager may not send to coder_01 (chart.yaml: agents.manager.send_to)',
    ]);
  });
});

describe('when a meeting is held', () => {
  test('at its one turn, or every `every` turns from `offset` as a resume schedule runs', async () => {
    const { heldIn, nextTurnHeld } = await import('../../src/engine/turn/meetings-of-turn.js');
    const every = { every: 3, offset: 2 };
    expect([1, 2, 3, 4, 5, 8].filter((turn) => heldIn(every, turn))).toEqual([2, 5, 8]);
    expect([0, 1, 2, 5, 6].map((after) => nextTurnHeld(every, after))).toEqual([2, 2, 5, 8, 8]);
    expect(nextTurnHeld({ every: 1, offset: 0 }, 7)).toBe(8);
    expect([heldIn({ turn: 4 }, 4), heldIn({ turn: 4 }, 5)]).toEqual([true, false]);
    expect([nextTurnHeld({ turn: 4 }, 3), nextTurnHeld({ turn: 4 }, 4)]).toEqual([4, undefined]);
  });
});
