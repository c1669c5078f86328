import { words } from './compose.js';
import type { HireRequest } from './hire-request.js';
import { roleFit, stem } from './route-task.js';

/**
 * Which of the org's agent templates (`org/templates/*.md`, as list_agents lists them) a request
 * to hire fits, read from the templates' own names and titles ("Tester: tests the work and
 * reports the bugs it finds"), with the few everyday words a person uses for the same thing
 * ("docs" for documentation, "numbers" for data). Pure.
 */

/** Everyday words and the word a template's title uses for the same thing. */
const SAME_AS: ReadonlyMap<string, string> = new Map([
  ['docs', 'documentation'],
  ['doc', 'documentation'],
  ['manual', 'documentation'],
  ['manuals', 'documentation'],
  ['readme', 'documentation'],
  ['numbers', 'data'],
  ['statistics', 'data'],
  ['stats', 'data'],
  ['metrics', 'data'],
  ['analytics', 'data'],
  ['spreadsheets', 'data'],
  ['developer', 'engineer'],
  ['programmer', 'engineer'],
  ['coder', 'engineer'],
  ['dev', 'engineer'],
  ['testing', 'tests'],
  ['bug', 'bugs'],
]);

/** Words that say nothing of the trade: "a person", "on the team". */
const NOT_TRADE = new Set(['person', 'people', 'someone', 'somebody', 'hand', 'hands', 'colleague', 'member', 'teammate', 'helper', 'team', 'please', 'hire', 'can', 'who', 'knows', 'understands']);

/** The words of a request that may say the trade (kept whole: "qa" is a word too), with the template's words for them beside them. */
function withSameWords(source: readonly string[]): string[] {
  const found = source.filter((word) => !NOT_TRADE.has(word));
  return [...found, ...found.flatMap((word) => SAME_AS.get(word) ?? [])];
}

const sameStem = (left: string, right: string): boolean => stem(left) === stem(right);

/** One template as list_agents lists it: `- template tester: Tester: tests the work …`. */
interface ListedTemplate {
  name: string;
  title: string;
  /** The words of its name ("technical-writer" → technical, writer). */
  nameWords: string[];
  /** The last word of its label ("QA engineer" → engineer): the trade. */
  head: string;
}

function listedTemplates(listing: string): ListedTemplate[] {
  return [...listing.matchAll(/^- template ([a-z][a-z0-9_-]*): (.*)$/gm)].map((match) => {
    const name = match[1] ?? '';
    const title = match[2] ?? '';
    const label = title.includes(':') ? title.slice(0, title.indexOf(':')) : title;
    return { name, title, nameWords: name.split(/[_-]+/), head: [...words(label)].at(-1) ?? '' };
  });
}

/** How many words of the request are words of the template's name ("tester" for "test", "writer" for "write"). */
function nameHits(said: readonly string[], template: ListedTemplate): number {
  return template.nameWords.filter((part) => said.some((word) => sameStem(word, part))).length;
}

/**
 * Whether a role asked for by name is this template's: the template's name is a word of it ("QA
 * lead" is qa's, "documentation writer" technical-writer's), or it ends in the same trade as the
 * template's label and its other words fit that title ("backend engineer" is not a "QA engineer").
 */
function namesTemplate(roleWords: readonly string[], template: ListedTemplate): boolean {
  if (nameHits(roleWords, template) > 0) return true;
  if (!sameStem(roleWords.at(-1) ?? '', template.head)) return false;
  const titleWords = [...words(template.title)];
  return roleWords.slice(0, -1).every((word) => titleWords.some((titleWord) => sameStem(word, titleWord)));
}

/** How well the words said of the work must fit a template before it is chosen on them: a word of its label, or of its duties. */
const ENOUGH = 4;

/**
 * The agent template a request to hire fits, or undefined: by its role's name when it names a
 * trade ("a tester", "a QA lead"); by what the person will do when it names only a person
 * ("someone to write docs", "a data person"). Among several, the best fit (a word of the
 * template's name, then route-task's roleFit); ties go to the one listed first.
 */
export function fittingTemplate(request: HireRequest, listing: string): string | undefined {
  const roleWords = request.role ? request.role.split(' ') : [];
  const trade = roleWords.at(-1);
  const named = trade !== undefined && !NOT_TRADE.has(trade);
  const said = withSameWords(named ? roleWords : [...roleWords, ...request.about]);
  let best: { name: string; score: number } | undefined;
  for (const template of listedTemplates(listing)) {
    if (named && !namesTemplate(roleWords, template)) continue;
    const score = 10 * nameHits(said, template) + roleFit(said, template.name, template.title);
    if (!named && score < ENOUGH) continue;
    if (!best || score > best.score) best = { name: template.name, score };
  }
  return best?.name;
}
