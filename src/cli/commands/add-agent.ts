import { LemmingError } from '../../errors.js';
import { loadOrg } from '../../org/load-org.js';
import { DEFAULT_TOOLS } from '../../org/schema.js';
import { checkNewAgent, writeNewAgent } from '../../tools/proposals/new-agent.js';
import type { Output } from '../cli-context.js';

/** The options of `lemming add-agent`. */
export interface AddAgentOptions {
  title: string;
  reportsTo: string;
  model?: string;
  credits?: number;
  instructions?: string;
  tools?: string;
}

/**
 * `lemming add-agent <name>`: write the resume and the chart entries in one go. By
 * default the new agent writes to and reads from its manager, and the manager gains it
 * in both of its lists; the model is the manager's first.
 */
export function addAgentCommand(root: string, name: string, options: AddAgentOptions, output: Output): number {
  const { org } = loadOrg(root);
  const manager = org.agents.get(options.reportsTo);
  const model = options.model ?? manager?.models.find((key) => key in org.models) ?? Object.keys(org.models)[0] ?? '';
  const details = {
    name,
    title: options.title,
    instructions: options.instructions ?? `You report to ${options.reportsTo}. Do the work they give you and report back when it is done.`,
    reports_to: options.reportsTo,
    model,
    credits: options.credits ?? 0.5,
    send_to: [options.reportsTo],
    read_from: [options.reportsTo],
    tools: options.tools ? options.tools.split(',').map((tool) => tool.trim()).filter(Boolean) : [...DEFAULT_TOOLS],
  };
  const problems = checkNewAgent(org, details);
  if (problems.length > 0) throw new LemmingError('bad-agent', `cannot add ${name}: ${problems.join('; ')}`, { exitCode: 2 });
  writeNewAgent(root, details, details.credits);
  output.out(`added ${name} (${details.title}), reporting to ${details.reports_to}: agents/${name}/resume.md and org/chart.yaml; it joins at the next turn`);
  return 0;
}
