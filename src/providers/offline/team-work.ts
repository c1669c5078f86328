import type { PromptView } from './read-prompt.js';

/**
 * Three ways a lead shares work out, read from its own instructions, its team's titles and the task,
 * never from the org's name: it splits a task among the colleagues who share a role when its
 * instructions say to split ("split it between the researchers"); it has work checked before it
 * goes up when its instructions name a colleague whose role is to check ("ask the reviewer", "send a
 * story's claims to the fact-checker"); and it gives colleagues the parts a task names for them
 * ("ask hr to say who works on what", "have the janitor tidy the shared workspace"), handing the
 * task to each so named as well as to the one whose role fits the rest, and waiting for every
 * report (only its own team counts: those it may write to, not its manager, not whoever asked). Pure.
 */

/** A role's label, the title before its colon, in lower case: "researcher" of "Researcher: studies data …". */
function labelOf(title: string): string {
  const colon = title.indexOf(':');
  return (colon >= 0 ? title.slice(0, colon) : title).trim().toLowerCase();
}

/** Instructions that ask for a task to be shared among several: "split it between", "divide it among". */
const SPLITS = /\b(split|divide|share)\b[^.\n]*\b(between|among|across)\b/i;

/**
 * Who takes a task the lead hands to `delegate`: the delegate alone, or, when the instructions say
 * to split work and others on the team share the delegate's role, each of them (in the order the
 * chart lists them).
 */
export function sharersOf(view: PromptView, delegate: string, asker: string): string[] {
  if (!SPLITS.test(view.instructions)) return [delegate];
  const label = labelOf(view.team.find((member) => member.name === delegate)?.title ?? '');
  if (label === '') return [delegate];
  const place = (name: string): number => view.sendTo.get(name) ?? 0;
  const same = view.team.filter((member) => member.name !== asker && view.sendTo.has(member.name) && labelOf(member.title) === label).map((member) => member.name);
  return same.length > 1 ? same.sort((left, right) => place(left) - place(right)) : [delegate];
}

/** A role whose work is checking others': its duties begin "checks …" or "reviews …". */
const CHECKS = /^\s*(checks|reviews|verifies|proofreads)\b/i;

/** Whether a title's duties (after its colon) are checking others' work. */
export function isChecker(title: string): boolean {
  const colon = title.indexOf(':');
  return colon >= 0 && CHECKS.test(title.slice(colon + 1));
}

/**
 * The colleague who checks work before it goes up, when the instructions ask for a check and name
 * them (by name or by role), and they did not do the work: undefined otherwise.
 */
export function checkerFor(view: PromptView, workers: readonly string[]): string | undefined {
  const instructions = loose(view.instructions);
  if (!/\b(check|checked|review|reviewed|verify|verified)\b/.test(instructions)) return undefined;
  return view.team.find((member) => {
    if (workers.includes(member.name) || !view.sendTo.has(member.name)) return false;
    if (!isChecker(member.title)) return false;
    const named = [loose(member.name), loose(labelOf(member.title))];
    return named.some((name) => name !== '' && new RegExp(`\\b${name}\\b`).test(instructions));
  })?.name;
}

/** What the lead asks the checker: the task, and the reports to check, quoted whole. */
export function composeCheckRequest(task: string, reports: string): string {
  return `Please check this work before it goes out: does each claim follow from its evidence, and what must change?\n\nThe task: ${task}\n\n${reports}`;
}

/** A name or a role's label as instructions or a task may write it: "fact_checker", "fact-checker" and "fact checker" alike. */
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
