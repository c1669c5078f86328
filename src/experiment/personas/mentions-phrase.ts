/**
 * Whether `text` (lower-case already) says `phrase` as a whole word or phrase: `engineer` in "as an
 * engineer," but not in "engineering"; spaces inside the phrase match any run of spaces. Case and the
 * phrase's own outer spaces do not count; an empty phrase is said by nothing. Pure.
 */
export function mentionsPhrase(text: string, phrase: string): boolean {
  const escaped = phrase
    .trim()
    .toLowerCase()
    .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    .replace(/\s+/g, '\\s+');
  return escaped !== '' && new RegExp(`(^|[^a-z0-9])${escaped}($|[^a-z0-9])`).test(text);
}
