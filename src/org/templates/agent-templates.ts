import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEditedFile, MAX_EDITED_MARKDOWN_BYTES } from '../../editable/edited-file.js';
import type { Problem } from '../../errors.js';
import { nameProblem } from '../names.js';
import { undeclaredServer, undeclaredTool, unknownModels } from '../assemble-agent.js';
import type { Org } from '../org.js';
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

/** The org's agent templates in name order, and what is wrong with any that cannot be used (as warnings, with each problem's line and field). */
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
    // A warning: the org runs without its templates; only a hire from this one is refused.
    problems.push(...parsed.problems.map((problem): Problem => ({ ...problem, severity: 'warning', message: `${problem.message}; a hire cannot start from this template` })));
    if ('value' in parsed && parsed.value) templates.push({ name, file, ...parsed.value });
  }
  return { templates, problems };
}

/**
 * What a hire from each template would be refused for by this org, found before anyone hires: a
 * model not in the registry, a tool that is none, an MCP server org.yaml does not declare. The rules
 * a resume is held to (assemble-agent.ts), with the template's file, line and field. Pure.
 */
export function templateGrantProblems(templates: readonly AgentTemplate[], org: Pick<Org, 'models' | 'mcpServers' | 'commandTools'>): Problem[] {
  const problems: Problem[] = [];
  const registry = Object.keys(org.models);
  for (const template of templates) {
    const { model, tools } = template.frontMatter;
    const at = (line: number | undefined) => (line === undefined ? {} : { line });
    for (const message of unknownModels(model === undefined ? [] : typeof model === 'string' ? [model] : model, registry)) {
      problems.push({ file: template.file, ...at(template.lines.model), field: 'model', message: `${message}; a hire from this template must give its own model`, severity: 'warning' });
    }
    tools.forEach((tool, index) => {
      const message = undeclaredServer(tool, org.mcpServers) ?? undeclaredTool(tool, org.commandTools);
      if (message !== undefined) problems.push({ file: template.file, ...at(template.lines.tools), field: `tools.${index}`, message: `${message}; a hire cannot start from this template`, severity: 'warning' });
    });
  }
  return problems;
}

/** The lines that tell a model (and `lemming templates`) which agent templates a hire may start from. */
export function describeAgentTemplates(templates: readonly AgentTemplate[]): string[] {
  return templates.map((template) => `- template ${template.name}: ${template.frontMatter.title}`);
}
