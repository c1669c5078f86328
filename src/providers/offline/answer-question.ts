import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import { stripDelegation, stripReply, subjectOf } from './compose.js';
import type { PromptView } from './read-prompt.js';
import type { recalledLines } from './recall.js';
import { openTasks, RECENT_WORK_KEY } from './task-notes.js';

/** Openings that ask for information: "What is ...", "Who is ...", "Is the ...". */
const ASKS = /^(what|what's|who|who's|whom|whose|which|when|where|why|how|is|are|was|were|do|does|did|has|have|had|any|anything)\b/i;
/** Openings that ask for work, politely: "Could you prepare ...?", "Any chance we could get ...?" are tasks, not questions. */
const REQUESTS = /^(please|kindly|can|could|would|will|any chance|how about|what about|why not|why don't (we|you)|is it possible|would it be possible)\b/i;

/** A request put as a question after what is needed: ", can you find one?", ", could you?". */
const TRAILING_REQUEST = /,\s*(please\s+)?(can|could|would|will) you\b[^,]*\?$/i;

/**
 * Whether a message asks for information (answered from what the agent knows) rather than
 * for work (done or handed down). Judged on its first sentence, the way a colleague reads
 * it. Pure.
 */
export function isQuestion(body: string): boolean {
  const first = firstSentence(stripDelegation(body));
  // "We are short of a reviewer, can you find one?": a request with its polite question after it.
  if (REQUESTS.test(first) || TRAILING_REQUEST.test(first)) return false;
  return ASKS.test(first) || first.endsWith('?');
}

function firstSentence(text: string): string {
  const line = text.trim().split('\n')[0]?.trim() ?? '';
  const end = line.search(/[.?!](\s|$)/);
  return end >= 0 ? line.slice(0, end + 1) : line;
}

/**
 * An answer to a question from what the agent knows: the work its notes say is open, the
 * work recently finished, what its memories hold on it, the rest of its mail this turn, and its team. It says where the
 * answer comes from and what it does not know, rather than inventing anything. Pure.
 */
export function composeAnswer(view: PromptView, question: InboxItemMarkup, memory: ReadonlyMap<string, string>, recall?: typeof recalledLines): string {
  const asked = subjectOf(undefined, stripDelegation(question.body));
  const open = openTasks(memory);
  const lines = [`You asked: "${asked}" Here is what I know, from my notes and my mail.`, ''];

  if (view.team.length > 0) {
    lines.push('The team:');
    for (const member of view.team) {
      const theirs = open.filter((task) => task.delegate === member.name);
      const doing = theirs.length > 0 ? theirs.map((task) => `"${task.task}" (since turn ${task.since}, for ${task.asker})`).join('; ') : 'nothing I handed over is open';
      lines.push(`- ${member.name}, ${member.title}: ${doing}`);
    }
    lines.push('');
  } else if (open.length > 0) {
    lines.push('Open work:', ...open.map((task) => `- "${task.task}" with ${task.delegate} since turn ${task.since}`), '');
  }

  const recent = memory.get(RECENT_WORK_KEY)?.trim();
  lines.push(recent ? `Finished lately:\n${recent}` : 'Nothing has been finished and reported since my notes began.');

  // What its memory stream holds on the question, when the engine showed it some (recall.ts, loaded only then).
  const recalled = recall?.(view.recalled, question.body) ?? [];
  if (recalled.length > 0) lines.push('', ...recalled);

  const others = view.inbox.filter((item) => item.id !== question.id && item.from !== 'lemming');
  if (others.length > 0) {
    lines.push('', 'Also in my mail this turn:', ...others.map((item) => `- from ${item.from}: ${stripReply(subjectOf(item.subject, item.body))}`));
  }
  if (open.length === 0 && view.team.length > 0) lines.push('', 'Nobody on my team has work from me in progress, so there is room for a new task.');
  lines.push('', 'That is all my notes hold; ask me to find out more and I will ask the team.');
  return lines.join('\n');
}
