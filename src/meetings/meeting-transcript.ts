/** A meeting as the turn's plan holds it: the file's meeting, and who of its attendees could come. Journaled with the plan. */
export interface PlannedMeeting {
  name: string;
  agenda: string;
  rounds: number;
  /** Every attendee of the file, in speaking order; the first is the chair. */
  attendees: string[];
  /** Attendees the turn's plan left out (out of credits, not drawn, held), each with the reason: they do not speak. */
  absent: Array<{ agent: string; reason: string }>;
}

/** One attendee's part in one round: what it said, or why it said nothing. */
export interface Speech {
  round: number;
  agent: string;
  /** Its answer's text (empty when it only acted through its tools). */
  text?: string;
  /** The tools it used, by name, in order: said in the transcript, since what they did is not text. */
  tools?: string[];
  /** Why it did not speak this round (its credits would not cover the call), or why its call failed. */
  skipped?: string;
  failed?: string;
}

/**
 * What one attendee of a meeting took part in, for its memories (memory/turn-memories.ts): the
 * meeting, its transcript (relative to the org root), and every speech of it in the order said, its
 * own among them. Journaled with the attendee's answer, so a turn finished after a crash remembers the same.
 */
export interface MeetingHeard {
  name: string;
  agenda: string;
  file: string;
  speeches: Speech[];
}

/** The attendees who speak: those the plan did not leave out, in speaking order. Pure. */
export function speakersOf(meeting: PlannedMeeting): string[] {
  const absent = new Set(meeting.absent.map((entry) => entry.agent));
  return meeting.attendees.filter((agent) => !absent.has(agent));
}

/** A speech as one line of a transcript or a prompt: its text, the tools it used, or why it is missing. Pure. */
export function spokenText(speech: Speech): string {
  if (speech.skipped !== undefined) return `(did not speak: ${speech.skipped})`;
  if (speech.failed !== undefined) return `(no answer: ${speech.failed})`;
  const text = speech.text?.trim() ?? '';
  const tools = speech.tools && speech.tools.length > 0 ? `(used ${speech.tools.join(', ')})` : '';
  return [text, tools].filter((part) => part !== '').join('\n') || '(said nothing)';
}

/**
 * The transcript of a meeting held in `turn` (`org/meetings/<name>/<turn>.md`): markdown, a section a
 * round and one a speaker within it, each speech quoted so nothing it says can pass for a heading of
 * the transcript. Made from the plan and the journaled speeches alone, with no clock: a recovered turn
 * and a replay write it byte for byte the same. Pure.
 */
export function renderTranscript(meeting: PlannedMeeting, turn: number, speeches: readonly Speech[]): string {
  const [chair, ...others] = meeting.attendees;
  const lines = [
    `# Meeting ${meeting.name}, turn ${turn}`,
    '',
    `- Agenda: ${meeting.agenda.replace(/\s*\n\s*/g, ' ')}`,
    `- Attendees: ${chair} (chair)${others.length > 0 ? `, ${others.join(', ')}` : ''}`,
    ...meeting.absent.map((entry) => `- Absent: ${entry.agent} (${entry.reason})`),
    `- Rounds: ${meeting.rounds}`,
    `- File: org/meetings/${meeting.name}.yaml`,
  ];
  for (let round = 1; round <= meeting.rounds; round += 1) {
    const said = speeches.filter((speech) => speech.round === round);
    if (said.length === 0) continue;
    lines.push('', `## Round ${round}`);
    for (const speech of said) lines.push('', `### ${speech.agent}`, '', ...spokenText(speech).split('\n').map((line) => (line === '' ? '>' : `> ${line}`)));
  }
  return `${lines.join('\n')}\n`;
}
