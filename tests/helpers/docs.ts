import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './org-files.js';

/**
 * The documentation as a reader finds it: the front page (README.md) and one guide a topic in
 * docs/. Tests that check what the docs say look text up here rather than in a file named in the
 * test, so a section moved from one page to another is still found (and still checked).
 */
export interface DocPage {
  /** Path from the repository's root, e.g. `README.md` or `docs/sandbox.md`. */
  file: string;
  text: string;
}

/** Pages written from the code by `npm run docs`, not by hand: they hold no examples to run. */
export const GENERATED_PAGES: ReadonlySet<string> = new Set(['docs/commands.md', 'docs/org-files.md']);

/** README.md, then every docs/*.md in name order. */
export function docPages(): DocPage[] {
  const guides = readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...guides].map((file) => ({ file, text: readFileSync(join(REPO_ROOT, file), 'utf8') }));
}

/** The one page that holds `text`; an error naming the pages when none or several do. */
export function pageContaining(text: string): DocPage {
  const found = docPages().filter((page) => page.text.includes(text));
  if (found.length !== 1) {
    throw new Error(`${found.length} documentation pages hold ${JSON.stringify(text)}${found.length > 0 ? `: ${found.map((page) => page.file).join(', ')}` : ''}`);
  }
  return found[0] as DocPage;
}

/** A page's section under a `## ` heading that begins so, up to the next `## `; an error when the page has none. */
export function docSection(file: string, heading: string): string {
  const page = readFileSync(join(REPO_ROOT, file), 'utf8');
  const start = page.indexOf(`\n${heading}`);
  if (start < 0) throw new Error(`${file} has no section ${JSON.stringify(heading)}`);
  const end = page.indexOf('\n## ', start + 1);
  return page.slice(start + 1, end === -1 ? undefined : end);
}

/** The one fenced block of `text` whose first line starts so (its content, without the fences); an error when none or several do. */
export function fencedBlock(text: string, start: string): string {
  const found = [...text.matchAll(/^```\S*\n([\s\S]*?)^```$/gm)].map((match) => match[1] as string).filter((block) => block.startsWith(start));
  if (found.length !== 1) throw new Error(`${found.length} fenced blocks start ${JSON.stringify(start)}`);
  return found[0] as string;
}
