import { escapeAttribute, escapeText, unescapeText } from './prompt-markup.js';

/** A person to write a biography of (`lemming populate --enrich`): their name, title and attributes. */
export interface PersonaMarkup {
  name: string;
  title: string;
  attributes: Array<[string, string | number | boolean]>;
}

/**
 * The person as a `<persona>` element: the name and title as escaped attributes, one
 * `<attribute name="…">value</attribute>` per line, so no attribute's value can pass for markup.
 * Models read it as it reads; the offline model parses it back (parsePersonaMarkup). Pure.
 */
export function renderPersonaMarkup(persona: PersonaMarkup): string {
  const lines = persona.attributes.map(([name, value]) => `<attribute name="${escapeAttribute(name)}">${escapeText(String(value))}</attribute>`);
  return `<persona name="${escapeAttribute(persona.name)}" title="${escapeAttribute(persona.title)}">\n${lines.join('\n')}\n</persona>`;
}

/** The person of a prompt's `<persona>` element (values as text), or undefined when it holds none. Pure. */
export function parsePersonaMarkup(text: string): PersonaMarkup | undefined {
  const found = /<persona name="([^"]*)" title="([^"]*)">\n([\s\S]*?)\n?<\/persona>/.exec(text);
  if (!found) return undefined;
  const attributes: PersonaMarkup['attributes'] = [...(found[3] ?? '').matchAll(/<attribute name="([^"]*)">([^<]*)<\/attribute>/g)].map((match) => [unescapeText(match[1] ?? ''), unescapeText(match[2] ?? '')]);
  return { name: unescapeText(found[1] ?? ''), title: unescapeText(found[2] ?? ''), attributes };
}
