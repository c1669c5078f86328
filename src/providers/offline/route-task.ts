import { HUMAN } from '../../org/names.js';
import { words } from './compose.js';
import type { PromptView } from './read-prompt.js';
import type { Variation } from './variation.js';

/**
 * Whom the offline model hands a task to: the member of its team whose role fits the task
 * best, as the prompt describes each one (`- hr: People partner: hiring and onboarding`).
 * What a role does (the title after its colon) counts most, then its label (before the
 * colon), then the agent's name; a word the task shares outright counts more than one that
 * merely begins the same. So "Please prepare a hiring plan" goes to the people partner, whose
 * title says "hiring", not to the planner, whose name only begins like "plan". Ties go to
 * the one listed first among those it may send to, the order its chart entry gives. Pure. Given a `variation` (a repeat drew a different
 * route here), the task goes to a member drawn from the whole team instead.
 */
export function chooseDelegate(view: PromptView, asker: string, task: string, variation?: Variation): string | undefined {
  const taskWords = [...words(task)];
  const place = (name: string): number => view.sendTo.get(name) ?? 0;
  const team = view.team.filter((member) => member.name !== asker && view.sendTo.has(member.name)).sort((left, right) => place(left.name) - place(right.name));
  if (variation) return variation.pick(team.map((member) => member.name), view.self, view.turn, task);
  let best: { name: string; score: number } | undefined;
  for (const member of team) {
    const score = roleFit(taskWords, member.name, member.title);
    if (!best || score > best.score) best = { name: member.name, score };
  }
  return best?.name;
}

/** How well a task's words fit one team member: what the role does weighs three times its name. */
export function roleFit(taskWords: readonly string[], name: string, title: string): number {
  const colon = title.indexOf(':');
  const label = colon >= 0 ? title.slice(0, colon) : '';
  const duties = colon >= 0 ? title.slice(colon + 1) : title;
  return 3 * overlap(taskWords, duties) + 2 * overlap(taskWords, label) + overlap(taskWords, name.replace(/[_\d]+/g, ' '));
}

/** Each word of `text` scores 2 when the task has the same word (or its stem), 1 when one only begins the other. */
function overlap(taskWords: readonly string[], text: string): number {
  let score = 0;
  for (const word of words(text)) {
    if (taskWords.some((taskWord) => stem(taskWord) === stem(word))) score += 2;
    else if (taskWords.some((taskWord) => beginsAlike(taskWord, word))) score += 1;
  }
  return score;
}

/** A crude English stem: enough that "hiring", "hires" and "hire" meet, and "engineers" meets "engineer". */
export function stem(word: string): string {
  const stemmed = word.replace(/(ings?|ers?|ed|es|s|e)$/, '');
  return stemmed.length >= 3 ? stemmed : word;
}

function beginsAlike(left: string, right: string): boolean {
  const [short, long] = left.length <= right.length ? [left, right] : [right, left];
  return short.length >= 4 && long.startsWith(short);
}

/**
 * The one way the offline model's repeats differ in who writes to whom: a worker that has done a
 * task shares its report with one colleague it may write to (drawn by the seed, never the one it
 * reports to, its manager, the human or itself). Without it every repeat of an org draws the same
 * edges (the route a task takes varies, but a lead told to split a task hands it to everyone who
 * shares the role whichever member is drawn), so an interval over runs of a network measure has no
 * width. The copy is a reply (`Re:`) that answers nobody's request: its reader stays quiet, so it
 * adds one edge and sets off nothing. Pure.
 */
export function shareReport(view: PromptView, reportedTo: string, subject: string, report: string, variation: Variation, place: ReadonlyArray<string | number>): { to: string; subject: string; body: string } | undefined {
  if (!variation.happens('share', ...place)) return undefined;
  const colleagues = [...view.sendTo.keys()].filter((name) => name !== view.self && name !== reportedTo && name !== view.manager && name !== HUMAN).sort((left, right) => (view.sendTo.get(left) ?? 0) - (view.sendTo.get(right) ?? 0));
  const to = variation.pick(colleagues, 'share', ...place);
  if (to === undefined) return undefined;
  return { to, subject, body: `For your information, my report to ${reportedTo}, as I sent it.\n\n${report}` };
}
