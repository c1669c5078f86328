import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * A file of the repository shown in a page as it is, between `<!-- include PATH -->` and
 * `<!-- /include -->`: the page's example is the file a test compiles and runs (docs/api.md's study
 * is tests/library/study-example.ts, run from the packed tarball), so the two cannot drift.
 * `npm run docs` writes it; a test finds it stale.
 */

const INCLUDE = /(<!-- include ([^\s]+) -->\n)[\s\S]*?(<!-- \/include -->)/g;

/** The fence's language, from the file's extension. */
function language(path: string): string {
  return /\.tsx?$/.test(path) ? 'ts' : /\.ya?ml$/.test(path) ? 'yaml' : '';
}

/** `text` with each include's fenced block written afresh from the file it names (from `root`). */
export function withIncludedFiles(root: string, text: string): string {
  return text.replace(INCLUDE, (_whole, start: string, path: string, end: string) => {
    const file = readFileSync(join(root, path), 'utf8');
    // Labelled with its file, so docs/api.md's test of the short examples (```ts alone) leaves it to the pack test that runs it.
    return `${start}\`\`\`${language(path)} file=${path}\n${file.endsWith('\n') ? file : `${file}\n`}\`\`\`\n${end}`;
  });
}
