import { EXIT, LemmingError } from '../../errors.js';
import { loadOrg } from '../../org/load-org-once.js';
import { DEFAULT_TOOLS } from '../../org/schema.js';
import { findAgentTemplate, hireDetails } from '../../tools/proposals/hire-template.js';
import { checkNewAgent, writeNewAgent } from '../../tools/proposals/new-agent.js';
import { changingChart } from '../../engine/human/chart-lock.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import type { HireDetails } from '../../tools/proposals/proposal.js';
import type { Output } from '../cli-context.js';

/** The options of `lemming add-agent`. */
export interface AddAgentOptions {
  title?: string;
  reportsTo: string;
  model?: string;
  credits?: number;
  instructions?: string;
  tools?: string;
  /** An agent template of org/templates/ to start from; the other options override its fields. */
  template?: string;
}

/**
 * `lemming add-agent <name>`: write the resume and the chart entries in one go. By
 * default the new agent writes to and reads from its manager, and the manager gains it
 * in both of its lists; the model is the template's, else the manager's first. The org is read and the
 * name checked under the chart's lock, as the agent is written: of two adds of one name at once, the second
 * finds the first's agent and is refused (before, both checked first, both said added, and one was kept).
 */
export function addAgentCommand(root: string, name: string, options: AddAgentOptions, output: Output): number {
  // Not an org: said before the lock is taken, which would make org/state/ in the folder.
  requireOrgRoot(root);
  const details = changingChart(root, 'add-agent', () => addUnderLock(root, name, options));
  const from = details.template ? ` from the template ${details.template}` : '';
  output.out(`added ${name} (${details.title})${from}, reporting to ${details.reports_to}: agents/${name}/resume.md and org/chart.yaml; it joins at the next turn`);
  return 0;
}

/** Check the new agent against the org as it is under the chart's lock, and write it. */
function addUnderLock(root: string, name: string, options: AddAgentOptions): HireDetails {
  const { org } = loadOrg(root);
  const tools = options.tools ? options.tools.split(',').map((tool) => tool.trim()).filter(Boolean) : undefined;
  const template = options.template === undefined ? undefined : findAgentTemplate(root, options.template, org, { ...(options.model === undefined ? {} : { model: options.model }), ...(tools ? { tools } : {}) });
  if (template && 'problem' in template) throw new LemmingError('bad-agent', `cannot add ${name}: --template: ${template.problem}`, { exitCode: EXIT.usage });
  if (options.title === undefined && !template) throw new LemmingError('usage', `cannot add ${name}: give --title "Software engineer", or --template NAME (see \`lemming templates\`)`, { exitCode: EXIT.usage });
  const manager = org.agents.get(options.reportsTo);
  const details = hireDetails(
    {
      name,
      reports_to: options.reportsTo,
      ...(options.title === undefined ? {} : { title: options.title }),
      ...(options.instructions === undefined ? {} : { instructions: options.instructions }),
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.credits === undefined ? {} : { credits: options.credits }),
      ...(tools ? { tools } : {}),
    },
    template,
    {
      model: manager?.models.find((key) => Object.hasOwn(org.models, key)) ?? Object.keys(org.models)[0] ?? '',
      credits: 0.5,
      tools: [...DEFAULT_TOOLS],
      instructions: `You report to ${options.reportsTo}. Do the work they give you and report back when it is done.`,
    },
  );
  const problems = checkNewAgent(org, details);
  if (problems.length > 0) throw new LemmingError('bad-agent', `cannot add ${name}: ${problems.join('; ')}`, { exitCode: EXIT.usage });
  writeNewAgent(root, details, details.credits);
  return details;
}
