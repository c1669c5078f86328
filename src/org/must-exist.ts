import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LemmingError } from '../errors.js';
import { quoteName } from './names.js';
import { didYouMean } from './suggest-name.js';
import type { Agent, Org } from './org.js';

/** The agent named `name`, or an error that names it and lists the agents there are. */
export function requireAgent(org: Org, name: string): Agent {
  const agent = org.agents.get(name);
  if (!agent) throw new LemmingError('unknown-agent', `there is no agent named ${quoteName(name)}${didYouMean(name, org.agents.keys())}; agents: ${[...org.agents.keys()].join(', ')}`);
  return agent;
}

/**
 * Refuse a folder that holds no org before anything is written into it: a command run
 * in the wrong folder must leave it as it was.
 */
export function requireOrgRoot(root: string): void {
  if (!existsSync(join(root, 'org', 'org.yaml'))) {
    throw new LemmingError('no-org', `${root} holds no org (org/org.yaml is missing); run \`lemming bootstrap\` there first, or pass --root`);
  }
}
