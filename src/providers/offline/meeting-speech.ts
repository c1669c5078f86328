import { unescapeText } from '../../mailbox/prompt-markup.js';
import { MEETING_ELEMENT } from '../../meetings/meeting-prompt.js';

/** What the offline model reads of a meeting prompt (meetings/meeting-prompt.ts): the agenda and the last thing said. */
export interface MeetingView {
  name: string;
  round: number;
  agenda: string;
  last?: { by: string; text: string };
}

/** The meeting a prompt shows, or undefined when it shows none. Pure. */
export function readMeetingPrompt(text: string): MeetingView | undefined {
  const head = new RegExp(`^<${MEETING_ELEMENT} name="([^"]*)" round="(\\d+)" rounds="\\d+">$`, 'm').exec(text);
  if (!head) return undefined;
  const agenda = /^<agenda>\n([\s\S]*?)\n<\/agenda>$/m.exec(text)?.[1] ?? '';
  const last = [...text.matchAll(/^<said by="([^"]*)" round="\d+">\n([\s\S]*?)\n<\/said>$/gm)].at(-1);
  return {
    name: unescapeText(head[1] ?? ''),
    round: Number(head[2]),
    agenda: unescapeText(agenda),
    ...(last ? { last: { by: unescapeText(last[1] ?? ''), text: unescapeText(last[2] ?? '') } } : {}),
  };
}

/** The start of a text, to its first sentence's end and at most `most` characters, on one line. */
function opening(text: string, most: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const sentence = /^.*?[.!?](?=\s|$)/.exec(line)?.[0] ?? line;
  return sentence.length <= most ? sentence : `${sentence.slice(0, most - 1).trimEnd()}…`;
}

/**
 * The offline model's part in a meeting: one short line that quotes the agenda and the speaker before
 * it, in its own role, and then what its memories hold on the agenda (`remembered`: recall.ts's lines,
 * none when its prompt shows no memory that bears on it). Same prompt, same line. Pure.
 */
export function speakInMeeting(meeting: MeetingView, title: string, remembered: readonly string[] = []): string {
  const agenda = opening(meeting.agenda, 80);
  const role = `the ${(title.split(':')[0] ?? '').trim().toLowerCase() || 'team'}'s part`;
  const memory = remembered.length > 1 ? ` From my memory: ${remembered.slice(1).map((line) => line.replace(/^- /, '')).join(' ')}` : '';
  if (!meeting.last) return `On "${agenda}": I open round ${meeting.round}; I will take ${role} and report back.${memory}`;
  // The quote is of the other speaker's own words: not the agenda, nor whom it quoted in turn, nor what it remembered.
  const own = (/Round \d+: (.*)$/s.exec(meeting.last.text)?.[1] ?? meeting.last.text.replace(/^On "[^"]*": /, '')).replace(/ From my memory: .*$/s, '');
  return `On "${agenda}": ${meeting.last.by} said "${opening(own, 100)}" Round ${meeting.round}: I agree, and I will take ${role}.${memory}`;
}
