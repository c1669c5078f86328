import type { PromptView } from './read-prompt.js';

/**
 * Two ways a lead shares work out, read from its own instructions and its team's titles, never
 * from the org's name: it splits a task among the colleagues who share a role when its
 * instructions say to split ("split it between the researchers"), and it has work checked before
 * it goes up when its instructions name a colleague whose role is to check ("ask the reviewer",
 * "send a story's claims to the fact-checker"). Pure.
 */

/** A role's label, the title before its colon, in lower case: "researcher" of "Researcher: studies data …". */
export function labelOf(title: string): string {
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

/** A name or label as instructions may write it: "fact_checker", "fact-checker" and "fact checker" alike. */
function looseWords(text: string): string {
  return text.toLowerCase().replace(/[_-]+/g, ' ');
}

/**
 * The colleague who checks work before it goes up, when the instructions ask for a check and name
 * them (by name or by role), and they did not do the work: undefined otherwise.
 */
export function checkerFor(view: PromptView, workers: readonly string[]): string | undefined {
  const instructions = looseWords(view.instructions);
  if (!/\b(check|checked|review|reviewed|verify|verified)\b/.test(instructions)) return undefined;
  return view.team.find((member) => {
    if (workers.includes(member.name) || !view.sendTo.has(member.name)) return false;
    if (!isChecker(member.title)) return false;
    const named = [looseWords(member.name), looseWords(labelOf(member.title))];
    return named.some((name) => name !== '' && new RegExp(`\\b${name.replace(/[^a-z0-9 ]/g, '')}\\b`).test(instructions));
  })?.name;
}

/** What the lead asks the checker: the task, and the reports to check, quoted whole. */
export function composeCheckRequest(task: string, reports: string): string {
  return `Please check this work before it goes out: does each claim follow from its evidence, and what must change?\n\nThe task: ${task}\n\n${reports}`;
}
