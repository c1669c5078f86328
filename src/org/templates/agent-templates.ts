import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEditedFile, MAX_EDITED_MARKDOWN_BYTES } from '../../editable/edited-file.js';
import type { Problem } from '../../errors.js';
import { nameProblem } from '../names.js';
import { parseAgentTemplate, type ParsedAgentTemplate } from '../parse-files.js';

/** Where an org keeps the resumes its hires may start from, relative to the root. */
export const AGENT_TEMPLATES_FOLDER = 'org/templates';

/** One resume template of `org/templates/`: a role a hire can start from. */
export interface AgentTemplate extends ParsedAgentTemplate {
  /** `tester` for `org/templates/tester.md`. */
  name: string;
  /** The file, relative to the root. */
  file: string;
}

/** The org's agent templates in name order, and what is wrong with any that cannot be used. */
export function readAgentTemplates(root: string): { templates: AgentTemplate[]; problems: Problem[] } {
  const folder = join(root, AGENT_TEMPLATES_FOLDER);
  const templates: AgentTemplate[] = [];
  const problems: Problem[] = [];
  if (!existsSync(folder)) return { templates, problems };
  for (const entry of readdirSync(folder).sort()) {
    if (!entry.endsWith('.md')) continue;
    const name = entry.slice(0, -3);
    const file = `${AGENT_TEMPLATES_FOLDER}/${entry}`;
    const invalid = nameProblem('template', name);
    if (invalid !== undefined) {
      problems.push({ file, message: `${invalid}; this template is not used`, severity: 'warning' });
      continue;
    }
    const parsed = loadEditedFile(join(folder, entry), file, MAX_EDITED_MARKDOWN_BYTES, parseAgentTemplate, root);
    problems.push(...parsed.problems);
    if ('value' in parsed && parsed.value) templates.push({ name, file, ...parsed.value });
  }
  return { templates, problems };
}

/** The lines that tell a model (and `lemming templates`) which agent templates a hire may start from. */
export function describeAgentTemplates(templates: readonly AgentTemplate[]): string[] {
  return templates.map((template) => `- template ${template.name}: ${template.frontMatter.title}`);
}
