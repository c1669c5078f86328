import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * What `npm run docs` checks of the hand-written pages against the code, besides writing the
 * generated ones: the claims a page makes that the repository can answer. Each problem names the
 * page and what is wrong. Run by `npm run docs` (which exits 1 on any) and by the docs test.
 *
 * - every file of `src/` or `tests/` a page names exists (a page that says which test holds a rule
 *   names a test that is there);
 * - a test named by its file and its name, `` `tests/….test.ts` ("its name") ``, is in that file;
 * - the README's table of pages names each page of docs/ once.
 */

/** A page as the checks read it: its path from the repository's root and its text. */
export interface CheckedPage {
  file: string;
  text: string;
}

/** A path of the repository's code or tests, as a page writes it (`src/org/schema.ts`, tests/docs/x.test.ts). */
const CODE_PATH = /(?<![\w/.-])((?:src|tests)\/[\w./-]*\.(?:tsx|ts|mjs|js))(?!\w)/g;

/** A test by its file and name: `tests/x/y.test.ts` ("what it holds"), or a list of names ("a", "b"). */
const NAMED_TEST = /`(tests\/[\w./-]+\.test\.tsx?)`\s*\(((?:"[^"\n]+"(?:,\s*)?)+)\)/g;

/** The README's table of pages: its rows `| [Title](docs/page.md) | … |`. */
const PAGE_ROW = /^\| \[[^\]]+\]\((docs\/[\w.-]+\.md)\) \|/gm;

/** Every problem of the pages, each as `page: what is wrong`; empty when every claim holds. */
export function docsProblems(root: string, pages: readonly CheckedPage[]): string[] {
  const problems: string[] = [];
  for (const page of pages) {
    const missing = new Set<string>();
    for (const match of page.text.matchAll(CODE_PATH)) {
      const path = match[1] as string;
      if (!existsSync(join(root, path))) missing.add(path);
    }
    for (const path of missing) problems.push(`${page.file}: names ${path}, which is not in the repository`);
    for (const match of page.text.matchAll(NAMED_TEST)) {
      const file = match[1] as string;
      if (!existsSync(join(root, file))) continue;
      const text = readFileSync(join(root, file), 'utf8');
      for (const name of [...(match[2] as string).matchAll(/"([^"\n]+)"/g)].map((each) => each[1] as string)) {
        // A name cut short ends in "…" or "...": the test's name begins so.
        const named = name.replace(/\s*(…|\.\.\.)$/, '');
        if (!text.includes(named)) problems.push(`${page.file}: names the test "${name}" of ${file}, which holds no test so named`);
      }
    }
  }
  const readme = pages.find((page) => page.file === 'README.md');
  if (readme) {
    const seen = new Map<string, number>();
    for (const match of readme.text.matchAll(PAGE_ROW)) seen.set(match[1] as string, (seen.get(match[1] as string) ?? 0) + 1);
    for (const [file, times] of seen) if (times > 1) problems.push(`README.md: its table of pages names ${file} ${times} times; once, with all it holds`);
  }
  return problems;
}
