import type { InboxItemMarkup } from '../../mailbox/prompt-markup.js';
import { stripDelegation, words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import { roleFit, stem } from './route-task.js';
import { openTasks, RECENT_WORK_KEY } from './task-notes.js';

/**
 * What the offline model does with a question, as a colleague would: a question about the team's
 * work (who has what, how it stands) is answered from its notes; any other question ("Does remote
 * work raise productivity?") its notes cannot answer, so it passes it to the members of its team
 * whose roles are to find things out ("researches questions", "answers customers about billing"),
 * or, when its own role is that, it finds out itself: it does the work. Pure.
 */

/**
 * Words of a question about the team's work and how it stands, answered from notes; matched whole,
 * not by stem, so "working on" is about the team and "remote work" is not.
 */
const ABOUT_THE_WORK = new Set('status progress working doing track done finished open busy update updates team task tasks assigned waiting blocked who whom whose handed late behind schedule deadline'.split(' '));

/** Words of a role whose work is finding things out or answering: "researches questions", "answers customers". */
const FINDS_OUT = new Set(['research', 'question', 'answer', 'investigate', 'enquiry', 'inquiry'].map(stem));

/** Whether a title (its label and duties) speaks of finding things out. */
export function findsOut(title: string): boolean {
  return [...words(title)].some((word) => FINDS_OUT.has(stem(word)));
}

/** The question's own words, the hand-over lines left out. */
function questionWords(body: string): string[] {
  return [...words(stripDelegation(body))];
}

/**
 * Whether the question is about the team's work, which the notes answer: it uses a word of status
 * ("Who is working on …", "Is the release on track?"), names a member of the team, or shares a word
 * with work the notes hold (open or recently finished).
 */
export function asksAboutTheWork(view: Pick<PromptView, 'team'>, body: string, memory: ReadonlyMap<string, string>): boolean {
  const asked = questionWords(body);
  if (asked.some((word) => ABOUT_THE_WORK.has(word))) return true;
  const team = new Set(view.team.map((member) => member.name));
  if (stripDelegation(body).split(/[^a-z0-9_-]+/i).some((word) => team.has(word))) return true;
  const noted = new Set([...words([...openTasks(memory).map((task) => task.task), memory.get(RECENT_WORK_KEY) ?? ''].join('\n'))].map(stem));
  return asked.some((word) => noted.has(stem(word)));
}

/**
 * The member of the team a question goes to: of those it may write to whose roles find things out,
 * the one whose role fits the question best (ties to the first in its chart entry's order).
 * Undefined when no member's role is to find things out.
 */
export function answererFor(view: PromptView, question: InboxItemMarkup): string | undefined {
  const asked = questionWords(question.body);
  const place = (name: string): number => view.sendTo.get(name) ?? 0;
  let best: { name: string; score: number } | undefined;
  const candidates = view.team.filter((member) => member.name !== question.from && view.sendTo.has(member.name) && findsOut(member.title)).sort((left, right) => place(left.name) - place(right.name));
  for (const member of candidates) {
    const score = roleFit(asked, member.name, member.title);
    if (!best || score > best.score) best = { name: member.name, score };
  }
  return best?.name;
}

/** What a hand-over of a question adds: that the notes could not answer it. */
export const PASSED_ON = 'My notes do not answer this question, so I am passing it to you: please find out, and report back with what you found and how sure you are.';

/** The opening of the answer that goes back once the colleagues asked have reported. */
export function passedOnOpening(question: string, askedOf: readonly string[]): string {
  const names = askedOf.length > 1 ? `${askedOf.slice(0, -1).join(', ')} and ${askedOf.at(-1)}` : (askedOf[0] ?? 'my team');
  return `You asked: "${question}" My notes could not answer it, so I asked ${names}. What they found:`;
}
