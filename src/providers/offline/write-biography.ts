import type { PersonaMarkup } from '../../mailbox/persona-markup.js';

/**
 * The offline model's biography of a person (`lemming populate --enrich`), deterministic: who they
 * are and what they do, then a sentence of their attributes in the order given, read as the spec
 * names them ("Their seniority is junior; their age is 34."). It invents nothing the attributes do
 * not say. Pure.
 */
export function writeBiography(persona: PersonaMarkup): string {
  const role = persona.title.split(':')[0]?.trim() || persona.title;
  const duties = persona.title.includes(':') ? persona.title.slice(persona.title.indexOf(':') + 1).trim() : '';
  const first = `${persona.name} works as ${/^[aeiou]/i.test(role) ? 'an' : 'a'} ${role.toLowerCase()}${duties ? `: ${duties.replace(/[.!?]+$/, '')}` : ''}.`;
  if (persona.attributes.length === 0) return first;
  const traits = persona.attributes.map(([name, value]) => `${name.replace(/_/g, ' ')} is ${String(value)}`);
  return `${first} Their ${traits.join('; their ')}.`;
}
