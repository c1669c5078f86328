import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, test } from 'vitest';
import { docsPages, DOCS_COMMAND } from '../../src/docs/docs-pages.js';
import { docsProblems } from '../../src/docs/docs-checks.js';
import { headingsOf } from '../../src/docs/markdown-toc.js';
import { docPages } from '../helpers/docs.js';
import { REPO_ROOT } from '../helpers/org-files.js';

describe('the docs a person finds their way in', () => {
  test('the command reference, the org file reference and every table of contents are what `npm run docs` writes now', () => {
    const stale = docsPages(REPO_ROOT)
      .filter((page) => !existsSync(join(REPO_ROOT, page.file)) || readFileSync(join(REPO_ROOT, page.file), 'utf8') !== page.text)
      .map((page) => page.file);
    expect(stale, `stale: ${stale.join(', ')}; run \`${DOCS_COMMAND}\` and commit what it writes`).toEqual([]);
  });

  test('what the pages claim of the code holds: every file of src/ and tests/ they name is there, every test named by its name is in its file, the README names each page once', () => {
    expect(docsProblems(REPO_ROOT, docPages())).toEqual([]);
  });

  test('those checks find what they look for: a missing file, a test not in its file, a page named twice', () => {
    const readme = '| [People](docs/people.md) | one |\n| [People](docs/people.md) | two |\n';
    const page = 'Held by `tests/statistics/welch-interval.test.ts` ("no such test") and src/nowhere/gone.ts.';
    expect(docsProblems(REPO_ROOT, [{ file: 'README.md', text: readme }, { file: 'docs/x.md', text: page }])).toEqual([
      'docs/x.md: names src/nowhere/gone.ts, which is not in the repository',
      'docs/x.md: names the test "no such test" of tests/statistics/welch-interval.test.ts, which holds no test so named',
      'README.md: its table of pages names docs/people.md 2 times; once, with all it holds',
    ]);
  });

  test('the command reference names every command and option the program takes', () => {
    const reference = readFileSync(join(REPO_ROOT, 'docs/commands.md'), 'utf8');
    for (const heading of ['## `lemming bootstrap`', '## `lemming run`', '## `lemming serve`', '## `lemming experiment`', '## `lemming add-agent`']) expect(reference).toContain(heading);
    expect(reference).toContain('| `--dry-run` |');
    expect(reference).toContain('| `--reports-to <agent>` |');
    expect(reference).toContain('| `<file>` |');
  });

  test('the org file reference gives fields with their types, defaults and the comments of the schema', () => {
    const reference = readFileSync(join(REPO_ROOT, 'docs/org-files.md'), 'utf8');
    expect(reference).toContain('## `org/org.yaml`');
    expect(reference).toContain('## `org/chart.yaml`');
    expect(reference).toMatch(/\| `max_turns` \| integer ≥ 1 \| `50` \|/);
    expect(reference).toMatch(/\| `isolation` \| `bwrap` \\\| `none` \| `"bwrap"` \| `bwrap` \(the default\) isolates each command/);
    expect(reference).toMatch(/\| `reports_to` \| string or null \| `null` \|/);
    expect(reference).toMatch(/\| `provider` \| `offline` \\\| `openai` .* \| required \|/);
  });

  test('the README is a front page under 500 lines that links every page of docs/', () => {
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme.split('\n').length).toBeLessThan(500);
    const unlinked = docPages()
      .filter((page) => page.file !== 'README.md')
      .filter((page) => !readme.includes(`](${page.file})`))
      .map((page) => page.file);
    expect(unlinked).toEqual([]);
  });

  test('each guide starts with its table of contents (one of a single section has nothing to list)', () => {
    for (const page of docPages().filter((each) => each.file !== 'README.md')) {
      const sections = headingsOf(page.text).filter((heading) => heading.level === 2).length;
      const beforeFirstSection = sections === 0 ? page.text : page.text.slice(0, page.text.indexOf('\n## '));
      expect(beforeFirstSection, page.file).toContain(sections > 1 ? '<!-- toc -->\n- [' : '<!-- toc -->');
    }
  });

  test('every link from one page to another, and to a heading, leads somewhere', () => {
    const anchors = new Map(docPages().map((page) => [page.file, new Set(headingsOf(page.text).map((heading) => heading.anchor))]));
    const broken: string[] = [];
    for (const page of docPages()) {
      let inFence = false;
      for (const line of page.text.split('\n')) {
        if (line.startsWith('```')) inFence = !inFence || line.trim() !== '```';
        if (inFence) continue;
        for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
          const target = match[1] ?? '';
          if (/^(https?:|mailto:)/.test(target)) continue;
          const [path = '', anchor] = target.split('#');
          const file = path === '' ? page.file : normalize(join(dirname(page.file), path));
          if (!existsSync(join(REPO_ROOT, file))) broken.push(`${page.file}: ${target} (no file ${file})`);
          else if (anchor !== undefined && file.endsWith('.md') && !anchors.get(file)?.has(anchor)) broken.push(`${page.file}: ${target} (no heading #${anchor} in ${file})`);
        }
      }
    }
    expect(broken).toEqual([]);
  });
});
