import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadEditedFile, MAX_EDITED_MARKDOWN_BYTES } from '../../editable/edited-file.js';
import type { Problem } from '../../errors.js';
import { nameProblem } from '../names.js';
import { undeclaredServer, undeclaredTool, unknownModels } from '../assemble-agent.js';
import type { Org } from '../org.js';
import { parseAgentTemplate, type Parsed, type ParsedAgentTemplate } from '../parse-files.js';

/** Where an org keeps the resumes its hires may start from, relative to the root. */
export const AGENT_TEMPLATES_FOLDER = 'org/templates';

/** One resume template of `org/templates/`: a role a hire can start from. */
export interface AgentTemplate extends ParsedAgentTemplate {
  /** `tester` for `org/templates/tester.md`. */
  name: string;
  /** The file, relative to the root. */
  file: string;
}

/**
 * What a template names that the org is checked against (its models and tools, with their lines):
 * from its value, or from its front matter as written when other fields failed its schema, so a bad
 * budget does not hide a misspelt model or tool.
 */
export interface TemplateGrants {
  /** The file, relative to the root. */
  file: string;
  models: string[];
  /** Its `tools` list as written, each at its index; what is not a string is the schema's to say. */
  tools: readonly unknown[];
  lines: { model?: number; tools?: number };
}

/** The org's agent templates in name order, what each names (`grants`), and what is wrong with any that cannot be used (as warnings, with each problem's line and field). */
export function readAgentTemplates(root: string): { templates: AgentTemplate[]; grants: TemplateGrants[]; problems: Problem[] } {
  const folder = join(root, AGENT_TEMPLATES_FOLDER);
  const templates: AgentTemplate[] = [];
  const grants: TemplateGrants[] = [];
  const problems: Problem[] = [];
  if (!existsSync(folder)) return { templates, grants, problems };
  for (const entry of readdirSync(folder).sort()) {
    if (!entry.endsWith('.md')) continue;
    const name = entry.slice(0, -3);
    const file = `${AGENT_TEMPLATES_FOLDER}/${entry}`;
    const invalid = nameProblem('template', name);
    if (invalid !== undefined) {
      problems.push({ file, message: `${invalid}; this template is not used`, severity: 'warning' });
      continue;
    }
    const parsed: Parsed<ParsedAgentTemplate> | { problems: Problem[] } = loadEditedFile(join(folder, entry), file, MAX_EDITED_MARKDOWN_BYTES, parseAgentTemplate, root);
    // A warning: the org runs without its templates; only a hire from this one is refused.
    problems.push(...parsed.problems.map((problem): Problem => ({ ...problem, severity: 'warning', message: `${problem.message}; a hire cannot start from this template` })));
    if ('value' in parsed && parsed.value) {
      const template = { name, file, ...parsed.value };
      templates.push(template);
      grants.push(grantsOf(template));
    } else if ('raw' in parsed) {
      const written = writtenGrants(file, parsed);
      if (written) grants.push(written);
    }
  }
  return { templates, grants, problems };
}

function grantsOf(template: AgentTemplate): TemplateGrants {
  const { model, tools } = template.frontMatter;
  return { file: template.file, models: model === undefined ? [] : typeof model === 'string' ? [model] : [...model], tools, lines: template.lines };
}

/** The model and tools of a template that failed its schema, as written, leaving out a field the schema already faults. */
function writtenGrants(file: string, parsed: Parsed<ParsedAgentTemplate>): TemplateGrants | undefined {
  const raw = parsed.raw;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const front = raw as Record<string, unknown>;
  const faulted = (field: string) => parsed.problems.some((problem) => problem.field === field || problem.field?.startsWith(`${field}.`));
  const model = faulted('model') ? undefined : front.model;
  const tools = faulted('tools') || !Array.isArray(front.tools) ? [] : front.tools;
  const models = typeof model === 'string' ? [model] : Array.isArray(model) ? model.filter((key): key is string => typeof key === 'string') : [];
  const line = (field: string) => parsed.lineOf?.([field]);
  const lines = { ...optionalLine('model', line('model')), ...optionalLine('tools', line('tools')) };
  return { file, models, tools, lines };
}

function optionalLine<K extends string>(key: K, line: number | undefined): Partial<Record<K, number>> {
  return line === undefined ? {} : ({ [key]: line } as Record<K, number>);
}

/**
 * What a hire from each template would be refused for by this org, found before anyone hires: a
 * model not in the registry, a tool that is none, an MCP server org.yaml does not declare. The rules
 * a resume is held to (assemble-agent.ts), with the template's file, line and field. Pure.
 */
export function templateGrantProblems(templates: readonly TemplateGrants[], org: Pick<Org, 'models' | 'mcpServers' | 'commandTools'>): Problem[] {
  const problems: Problem[] = [];
  const registry = Object.keys(org.models);
  for (const template of templates) {
    const at = (line: number | undefined) => (line === undefined ? {} : { line });
    for (const message of unknownModels(template.models, registry)) {
      problems.push({ file: template.file, ...at(template.lines.model), field: 'model', message: `${message}; a hire from this template must give its own model`, severity: 'warning' });
    }
    template.tools.forEach((tool, index) => {
      if (typeof tool !== 'string') return;
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
