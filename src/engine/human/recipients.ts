import { EXIT, LemmingError } from '../../errors.js';
import { quoteName } from '../../mailbox/message-text.js';
import type { Org } from '../../org/org.js';

/**
 * Whom one `lemming send` writes to: a name, a list of names (`a,b,c`), or everyone whose persona
 * matches every `--where FIELD=VALUE` (`--where department=sales --where seniority=senior`), in
 * name order. Who may be written to is not decided here: each recipient is checked against the
 * chart's edge at both ends when the messages are sent (send-as-human.ts). Pure.
 */

/** One `--where` condition: a persona field and the value it must have (as the resume writes it). */
export interface PersonaCondition {
  field: string;
  value: string;
}

/** `department=sales` or `persona.department=sales` as a condition; anything else is refused with a valid example. */
export function parseCondition(text: string): PersonaCondition {
  const match = /^(?:persona\.)?([a-z][a-z0-9_]*)=(.+)$/.exec(text);
  if (!match) throw new LemmingError('bad-where', `--where ${quoteName(text)}: a condition is a persona field, "=" and a value, for example \`--where department=sales\``, { exitCode: EXIT.usage });
  return { field: match[1] as string, value: match[2] as string };
}

/** The names of a list as written (`a,b,c`), each once, in the order given. */
export function namesOf(list: string): string[] {
  return [...new Set(list.split(',').map((name) => name.trim()).filter((name) => name !== ''))];
}

/** Everyone but `seat` whose persona has every condition's value, in name order; none is refused, saying which values the field has. */
export function recipientsWhere(org: Org, seat: string, conditions: readonly PersonaCondition[]): string[] {
  const matched: string[] = [];
  for (const agent of org.agents.values()) {
    if (agent.name === seat || agent.isHuman) continue;
    if (conditions.every((condition) => agent.persona !== undefined && Object.hasOwn(agent.persona, condition.field) && String(agent.persona[condition.field]) === condition.value)) matched.push(agent.name);
  }
  if (matched.length > 0) return matched;
  const first = conditions[0];
  const seen = new Set<string>();
  if (first) for (const agent of org.agents.values()) if (agent.persona && Object.hasOwn(agent.persona, first.field)) seen.add(String(agent.persona[first.field]));
  const said = conditions.map((condition) => `${condition.field}=${condition.value}`).join(' and ');
  const values = [...seen].slice(0, 12);
  throw new LemmingError(
    'no-recipients',
    `not sent: no agent's persona has ${said}${first ? (values.length > 0 ? `; ${first.field} is one of ${values.join(', ')}${seen.size > values.length ? ', ...' : ''}` : `; no agent's resume has a persona field ${first.field}`) : ''}`,
    { exitCode: EXIT.usage },
  );
}
