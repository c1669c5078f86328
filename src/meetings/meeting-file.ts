import type { Problem } from '../errors.js';
import { readFieldsOf } from '../editable/named-yaml-files.js';
import { HUMAN, isValidAgentName, MEETINGS_FOLDER } from '../org/names.js';
import type { Org } from '../org/org.js';
import { checkEdge } from '../org/permissions.js';
import { quoteName } from '../mailbox/message-text.js';

export { MEETINGS_FOLDER };

/** The rounds a meeting may have: each is one call per attendee, so a meeting's cost is bounded by attendees × this. */
export const MAX_ROUNDS = 5;

/** The attendees a meeting may have: every round calls each in turn, one after the other. */
export const MAX_ATTENDEES = 12;

/** The longest agenda, in characters: it is shown to every speaker at every round. */
export const MAX_AGENDA_CHARS = 4000;

/** When a meeting is held: at one turn, or on a schedule shaped like a resume's (`every` turns from `offset`). */
export type MeetingWhen = { turn: number } | { every: number; offset: number };

/**
 * A meeting (`org/meetings/<name>.yaml`): named agents gathered for a few rounds within one turn.
 * Each round, each attendee in order is shown the agenda and what was said so far, and answers.
 */
export interface Meeting {
  name: string;
  /** The file, relative to the org root. */
  file: string;
  /** Who speaks, in the order they speak; the first is the chair. */
  attendees: readonly string[];
  rounds: number;
  agenda: string;
  when: MeetingWhen;
}

const FIELDS = ['attendees', 'rounds', 'agenda', 'turn', 'at'];

export const MEETING_EXAMPLE = [
  'attendees: [manager, planner, hr]   # the first is the chair; the chair must be able to write to each of the others',
  'rounds: 2                           # 1 to 5',
  'agenda: Agree who takes the release tasks',
  'at: { every: 5, offset: 1 }         # or `turn: 3` for one meeting',
].join('\n');

/** The file of the meeting `name`. */
export function meetingFile(name: string): string {
  return `${MEETINGS_FOLDER}/${name}.yaml`;
}

/** The transcript of the meeting `name` held in `turn`, relative to the org root. */
export function transcriptFile(name: string, turn: number): string {
  return `${MEETINGS_FOLDER}/${name}/${String(turn).padStart(6, '0')}.md`;
}

/** What reading one meeting file gives: the meeting when it is valid, and every problem (the file, the field, a valid example). */
export interface LoadedMeeting {
  meeting?: Meeting;
  problems: Problem[];
}

/**
 * Check the text of `org/meetings/<name>.yaml` against the org: every attendee an agent of it (not the
 * person, whom the engine never calls), and the chair able to write to each of the others along the
 * chart (send_to at its end, read_from at theirs), as a message from the chair could. Pure.
 */
export function parseMeeting(text: string, name: string, org: Pick<Org, 'agents'>): LoadedMeeting {
  const file = meetingFile(name);
  const read = readFieldsOf(text, file, 'meeting', MEETING_EXAMPLE, FIELDS, 'a map with `attendees:`, `rounds:`, `agenda:` and `turn:` or `at:`');
  if ('problems' in read) return read;
  const { record, found, problem } = read;
  const attendees = attendeesOf(record.attendees, org, problem);
  const rounds = record.rounds === undefined ? 1 : record.rounds;
  if (!Number.isInteger(rounds) || (rounds as number) < 1 || (rounds as number) > MAX_ROUNDS) problem('rounds', `must be a whole number from 1 to ${MAX_ROUNDS}, for example \`rounds: 2\``);
  const agenda = typeof record.agenda === 'string' ? record.agenda.trim() : '';
  if (agenda === '') problem('agenda', 'must be the text of what the meeting is about, for example `agenda: Agree who takes the release tasks`');
  else if (agenda.length > MAX_AGENDA_CHARS) problem('agenda', `is ${agenda.length} characters; an agenda has at most ${MAX_AGENDA_CHARS}`);
  const when = whenOf(record, problem);
  if (found.length > 0 || !attendees || !when) return { problems: found };
  return { meeting: { name, file, attendees, rounds: rounds as number, agenda, when }, problems: [] };
}

/**
 * The attendees, or undefined with every name that cannot come said at once, each at its place in the
 * list (`attendees.2`, with its line): a person mends them in one edit.
 */
function attendeesOf(value: unknown, org: Pick<Org, 'agents'>, problem: (field: string, message: string) => void): string[] | undefined {
  if (!Array.isArray(value) || value.length < 2) {
    problem('attendees', `must be a list of at least two agent names${value === undefined ? ' (it is missing)' : ''}, for example \`attendees: [manager, planner]\``);
    return undefined;
  }
  if (value.length > MAX_ATTENDEES) {
    problem('attendees', `has ${value.length} names; a meeting has at most ${MAX_ATTENDEES}`);
    return undefined;
  }
  const chair = value[0] as unknown;
  const chairCanGather = typeof chair === 'string' && chair !== HUMAN && org.agents.has(chair);
  const seen = new Set<string>();
  let usable = true;
  value.forEach((item: unknown, index) => {
    const refuse = (message: string) => {
      problem(`attendees.${index}`, message);
      usable = false;
    };
    if (!isValidAgentName(item)) return refuse(`names ${quoteName(item)}, which is not an agent name (like "planner" or "coder_01")`);
    if (seen.has(item)) return refuse(`names ${item} a second time; each attendee speaks once a round`);
    seen.add(item);
    if (item === HUMAN) return refuse('names human, whom the engine never calls; attendees are agents of the org');
    if (!org.agents.has(item)) return refuse(`names ${item}, which is not an agent of this org (agents/${item}/resume.md)`);
    if (index === 0 || !chairCanGather) return;
    const verdict = checkEdge(org as Org, chair, item);
    if (!verdict.allowed) refuse(`cannot gather ${item}: the chair (${chair}, the first attendee) must be able to write to every other attendee, and ${verdict.reason}`);
  });
  return usable ? (value as string[]) : undefined;
}

function whenOf(record: Record<string, unknown>, problem: (field: string | undefined, message: string) => void): MeetingWhen | undefined {
  const hasTurn = record.turn !== undefined;
  const hasAt = record.at !== undefined;
  if (hasTurn === hasAt) {
    problem(hasTurn ? 'at' : undefined, 'must say when it is held with one of `turn: 3` (once) or `at: { every: 5, offset: 1 }` (every 5 turns from turn 1)');
    return undefined;
  }
  if (hasTurn) {
    if (!Number.isInteger(record.turn) || (record.turn as number) < 1) {
      problem('turn', 'must be a turn number from 1, for example `turn: 3`');
      return undefined;
    }
    return { turn: record.turn as number };
  }
  const at = record.at;
  if (typeof at !== 'object' || at === null || Array.isArray(at)) {
    problem('at', 'must be a map like `at: { every: 5, offset: 1 }`');
    return undefined;
  }
  const { every, offset = 0, ...rest } = at as Record<string, unknown>;
  for (const key of Object.keys(rest)) problem(`at.${key}`, `unknown field ${quoteName(key)}; \`at:\` has every and offset`);
  if (!Number.isInteger(every) || (every as number) < 1) problem('at.every', 'must be a whole number of turns from 1, for example `every: 5`');
  else if (!Number.isInteger(offset) || (offset as number) < 0) problem('at.offset', 'must be a turn number from 0, for example `offset: 1`');
  else if (Object.keys(rest).length === 0) return { every: every as number, offset: offset as number };
  return undefined;
}
