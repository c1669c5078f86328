import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { docsPages, DOCS_COMMAND } from './docs-pages.js';

/*
 * `npm run docs`: writes docs/commands.md and docs/org-files.md from the command definitions and
 * the org files' schema, and every guide's table of contents from its headings. With `--check`
 * it writes nothing and exits 1 naming each page that differs (what the docs test checks too).
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
if (check && stale.length > 0) {
  process.stderr.write(`stale: ${stale.join(', ')}; \`${DOCS_COMMAND}\` writes them afresh\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(stale.length === 0 ? 'docs: every page is up to date\n' : `docs: wrote ${stale.join(', ')}\n`);
}
