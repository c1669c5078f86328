import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, LemmingError } from '../errors.js';
import { formatCount } from '../format/format.js';
import { RETIRED_FOLDER, retiredFolders } from '../mailbox/retired-folders.js';
import { quoteName } from '../mailbox/message-text.js';
import { isValidAgentName } from './names.js';
import { didYouMean } from './suggest-name.js';
import type { Agent, Org } from './org.js';

/** How many agents a refusal names, so that one about a name at 100,000 agents stays a line. */
const AGENTS_NAMED = 20;

/** `a, b, c`: the first AGENTS_NAMED agents by name, and how many more and how to list them all. */
export function agentsNamed(org: Org): string {
  const names = [...org.agents.keys()].sort();
  const more = names.length - AGENTS_NAMED;
  return `${names.slice(0, AGENTS_NAMED).join(', ')}${more > 0 ? ` and ${formatCount(more)} more (\`lemming status --all\` lists them)` : ''}`;
}

/**
 * The agent named `name`, or an error (exit 2 for a name that names no agent: bad usage, as docs/cli.md says) that names it, the
 * name probably meant and the agents there are (the first few, in a large org, and how to list them all).
 * The one place the commands that take an agent's name (inspect, logs, memory, trace, retry, top-up) resolve it.
 */
export function requireAgent(org: Org, name: string): Agent {
  const agent = org.agents.get(name);
  if (agent) return agent;
  // A folder whose resume has never loaded valid is left out of the org: say so, rather than that it does not exist.
  // That is a file to mend (exit 1, as an invalid org is); a name that names nothing is a mistyped command (exit 2).
  const leftOut = isValidAgentName(name) && existsSync(join(org.root, 'agents', name, 'resume.md'));
  // A retired agent's folder, its memories and logs among it, is kept aside: say where, rather than that it never was.
  const retired = isValidAgentName(name) && !leftOut ? retiredFolders(org.root, name).map((folder) => `agents/${RETIRED_FOLDER}/${folder}/`) : [];
  const why = leftOut
    ? `agents/${name}/resume.md has errors (\`lemming validate\` lists them), so ${name} is left out until it is fixed`
    : retired.length > 0
      ? `${name} was retired: its folder, its memory stream among it, is kept in ${retired.join(' and ')}, where its files can be read; it is no agent of the org now`
      : `there is no agent named ${quoteName(name)}${didYouMean(name, org.agents.keys())}`;
  throw new LemmingError('unknown-agent', `${why}; agents: ${agentsNamed(org)}`, { exitCode: leftOut ? EXIT.failed : EXIT.usage });
}

/**
 * Refuse a folder that holds no org before anything is written into it: a command run
 * in the wrong folder must leave it as it was. `option` is the option the folder was given by when
 * it is not the command's own root (`fork --from`): the refusal names it (exit 2, bad usage), since
 * `--root` is not what to change.
 */
export function requireOrgRoot(root: string, option?: string): void {
  if (option !== undefined && !existsSync(join(root, 'org', 'org.yaml'))) {
    const what = existsSync(root) ? 'holds no org (org/org.yaml is missing)' : 'there is no such folder';
    throw new LemmingError('no-org', `${option} ${root}: ${what}; ${option} takes the folder of an org (the one holding its org/ and agents/)`, { exitCode: EXIT.usage });
  }
  if (!existsSync(join(root, 'org', 'org.yaml'))) {
    throw new LemmingError('no-org', `${root} holds no org (org/org.yaml is missing): \`lemming bootstrap\` writes the default org there, \`lemming demo\` writes it and runs a first task, or pass --root`);
  }
}
