import { quoteName } from '../../mailbox/message-text.js';
import { formatProblem, type Problem } from '../../errors.js';
import { AGENT_TEMPLATES_FOLDER, readAgentTemplates, templateGrantProblems, type AgentTemplate } from '../../org/templates/agent-templates.js';
import type { Org } from '../../org/org.js';
import type { HireDetails } from './proposal.js';

/** A hire's fields as given (hire_agent's arguments, `lemming add-agent`'s options); each left out is undefined. */
export interface GivenHire {
  name: string;
  reports_to: string;
  title?: string;
  instructions?: string;
  model?: string;
  credits?: number;
  send_to?: string[];
  read_from?: string[];
  tools?: string[];
}

/** What a hire takes when neither the request nor a template says. */
export interface HireDefaults {
  model: string;
  credits?: number;
  tools: string[];
  instructions: string;
}

/**
 * The agent template of this org named `name`, or why a hire cannot start from it: every problem of
 * its file at once, as validate says them (its schema, and a model or tool this org lacks that the
 * hire would take from it, not one `given` replaces), or the names there are when there is none.
 */
export function findAgentTemplate(root: string, name: string, org: Pick<Org, 'models' | 'mcpServers' | 'commandTools'>, given: Pick<GivenHire, 'model' | 'tools'> = {}): AgentTemplate | { problem: string } {
  const { templates, grants, problems } = readAgentTemplates(root);
  const file = `${AGENT_TEMPLATES_FOLDER}/${name}.md`;
  const taken = (problem: Problem) => !(problem.field === 'model' && given.model !== undefined) && !(problem.field?.startsWith('tools.') && given.tools !== undefined);
  const broken = [...problems.filter((problem) => problem.file === file), ...templateGrantProblems(grants.filter((grant) => grant.file === file), org).filter(taken)];
  // Every problem at once: a person mends them in one edit.
  if (broken.length > 0) return { problem: `template ${quoteName(name)} cannot be used:\n${broken.map((problem) => `  ${formatProblem(problem)}`).join('\n')}` };
  const found = templates.find((template) => template.name === name);
  if (found) return found;
  const names = templates.map((template) => template.name).join(', ') || 'none: add resumes to org/templates/, like org/templates/tester.md';
  return { problem: `template ${quoteName(name)} is not in org/templates/ (there are: ${names})` };
}

/**
 * The hire's details: what was given wins; what was left out comes from the template when there
 * is one (its title, model, budget and tools; its instructions come first, and given instructions
 * follow them), else from the defaults. The proposal keeps the template's name. Pure.
 */
export function hireDetails(given: GivenHire, template: AgentTemplate | undefined, defaults: HireDefaults): HireDetails {
  const front = template?.frontMatter;
  const templateModel = Array.isArray(front?.model) ? front?.model[0] : front?.model;
  const instructions = [template?.instructions, given.instructions].filter((part): part is string => typeof part === 'string' && part.trim() !== '').join('\n\n');
  const manager = given.reports_to;
  return {
    name: given.name,
    title: given.title ?? front?.title ?? '',
    instructions: instructions || defaults.instructions,
    reports_to: manager,
    model: given.model ?? templateModel ?? defaults.model,
    credits: given.credits ?? front?.credits ?? defaults.credits ?? Number.NaN,
    send_to: given.send_to ?? (manager ? [manager] : []),
    read_from: given.read_from ?? (manager ? [manager] : []),
    tools: given.tools ?? (front ? [...front.tools] : defaults.tools),
    ...(template ? { template: template.name } : {}),
  };
}
