/**
 * YAML a hostile editor writes: small on disk, huge or deep once read. Shared by the tests of
 * the edited-file loader and its fuzz suite.
 */

/**
 * A "billion laughs": each level a list of nine aliases of the level before, so `levels`
 * levels expand to 9^levels values. Ten levels are 3.5 billion values in a few hundred bytes.
 */
export function aliasBomb(levels = 10, key = 'lol'): string {
  const lines = [`${key}0: &${key}0 [x, x, x, x, x, x, x, x, x]`];
  for (let level = 1; level <= levels; level += 1) lines.push(`${key}${level}: &${key}${level} [${Array(9).fill(`*${key}${level - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** A resume's text with `yaml` put at the top of its front matter, after the opening `---`. */
export function withFrontMatterLines(resume: string, yaml: string): string {
  return resume.replace(/^---\r?\n/, `---\n${yaml}`);
}
