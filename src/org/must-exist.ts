import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { quoteName } from '../mailbox/message-text.js';
import { isValidAgentName } from './names.js';
import { didYouMean } from './suggest-name.js';
import type { Agent, Org } from './org.js';

/** The agent named `name`, or an error that names it and lists the agents there are. */
export function requireAgent(org: Org, name: string): Agent {
  const agent = org.agents.get(name);
  if (agent) return agent;
  // A folder whose resume has never loaded valid is left out of the org: say so, rather than that it does not exist.
  const leftOut = isValidAgentName(name) && existsSync(join(org.root, 'agents', name, 'resume.md'));
  const why = leftOut
    ? `agents/${name}/resume.md has errors (\`lemming validate\` lists them), so ${name} is left out until it is fixed`
    : `there is no agent named ${quoteName(name)}${didYouMean(name, org.agents.keys())}`;
  throw new LemmingError('unknown-agent', `${why}; agents: ${[...org.agents.keys()].join(', ')}`);
}

/**
 * Refuse a folder that holds no org before anything is written into it: a command run
 * in the wrong folder must leave it as it was.
 */
export function requireOrgRoot(root: string): void {
  if (!existsSync(join(root, 'org', 'org.yaml'))) {
    throw new LemmingError('no-org', `${root} holds no org (org/org.yaml is missing): \`lemming bootstrap\` writes the default org there, \`lemming demo\` writes it and runs a first task, or pass --root`);
  }
}
