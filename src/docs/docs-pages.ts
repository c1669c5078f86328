import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { program } from '../cli/program.js';
import { schemas } from '../org/schema.js';
import { commandReference } from './command-reference.js';
import { withIncludedFiles } from './included-files.js';
import { withTableOfContents } from './markdown-toc.js';
import { orgFileReference } from './org-file-reference.js';
import { schemaComments } from './schema-comments.js';

/** A page of the docs as `npm run docs` writes it: its path from the repository's root and its text. */
export interface DocsPage {
  file: string;
  text: string;
}

/** The command that writes the pages afresh, for messages that find them stale. */
export const DOCS_COMMAND = 'npm run docs';

/** The two reference pages, written from the code that defines what they describe. */
function generatedPages(root: string): DocsPage[] {
  const all = schemas();
  const comments = schemaComments(readFileSync(join(root, 'src/org/schema.ts'), 'utf8'));
  // Parts built in files of their own: org.yaml's budget and loop breakers, memory (org.yaml's and a resume's), a model entry, the sandbox and command tools, what the org reaches outside it.
  for (const file of ['src/org/budget-schema.ts', 'src/org/memory-schema.ts', 'src/org/model-entry-schema.ts', 'src/org/sandbox-schema.ts', 'src/org/outside-schema.ts']) {
    const part = schemaComments(readFileSync(join(root, file), 'utf8'), file);
    for (const [key, text] of part.comments) comments.comments.set(key, text);
    for (const [key, spread] of part.spreads) comments.spreads.set(key, spread);
  }
  const orgFiles = orgFileReference(
    [
      { file: 'org/org.yaml', schema: all.orgFileSchema, variable: 'orgFileSchema', intro: 'The org: its name, the engine settings, the model registry, MCP servers, tools it defines, the web it may reach, notifications.' },
      { file: 'org/chart.yaml', schema: all.chartFileSchema, variable: 'chartFileSchema', intro: 'The org chart: for each agent, whom it reports to, whom it may write to and whom it reads.' },
      { file: 'agents/<name>/resume.md', schema: all.resumeSchema, variable: 'resumeSchema', intro: "An agent's resume: these fields are its front matter (between `---` lines); the text after it is the agent's instructions." },
    ],
    all,
    comments,
  );
  return [
    { file: 'docs/commands.md', text: commandReference(program) },
    { file: 'docs/org-files.md', text: orgFiles },
  ];
}

/**
 * Every page `npm run docs` writes, as it would write it now: the generated references, and each
 * hand-written guide in docs/ with its table of contents and its included files brought up to date.
 */
export function docsPages(root: string): DocsPage[] {
  const generated = generatedPages(root);
  const names = new Set(generated.map((page) => page.file));
  const guides = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`)
    .filter((file) => !names.has(file))
    .sort()
    .map((file) => ({ file, text: withTableOfContents(withIncludedFiles(root, readFileSync(join(root, file), 'utf8'))) }));
  return [...generated, ...guides];
}
