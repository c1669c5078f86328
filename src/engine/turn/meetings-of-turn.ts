import { formatProblem } from '../../errors.js';
import { forgetAtNextCommand } from '../../invocation.js';
import { loadMeetings } from '../../meetings/load-meetings.js';
import type { Meeting, MeetingWhen } from '../../meetings/meeting-file.js';
import type { PlannedMeeting } from '../../meetings/meeting-transcript.js';
import type { Org } from '../../org/org.js';
import type { EngineEvent } from '../events.js';
import { problemWarning } from '../problem-warning.js';
import type { PlannedCall } from '../record/journal.js';
import { isScheduled } from './plan-turn.js';
import { showCredits } from '../../format/format.js';
import { CAUSE_WORDS } from '../../format/mail-outcomes.js';

/** Whether a meeting is held in `turn`: at its one turn, or by the rule of a resume's schedule. Pure. */
export function heldIn(when: MeetingWhen, turn: number): boolean {
  return 'turn' in when ? when.turn === turn : isScheduled(when, turn);
}

/** The meetings due in a turn, before the plan decides who can come. */
export interface DueMeetings {
  meetings: Meeting[];
  /** Every attendee of a due meeting: called this turn, mail or not, if the plan's gates let it. */
  attendees: Set<string>;
  /** A broken meeting file, told once per change of its problems; the meeting is not held while it is broken. */
  events: EngineEvent[];
}

/** Per org root, in this process: the problems last told, so a broken file is said once and not every turn. */
const lastTold = new Map<string, string>();
forgetAtNextCommand(() => lastTold.clear());

/** The meetings of `org/meetings/` due in `turn`, read as the turn is planned. */
export function meetingsDue(root: string, org: Org, turn: number): DueMeetings {
  const due: DueMeetings = { meetings: [], attendees: new Set(), events: [] };
  const loaded = loadMeetings(root, org);
  const problems = loaded.flatMap((one) => one.problems);
  const text = problems.map(formatProblem).join('\n');
  if ((lastTold.get(root) ?? '') !== text) {
    lastTold.set(root, text);
    for (const problem of problems) due.events.push(problemWarning(problem, turn, 'the meeting is not held until it is fixed'));
  }
  for (const { meeting } of loaded) {
    if (!meeting || !heldIn(meeting.when, turn)) continue;
    due.meetings.push(meeting);
    for (const agent of meeting.attendees) due.attendees.add(agent);
  }
  return due;
}

/**
 * The due meetings as the plan holds them: an attendee the plan does not call (out of credits, held,
 * at a ceiling, not drawn by activation) is absent, with the reason its events give; one already in
 * an earlier meeting of the turn (name order) is absent from the later ones. Pure.
 */
export function plannedMeetings(due: readonly Meeting[], calls: readonly PlannedCall[], events: readonly EngineEvent[]): PlannedMeeting[] {
  const called = new Set(calls.map((call) => call.agent));
  const seated = new Map<string, string>();
  return due.map((meeting) => {
    const absent: PlannedMeeting['absent'] = [];
    for (const agent of meeting.attendees) {
      const elsewhere = seated.get(agent);
      if (elsewhere !== undefined) absent.push({ agent, reason: `in the meeting ${elsewhere} this turn` });
      else if (!called.has(agent)) absent.push({ agent, reason: whyNotCalled(agent, events) });
      else seated.set(agent, meeting.name);
    }
    return { name: meeting.name, agenda: meeting.agenda, rounds: meeting.rounds, attendees: [...meeting.attendees], absent };
  });
}

function whyNotCalled(agent: string, events: readonly EngineEvent[]): string {
  for (const event of events) {
    if (!('agent' in event) || event.agent !== agent) continue;
    if (event.type === 'agent-held') return `not called: its model ${event.model} keeps failing`;
    if (event.type !== 'agent-skipped') continue;
    if (event.reason === 'out-of-credits') return 'out of credits';
    if (event.reason === 'insufficient-credits') return `its credits (${showCredits(event.balance)}) do not cover a call`;
    if (event.reason === 'breaker') return `held by a circuit breaker${event.breaker ? `: ${event.breaker}` : ''}`;
    if (event.reason === 'intervention') return event.breaker ?? CAUSE_WORDS.intervention;
    return `held: ${event.budget ?? 'the org'} has reached its budget`;
  }
  return 'not drawn this turn (org.yaml engine.activation)';
}

/** The first turn after `after` a meeting is held in; undefined when it is held no more. Pure. */
export function nextTurnHeld(when: MeetingWhen, after: number): number | undefined {
  if ('turn' in when) return when.turn > after ? when.turn : undefined;
  const first = Math.max(after + 1, when.offset);
  return first + ((when.every - ((first - when.offset) % when.every)) % when.every);
}

/** A meeting still to be held, as `lemming status` lists it. */
export interface UpcomingMeeting {
  name: string;
  turn: number;
  attendees: readonly string[];
  rounds: number;
  file: string;
}

/** The org's valid meetings still to be held after `turn`, soonest first: a stat and a read of each meeting file. */
export function upcomingMeetings(root: string, org: Org, turn: number): UpcomingMeeting[] {
  return loadMeetings(root, org)
    .flatMap(({ meeting }) => {
      const next = meeting ? nextTurnHeld(meeting.when, turn) : undefined;
      return meeting && next !== undefined ? [{ name: meeting.name, turn: next, attendees: meeting.attendees, rounds: meeting.rounds, file: meeting.file }] : [];
    })
    .sort((left, right) => left.turn - right.turn || (left.name < right.name ? -1 : 1));
}
