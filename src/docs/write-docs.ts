import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { docsPages, DOCS_COMMAND } from './docs-pages.js';
import { docsProblems } from './docs-checks.js';

/*
 * `npm run docs`: writes docs/commands.md and docs/org-files.md from the command definitions and
 * the org files' schema, and every guide's table of contents from its headings. With `--check`
 * it writes nothing and exits 1 naming each page that differs (what the docs test checks too).
 * Either way it checks what the pages claim of the code (docs-checks.ts) and exits 1 on a problem.
 * Run from the repository's root, on the built dist/ (the npm script builds first).
 */
const root = resolve(process.argv.find((argument) => argument.startsWith('--root='))?.slice('--root='.length) ?? '.');
const check = process.argv.includes('--check');
const stale: string[] = [];
for (const page of docsPages(root)) {
  const path = join(root, page.file);
  if (existsSync(path) && readFileSync(path, 'utf8') === page.text) continue;
  stale.push(page.file);
  if (!check) writeFileSync(path, page.text);
}
const pages = ['README.md', ...docsPages(root).map((page) => page.file)].map((file) => ({ file, text: readFileSync(join(root, file), 'utf8') }));
const problems = docsProblems(root, pages);
for (const problem of problems) process.stderr.write(`${problem}\n`);
if (problems.length > 0) process.exitCode = 1;
if (check && stale.length > 0) {
  process.stderr.write(`stale: ${stale.join(', ')}; \`${DOCS_COMMAND}\` writes them afresh\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(stale.length === 0 ? 'docs: every page is up to date\n' : `docs: wrote ${stale.join(', ')}\n`);
}
