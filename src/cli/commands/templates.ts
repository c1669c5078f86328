import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatProblem } from '../../errors.js';
import { loadOrgForReading } from '../../org/load-org-once.js';
import { ORG_FILE } from '../../org/names.js';
import { describeAgentTemplates, readAgentTemplates, templateGrantProblems } from '../../org/templates/agent-templates.js';
import { builtinTemplates, defaultTemplateFolder } from '../../org/templates/org-templates.js';
import type { Output } from '../cli-context.js';
import { packageRoot } from '../../package-root.js';

/**
 * `lemming templates`: the org templates `bootstrap --template` and `demo --template` start from,
 * a line each, and the agent templates hires start from (the org's own `org/templates/` when the
 * root is an org, else the default org's), with what validate says of each that a hire cannot start from.
 */
export function templatesCommand(root: string, options: { json?: boolean }, output: Output): number {
  const orgs = builtinTemplates(packageRoot());
  const inOrg = existsSync(join(root, ORG_FILE));
  const agentsFrom = inOrg ? root : defaultTemplateFolder(packageRoot());
  const read = readAgentTemplates(agentsFrom);
  const agents = read.templates;
  // In an org, what validate says of its templates: a model or tool the org lacks refuses a hire from it.
  const problems = inOrg ? [...read.problems, ...templateGrantProblems(read.grants, loadOrgForReading(root).org)] : read.problems;
  if (options.json) {
    output.out(
      JSON.stringify(
        {
          org_templates: orgs.map((template) => ({ name: template.name, description: template.description, ...(template.seed ? { seed: template.seed } : {}), ...(template.seeds.length > 1 ? { seeds: template.seeds } : {}) })),
          agent_templates: agents.map((template) => ({ name: template.name, file: template.file, title: template.frontMatter.title, tools: template.frontMatter.tools })),
          agent_templates_from: agentsFrom,
          problems,
        },
        null,
        2,
      ),
    );
    return 0;
  }
  const width = Math.max(...orgs.map((template) => template.name.length));
  output.out('Org templates (lemming bootstrap --template NAME, or a folder of your own: --template ./my-org):');
  for (const template of orgs) output.out(`  ${template.name.padEnd(width)}  ${template.description}`);
  output.out(`Agent templates for hiring (hire_agent's template, lemming add-agent --template), in ${join(agentsFrom, 'org', 'templates')}:`);
  for (const line of describeAgentTemplates(agents)) output.out(`  ${line.replace(/^- template /, '')}`);
  if (agents.length === 0) output.out('  (none)');
  for (const problem of problems) output.out(`${problem.severity}: ${formatProblem(problem)}`);
  return 0;
}
