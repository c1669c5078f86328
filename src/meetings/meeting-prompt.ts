import { escapeAttribute, renderDataMarkup } from '../mailbox/prompt-markup.js';
import { spokenText, type PlannedMeeting, type Speech } from './meeting-transcript.js';

/** The element a speaker's prompt shows the meeting in; the offline model looks for it. */
export const MEETING_ELEMENT = 'meeting';

/**
 * What a speaker is asked in a round: where it is, the agenda and everything said so far, each
 * speech inside a `<said>` element whose attributes the engine writes and whose text is escaped (the
 * rule of every text an agent wrote in a prompt), so a speech cannot pass for another speaker's. Pure.
 */
export function meetingPrompt(meeting: PlannedMeeting, turn: number, round: number, speaker: string, said: readonly Speech[]): string {
  const [chair] = meeting.attendees;
  const others = meeting.attendees.filter((agent) => agent !== speaker);
  const where = `Turn ${turn}. You are in the meeting ${meeting.name} (org/meetings/${meeting.name}.yaml), round ${round} of ${meeting.rounds}, chaired by ${chair === speaker ? 'you' : chair}, with ${others.join(', ')}.`;
  const head = `<${MEETING_ELEMENT} name="${escapeAttribute(meeting.name)}" round="${round}" rounds="${meeting.rounds}">`;
  const body = [renderDataMarkup('agenda', meeting.agenda), ...said.map((speech) => renderDataMarkup('said', spokenText(speech), [['by', speech.agent], ['round', String(speech.round)]]))];
  return [
    where,
    '',
    head,
    ...body,
    `</${MEETING_ELEMENT}>`,
    '',
    'It is your turn to speak. Say your part in a few sentences, as text: it goes into the meeting\'s transcript for everyone. You may also act through your tools (send a message, remember something). Your mail waits for your next turn.',
  ].join('\n');
}
