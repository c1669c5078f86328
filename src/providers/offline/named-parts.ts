import type { PromptView } from './read-prompt.js';
import { labelOf } from './team-work.js';

/**
 * A task that gives colleagues parts of it by name: "ask hr to say who works on what", "have the
 * janitor tidy the shared workspace", "get the reviewer to read it". The lead hands the task to each
 * colleague so named as well as to the one whose role fits the rest, and waits for every report.
 * Only the agent's own team counts (those it may write to, not its manager, not whoever asked). Pure.
 */

/** A name or a role's label as a task may write it: "fact_checker", "fact-checker" and "fact checker" alike. */
function loose(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
}

/** The pattern of a part given to one colleague: a verb that asks for work, then the name or the label. */
function partPattern(names: readonly string[]): RegExp {
  return new RegExp(`\\b(?:ask|have|get|let)\\s+(?:the\\s+|our\\s+)?(?:${names.join('|')})\\b`);
}

/** The colleagues a task gives parts to by name, in the order the chart lists them. */
export function namedInTask(view: PromptView, task: string, asker: string): string[] {
  const text = loose(task);
  const place = (name: string): number => view.sendTo.get(name) ?? 0;
  return view.team
    .filter((member) => member.name !== asker && member.name !== view.manager && view.sendTo.has(member.name))
    .filter((member) => {
      const names = [loose(member.name), loose(labelOf(member.title))].filter((name) => name !== '');
      return names.length > 0 && partPattern(names).test(text);
    })
    .map((member) => member.name)
    .sort((left, right) => place(left) - place(right));
}

/**
 * The task without the sentences that give parts to named colleagues: what the rest of the team is
 * chosen by, so "have the janitor tidy the workspace" does not make the janitor the one who plans.
 */
export function withoutNamedParts(view: PromptView, task: string, asker: string): string {
  const named = namedInTask(view, task, asker);
  if (named.length === 0) return task;
  const kept = task.split(/(?<=[.!?])\s+/).filter((sentence) => namedInTask(view, sentence, asker).length === 0);
  return kept.join(' ');
}
