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
export function speakersOf(meeting: Pick<PlannedMeeting, 'attendees' | 'absent'>): string[] {
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
 * Every way a line can end to some reader of a transcript: `\n`, `\r\n` and a lone `\r` (CommonMark,
 * and so the dashboard's renderer), NEL and the Unicode line and paragraph separators (editors and
 * programs that follow Unicode). A speech is quoted line by line at each of them, so a model that
 * ends its lines another way than `\n` still cannot start a heading.
 */
const LINE_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;

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
    `- Agenda: ${meeting.agenda.split(LINE_BREAK).map((line) => line.trim()).filter((line) => line !== '').join(' ')}`,
    `- Attendees: ${chair} (chair)${others.length > 0 ? `, ${others.join(', ')}` : ''}`,
    ...meeting.absent.map((entry) => `- Absent: ${entry.agent} (${entry.reason})`),
    `- Rounds: ${meeting.rounds}`,
    `- File: org/meetings/${meeting.name}.yaml`,
  ];
  for (let round = 1; round <= meeting.rounds; round += 1) {
    const said = speeches.filter((speech) => speech.round === round);
    if (said.length === 0) continue;
    lines.push('', `## Round ${round}`);
    for (const speech of said) lines.push('', `### ${speech.agent}`, '', ...spokenText(speech).split(LINE_BREAK).map((line) => (line === '' ? '>' : `> ${line}`)));
  }
  return `${lines.join('\n')}\n`;
}

/** One speech heard: its speaker, an attendee present who heard it, and its round. */
export interface MeetingDelivery {
  from: string;
  to: string;
  round: number;
}

/**
 * Who heard whom in a meeting: each speech made (not one skipped for credits or failed) by an attendee
 * present reaches every other attendee present, as a message to them would. What the engine counts as
 * the meeting's deliveries when it holds it and what the analysis counts from its transcript; a speech
 * under another name (a hand edit of the transcript: an agent not at the meeting, the human) is heard
 * by no one, as no such speech was made. Pure.
 */
export function meetingDeliveries(meeting: Pick<PlannedMeeting, 'attendees' | 'absent'>, speeches: readonly Speech[]): MeetingDelivery[] {
  const present = speakersOf(meeting);
  return speeches
    .filter((speech) => speech.skipped === undefined && speech.failed === undefined && present.includes(speech.agent))
    .flatMap((speech) => present.filter((agent) => agent !== speech.agent).map((agent) => ({ from: speech.agent, to: agent, round: speech.round })));
}

/** What a transcript says of its meeting, read back from the file renderTranscript wrote. */
export interface ReadTranscript {
  name: string;
  turn: number;
  attendees: string[];
  absent: Array<{ agent: string; reason: string }>;
  speeches: Speech[];
}

const HEADING = /^# Meeting (\S+), turn (\d+)$/;

/**
 * A transcript read back (renderTranscript's inverse, for what it needs to say who heard whom): its
 * meeting and turn, the attendees, those absent and each speech, made or not. Undefined for a file
 * that is not a transcript lemming wrote. A speech's text is not kept. Pure.
 */
export function readTranscript(text: string): ReadTranscript | undefined {
  const lines = text.split('\n');
  const heading = HEADING.exec(lines[0] ?? '');
  if (!heading) return undefined;
  const read: ReadTranscript = { name: heading[1] as string, turn: Number(heading[2]), attendees: [], absent: [], speeches: [] };
  let round = 0;
  let speech: Speech | undefined;
  for (const line of lines.slice(1)) {
    if (line.startsWith('- Attendees: ')) read.attendees = line.slice('- Attendees: '.length).replace(' (chair)', '').split(', ');
    else if (line.startsWith('- Absent: ')) {
      const [agent = '', ...reason] = line.slice('- Absent: '.length).split(' ');
      read.absent.push({ agent, reason: reason.join(' ').replace(/^\(|\)$/g, '') });
    } else if (line.startsWith('## Round ')) round = Number(line.slice('## Round '.length));
    else if (line.startsWith('### ')) {
      speech = { round, agent: line.slice(4) };
      read.speeches.push(speech);
    } else if (speech && line.startsWith('> ') && speech.text === undefined && speech.skipped === undefined && speech.failed === undefined) {
      // The first line of a speech says whether it was made (spokenText): a quote, or why there is none.
      const first = line.slice(2);
      if (first.startsWith('(did not speak: ')) speech.skipped = first.slice('(did not speak: '.length, -1);
      else if (first.startsWith('(no answer: ')) speech.failed = first.slice('(no answer: '.length, -1);
      else speech.text = first;
    }
  }
  return read.attendees.length > 0 ? read : undefined;
}
