/**
 * The templates of a population spec (the persona's text, each role's title and instructions):
 * `{word}` is the agent's value of the attribute `word`, or one of the words every agent has
 * (TEMPLATE_WORDS). Anything else in braces is left as written. Pure.
 */

/** What every agent's templates may name besides its attributes: its name, role, team number and manager. */
export const TEMPLATE_WORDS = ['name', 'role', 'team', 'manager'];

const PLACEHOLDER = /\{([a-z][a-z0-9_]*)\}/g;

/** The words a template names in braces, each once, in order. */
export function placeholdersOf(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))];
}

/** A template with each `{word}` replaced by its value; a word with no value is left as written. */
export function fillTemplate(template: string, values: Readonly<Record<string, string | number | boolean>>): string {
  if (!template.includes('{')) return template;
  return template.replace(PLACEHOLDER, (whole, word: string) => (Object.hasOwn(values, word) ? String(values[word]) : whole));
}
