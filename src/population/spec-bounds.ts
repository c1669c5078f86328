import { formatCount } from '../format/format.js';
import { estimateInputTokens } from '../providers/request-tokens.js';
import type { Position } from './arrange-people.js';
import { biographyRequest } from './biography-request.js';
import type { Distribution } from './distributions.js';
import { fillTemplate, placeholdersOf } from './persona-text.js';
import { ROLES, type PopulationSpec } from './population-types.js';
import type { Report } from './spec-rules.js';
import { MAX_TEMPLATE_CHARS, MAX_TITLE_CHARS } from './spec-schema.js';

/**
 * What a spec makes each agent's text, at its widest, kept within bounds before anything is sampled:
 * the persona's text and each role's instructions filled in at most MAX_TEMPLATE_CHARS characters,
 * each title at most MAX_TITLE_CHARS (the limits of the templates as written, so a placeholder cannot
 * multiply them), and the `--enrich` prompt of a person at most MAX_PERSONA_PROMPT_TOKENS. "At its
 * widest" is every placeholder filled with the longest value it can take: the longest value of a
 * categorical attribute, the longest number a numeric one prints as, the widest agent name. Pure.
 */

/** The most input tokens of one `--enrich` call (its persona, title and attributes): a few dozen attributes fit, thousands do not. */
export const MAX_PERSONA_PROMPT_TOKENS = 4_000;

/** The longest a JavaScript number prints as (`-1.2345678901234567e+308`). */
const WIDEST_NUMBER = 24;

/** The most characters a value of a distribution prints as. */
function numberWidth(distribution: Distribution): number {
  if (distribution.min === undefined || distribution.max === undefined) return WIDEST_NUMBER;
  const whole = Math.max(String(Math.trunc(Math.abs(distribution.min))).length, String(Math.trunc(Math.abs(distribution.max))).length);
  return Math.min(WIDEST_NUMBER, (distribution.min < 0 ? 1 : 0) + whole + (distribution.decimals > 0 ? 1 + distribution.decimals : 0));
}

/** Each word a template may name, with the longest text it can be filled with. */
function widestValues(spec: Pick<PopulationSpec, 'size' | 'attributes'>): Record<string, string> {
  const widest: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const attribute of spec.attributes) {
    if (attribute.kind === 'categorical') {
      widest[attribute.name] = attribute.values.reduce((longest, value) => (value.length > longest.length ? value : longest), '');
    } else {
      const distributions = 'distribution' in attribute ? [attribute.distribution] : Object.values(attribute.distributions);
      widest[attribute.name] = '9'.repeat(Math.max(...distributions.map(numberWidth)));
    }
  }
  // As arrange-people.ts names agents: `agent_` and at least five digits.
  const name = `agent_${'9'.repeat(Math.max(5, String(spec.size).length))}`;
  return { ...widest, name, role: 'member', team: '9'.repeat(String(spec.size).length), manager: name };
}

/** Which placeholders make a template long: the one that adds the most, and how often it is named. */
function widening(template: string, widest: Readonly<Record<string, string>>): string {
  let most = { word: '', count: 0, added: 0 };
  for (const word of placeholdersOf(template)) {
    const count = template.split(`{${word}}`).length - 1;
    const added = count * ((widest[word] ?? '').length - word.length - 2);
    if (added > most.added) most = { word, count, added };
  }
  return most.word === '' ? '' : ` ({${most.word}} named ${formatCount(most.count)} time(s), filled with up to ${formatCount((widest[most.word] ?? '').length)} characters each)`;
}

/** Report each template whose widest filling is past its bound, and a person's prompt past its bound. */
export function checkBounds(spec: PopulationSpec, problem: Report): void {
  const widest = widestValues(spec);
  const check = (path: Array<string | number>, template: string, most: number, what: string): void => {
    const filled = fillTemplate(template, widest).length;
    if (filled > most) problem(path, `filled in, it is up to ${formatCount(filled)} characters${widening(template, widest)}; ${what} is at most ${formatCount(most)} characters filled in: name fewer placeholders, or give shorter values`);
  };
  check(['persona'], spec.persona, MAX_TEMPLATE_CHARS, 'the persona');
  for (const role of ROLES) {
    const given = spec.roles[role];
    if (!given) continue;
    check(['roles', role, 'title'], given.title, MAX_TITLE_CHARS, 'a title');
    check(['roles', role, 'instructions'], given.instructions, MAX_TEMPLATE_CHARS, 'a role\'s instructions');
  }
  // A person at the widest: every attribute at its longest value, the title of the role that fills longest.
  const person = Object.fromEntries(spec.attributes.map((attribute) => [attribute.name, widest[attribute.name] ?? '']));
  const tokens = Math.max(
    ...ROLES.filter((role) => spec.roles[role] !== undefined).map((role) => {
      const position: Position = { name: widest.name as string, role, person, reportsTo: widest.manager as string, team: Number(widest.team), contacts: [] };
      return estimateInputTokens(biographyRequest(spec, position, 'model', { model: 'model' }));
    }),
  );
  if (tokens > MAX_PERSONA_PROMPT_TOKENS) {
    problem(['attributes'], `${formatCount(spec.attributes.length)} attribute(s): a person's attributes make an --enrich prompt of up to ${formatCount(tokens)} tokens; at most ${formatCount(MAX_PERSONA_PROMPT_TOKENS)}: give fewer attributes, or shorter values`);
  }
}
