import type { Problem } from '../errors.js';
import type { Agent, Org } from './org.js';
import type { EngineSettings } from './schema.js';

/**
 * Which agents an activation rule (org.yaml `engine.activation.rules[]`, docs/people.md) governs:
 * the one rule of a rule's `match`, for the engine's draw (engine/turn/activation.ts) and for
 * `validate`, which says of each rule that governs nobody which rule it is and why. Pure.
 */

type Rule = NonNullable<EngineSettings['activation']>['rules'][number];
type Wanted = Rule['match'][string];

/** A field's value in an agent: `title`, `role` (the resume's `role:`), or a persona attribute. */
function valueOf(agent: Pick<Agent, 'title' | 'role' | 'persona'>, field: string): string | number | boolean | undefined {
  if (field === 'title') return agent.title;
  if (field === 'role') return agent.role;
  return agent.persona?.[field];
}

/** Whether `text` is `pattern` whole, each `*` of it any run of characters (none included). Linear in the text per piece: no backtracking. */
export function matchesPattern(text: string, pattern: string): boolean {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return text === pattern;
  const first = pieces[0] as string;
  const last = pieces.at(-1) as string;
  if (text.length < first.length + last.length || !text.startsWith(first) || !text.endsWith(last)) return false;
  // The pieces between, each found leftmost after the one before: for `*` alone, the leftmost fit never loses a match.
  let at = first.length;
  const end = text.length - last.length;
  for (const piece of pieces.slice(1, -1)) {
    const found = text.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** Whether one field's value is what the rule wants: equal to it (or to one of a list), beginning with its `prefix`, or whole by its `pattern`. */
function fieldMatches(value: string | number | boolean, wanted: Wanted): boolean {
  const text = String(value);
  if (Array.isArray(wanted)) return wanted.some((option) => String(option) === text);
  if (typeof wanted === 'object') return 'prefix' in wanted ? text.startsWith(wanted.prefix) : matchesPattern(text, wanted.pattern);
  return String(wanted) === text;
}

/** Each rule's `match` as entries, made once a rule: a turn asks it of every agent with work. */
const matchEntries = new WeakMap<Rule, Array<[string, Wanted]>>();

/** True when every field of the rule's `match` holds for the agent (an empty `match` holds for all). */
export function ruleMatches(rule: Rule, agent: Pick<Agent, 'title' | 'role' | 'persona'>): boolean {
  let entries = matchEntries.get(rule);
  if (!entries) {
    entries = Object.entries(rule.match);
    matchEntries.set(rule, entries);
  }
  for (const [field, wanted] of entries) {
    const value = valueOf(agent, field);
    if (value === undefined || !fieldMatches(value, wanted)) return false;
  }
  return true;
}

/** A `match` as org.yaml writes it, for a message: `{ title: Chief }`. */
function written(match: Rule['match']): string {
  const value = (wanted: Wanted): string => (Array.isArray(wanted) ? `[${wanted.map(String).join(', ')}]` : typeof wanted === 'object' ? ('prefix' in wanted ? `{ prefix: ${JSON.stringify(wanted.prefix)} }` : `{ pattern: ${JSON.stringify(wanted.pattern)} }`) : String(wanted));
  return `{ ${Object.entries(match).map(([field, wanted]) => `${field}: ${value(wanted)}`).join(', ')} }`;
}

/** Some values the agents have for the fields a rule names, for a message that shows what a match could be. */
function valuesSeen(agents: readonly Agent[], fields: readonly string[]): string {
  return fields
    .map((field) => {
      const seen = [...new Set(agents.flatMap((agent) => { const value = valueOf(agent, field); return value === undefined ? [] : [String(value)]; }))];
      if (seen.length === 0) return `no agent has ${field === 'role' ? 'a `role:` in its resume' : field === 'title' ? 'a title' : `a persona attribute ${field}`}`;
      return `${field} is, for example, ${seen.slice(0, 3).map((each) => JSON.stringify(each)).join(', ')}${seen.length > 3 ? ` (${seen.length} values)` : ''}`;
    })
    .join('; ');
}

/**
 * Each rule of org.yaml's `engine.activation` that governs no agent the engine calls, as a warning
 * naming the rule (`engine.activation.rules.<index>.match`): one that matches none (a title matched
 * exactly where the titles only begin so, a role no resume gives, a value no persona has), with some
 * of the values the agents do have and how to match a title by its start; and one whose agents are
 * all governed by an earlier rule. A run goes on without them, so these are warnings. Pure; one pass
 * over the agents a rule.
 */
export function activationProblems(org: Pick<Org, 'agents' | 'settings'>): Problem[] {
  const rules = org.settings.activation?.rules ?? [];
  if (rules.length === 0) return [];
  const agents = [...org.agents.values()].filter((agent) => !agent.isHuman);
  const governed = rules.map(() => 0);
  const matched = rules.map(() => 0);
  for (const agent of agents) {
    let governor = -1;
    rules.forEach((rule, index) => {
      if (!ruleMatches(rule, agent)) return;
      matched[index] = (matched[index] ?? 0) + 1;
      if (governor < 0) governor = index;
    });
    if (governor >= 0) governed[governor] = (governed[governor] ?? 0) + 1;
  }
  const problems: Problem[] = [];
  rules.forEach((rule, index) => {
    if ((governed[index] ?? 0) > 0) return;
    const field = `engine.activation.rules.${index}.match`;
    const fields = Object.keys(rule.match);
    if ((matched[index] ?? 0) === 0) {
      const hint = fields.includes('title') && !Object.values(rule.match).some((wanted) => typeof wanted === 'object' && !Array.isArray(wanted)) ? '; a title is matched whole: `{ title: { prefix: "Chief" } }` matches the titles that begin so, `{ pattern: "Team lead: * of ward" }` by a pattern' : '';
      problems.push({ file: 'org/org.yaml', field, message: `${written(rule.match)} matches no agent of the ${agents.length}, so this rule draws nobody: ${valuesSeen(agents, fields)}${hint}`, severity: 'warning' });
      return;
    }
    const earlier = rules.findIndex((other, at) => at < index && agents.some((agent) => ruleMatches(rule, agent) && ruleMatches(other, agent)));
    problems.push({ file: 'org/org.yaml', field, message: `${written(rule.match)} matches ${matched[index]} agent(s), each governed by an earlier rule (the first rule an agent matches governs it; rules.${earlier} first), so this rule draws nobody: move it before rules.${earlier}, or narrow that one`, severity: 'warning' });
  });
  return problems;
}
