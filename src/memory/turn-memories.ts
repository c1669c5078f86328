import { padTurn } from '../mailbox/message.js';
import { importanceOf, reflectionImportance } from './importance.js';
import { MEMORY_TEXT_CHARS, type Memory } from './memory-file.js';
import type { MeetingHeard } from '../meetings/meeting-transcript.js';

/** A message the agent read, or sent, as its turn's memories need it. */
export interface TurnMessage {
  id: string;
  /** The sender of mail it read; the recipient of mail it sent. */
  party: string;
  /** For a message to several people or to a list: every name of its `to:`, the party's among them for mail sent. */
  to?: readonly string[];
  /** Its copies (`cc:`). */
  cc?: readonly string[];
  subject?: string;
  priority: string;
  body: string;
}

/** What an agent saw and did in one turn: what the engine makes its memories of. */
export interface TurnEvents {
  turn: number;
  agent: string;
  /** The mail it was shown (and read), in the order it was shown; `notice` for the engine's own. */
  read: ReadonlyArray<TurnMessage & { notice?: boolean }>;
  /** The messages it sent, in order. */
  sent: readonly TurnMessage[];
  /** The notes it kept with `remember` (a note emptied is forgotten, and leaves no memory). */
  notes: ReadonlyArray<{ key: string; text: string }>;
  /** The tools it ran besides sending and noting, as its steps summed them up. */
  tools: ReadonlyArray<{ name: string; args: string; written?: string; error?: string }>;
  /** What it concluded when it reflected, each citing the memories it rests on (reflection.ts). */
  insights: ReadonlyArray<{ text: string; sources: string[]; cited: number[] }>;
  /** It reflected this turn, on these memories (ids): with no insight grounded in them, that it did is still a memory. */
  reflectedOn?: readonly string[];
  /** The memories its prompt recalled (ids, in the order shown): written as the turn's accesses (memory-access.ts), not as memories. */
  recalled?: readonly string[];
  /** The meeting it took part in this turn (its call was its part in it): what it heard and said there. */
  meeting?: MeetingHeard;
}

/** Text cut to what a memory keeps, saying so. */
function clip(text: string): string {
  const trimmed = text.trim();
  return trimmed.length <= MEMORY_TEXT_CHARS ? trimmed : `${trimmed.slice(0, MEMORY_TEXT_CHARS - 1).trimEnd()}…`;
}

/**
 * Whom a message was written to, as its reader or sender remembers it: the one name, or every name of
 * `to:` and then its copies, the agent itself as "me"; a reader named in neither had it through a list.
 */
function addressed(agent: string, item: TurnMessage, read: boolean): string {
  const own = (name: string): string => (name === agent ? 'me' : name);
  const to = item.to ?? [read ? agent : item.party];
  const cc = item.cc ?? [];
  const throughList = read && !to.includes(agent) && !cc.includes(agent);
  return `${to.map(own).join(', ')}${throughList ? ' (to me through a list)' : ''}${cc.length > 0 ? `, with a copy to ${cc.map(own).join(', ')}` : ''}`;
}

function subjectPart(subject: string | undefined): string {
  return subject === undefined || subject.trim() === '' ? '' : `, subject "${subject.trim()}"`;
}

/**
 * The memories of one agent's turn, in a fixed order (what it read, what it sent, the meeting it took
 * part in, its notes, its tools, its insights) under ids fixed by the turn and that order: the same turn always makes the
 * same memories, so a turn applied again after a crash writes the same files. Nothing happened,
 * nothing is written: an idle turn costs nothing. Pure.
 */
export function turnMemories(events: TurnEvents): Memory[] {
  const memories: Memory[] = [];
  const add = (memory: Omit<Memory, 'id' | 'turn'>): void => {
    memories.push({ id: `${padTurn(events.turn)}-${String(memories.length + 1).padStart(3, '0')}`, turn: events.turn, ...memory });
  };
  for (const item of events.read) {
    const text = clip(`${item.party} ${item.notice ? 'told me' : `wrote to ${addressed(events.agent, item, true)}`}${subjectPart(item.subject)}: ${item.body}`);
    add({ kind: 'observation', importance: importanceOf({ event: item.notice ? 'notice' : 'received', party: item.party, priority: item.priority, text: item.body }), sources: [item.id], text });
  }
  for (const item of events.sent) {
    const text = clip(`I wrote to ${addressed(events.agent, item, false)}${subjectPart(item.subject)}: ${item.body}`);
    add({ kind: 'observation', importance: importanceOf({ event: 'sent', party: item.party, priority: item.priority, text: item.body }), sources: [item.id], text });
  }
  if (events.meeting) for (const memory of meetingMemories(events.agent, events.meeting)) add(memory);
  for (const note of events.notes) {
    if (note.text.trim() === '') continue;
    add({ kind: 'plan', importance: importanceOf({ event: 'noted', text: note.text }), sources: [`agents/${events.agent}/memory/${note.key}.md`], text: clip(`I kept a note "${note.key}": ${note.text}`) });
  }
  if (events.tools.length > 0) {
    const used = events.tools.map((tool) => `${tool.name} ${tool.args}${tool.written ? ` (wrote ${tool.written})` : ''}${tool.error ? ` (failed: ${tool.error})` : ''}`);
    const written = [...new Set(events.tools.flatMap((tool) => (tool.written ? [tool.written] : [])))];
    add({ kind: 'observation', importance: importanceOf({ event: 'tools', text: used.join('\n') }), sources: written, text: clip(`I used my tools: ${used.join('; ')}`) });
  }
  for (const insight of events.insights) {
    add({ kind: 'reflection', importance: reflectionImportance(insight.cited), sources: insight.sources, text: clip(insight.text) });
  }
  // A reflection that grounded nothing leaves a memory too: the stream says when the agent last reflected
  // (reflection.ts), and without it every turn would ask again, and pay again, for what the last one did not find.
  if (events.insights.length === 0 && events.reflectedOn && events.reflectedOn.length > 0) {
    add({ kind: 'reflection', importance: 1, sources: [...events.reflectedOn], text: `I reflected on ${events.reflectedOn.length} memories and drew no conclusion I could ground in them.` });
  }
  return memories;
}

/**
 * What an attendee remembers of a meeting, each with the transcript as its source: that it attended
 * and on what agenda, then each speech in the order said, its own as what it said, the others' as what
 * it heard (a speech that was not made, skipped or failed, is not heard). Importance by the rule, as
 * for mail read and sent: the speaker is the party.
 */
function meetingMemories(agent: string, meeting: MeetingHeard): Array<Omit<Memory, 'id' | 'turn'>> {
  const sources = [meeting.file];
  const memories: Array<Omit<Memory, 'id' | 'turn'>> = [
    { kind: 'observation', importance: importanceOf({ event: 'received', text: meeting.agenda }), sources, text: clip(`I attended the meeting ${meeting.name}, on the agenda: ${meeting.agenda}`) },
  ];
  for (const speech of meeting.speeches) {
    const text = speech.text?.trim() ?? '';
    if (text === '' || speech.skipped !== undefined || speech.failed !== undefined) continue;
    const own = speech.agent === agent;
    const said = own ? `I said in the meeting ${meeting.name} (round ${speech.round})` : `${speech.agent} said in the meeting ${meeting.name} (round ${speech.round})`;
    memories.push({ kind: 'observation', importance: importanceOf({ event: own ? 'sent' : 'received', party: speech.agent, text }), sources, text: clip(`${said}: ${text}`) });
  }
  return memories;
}
