import { HUMAN } from '../../org/names.js';
import type { PromptView } from './read-prompt.js';
import type { Variation } from './variation.js';

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
