import { lstatSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { errorMessage } from '../errors.js';
import type { Agent } from '../org/org.js';
import { toolError, type ToolResult } from './tool-result.js';
import { ownWorkspace, SHARED_PREFIX, SHARED_WORKSPACE } from './workspace/workspace-path.js';

/** The longest name most file systems allow for one part of a path, in bytes. */
const NAME_MAX = 255;

/**
 * A path under the org root as the agent names it: `notes.md` in its own workspace,
 * `shared/plan.md` in the org's, or nothing for any other place (a host path is never shown).
 */
function agentPath(root: string, agent: Agent, absolute: string): string | undefined {
  const fromRoot = relative(root, absolute).split(sep).join('/');
  const own = ownWorkspace(agent.name);
  if (fromRoot === own) return '.';
  if (fromRoot.startsWith(`${own}/`)) return fromRoot.slice(own.length + 1);
  if (fromRoot === SHARED_WORKSPACE) return SHARED_PREFIX;
  if (fromRoot.startsWith(`${SHARED_WORKSPACE}/`)) return `${SHARED_PREFIX}/${fromRoot.slice(SHARED_WORKSPACE.length + 1)}`;
  return undefined;
}

/** The first part of `absolute`, walking down from `root`, that exists and is not a folder: what ENOTDIR met. */
function fileInTheWay(root: string, absolute: string): string | undefined {
  let path = root;
  for (const part of relative(root, absolute).split(sep)) {
    path = join(path, part);
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (stat === undefined) return undefined;
    if (!stat.isDirectory()) return path;
  }
  return undefined;
}

/** The reason for an errno, in the agent's terms; `named` is the path as the agent gave it, or a stand-in. */
function reasonFor(code: string | undefined, named: string, root: string, absolute: string | undefined, agent: Agent): string | undefined {
  switch (code) {
    case 'ENOTDIR': {
      const blocker = absolute === undefined ? undefined : fileInTheWay(root, absolute);
      const name = blocker === undefined ? undefined : agentPath(root, agent, blocker);
      return name === undefined ? `${named}: a part of the path is a file, not a folder` : `${name} is a file, not a folder`;
    }
    case 'ENAMETOOLONG':
      return `${named}: a name in the path is too long (at most ${NAME_MAX} bytes for each part)`;
    case 'EACCES':
    case 'EPERM':
      return `${named} cannot be used: permission denied`;
    case 'ELOOP':
      return `${named} goes through too many symbolic links (or a link that points to itself)`;
    case 'EISDIR':
      return `${named} is a folder, not a file`;
    case 'ENOENT':
      return `${named} does not exist`;
    case 'EEXIST':
      return `${named} already exists`;
    case 'ENOTEMPTY':
      return `${named} is a folder that is not empty`;
    case 'EMFILE':
    case 'ENFILE':
      return 'too many files are open on this machine right now; try again in a later step';
    case 'EBUSY':
    case 'ETXTBSY':
      return `${named} is busy; try again in a later step`;
    case 'EINVAL':
      return `${named} is not a name the file system accepts`;
    default:
      return undefined;
  }
}

/**
 * An unexpected failure inside a tool, as the tool's result: the model reads a plain reason in
 * its own terms (`notes.md is a file, not a folder`), never a host path such as the org's
 * location, and the turn goes on. Errors of the file system are named by their path as the
 * agent would give it; anything else by its message with the org's location cut out.
 */
export function toolFailure(tool: string, error: unknown, context: { root: string; agent: Agent }): ToolResult {
  const failure = error as NodeJS.ErrnoException | undefined;
  const code = typeof failure?.code === 'string' ? failure.code : undefined;
  const absolute = typeof failure?.path === 'string' ? failure.path : undefined;
  const named = (absolute === undefined ? undefined : agentPath(context.root, context.agent, absolute)) ?? 'the path';
  const reason = reasonFor(code, named, context.root, absolute, context.agent);
  if (reason !== undefined) return toolError(`${tool}: ${reason}`);
  const message = errorMessage(error).split(context.root).join('<org>');
  return toolError(`${tool} failed${code === undefined ? '' : ` (${code})`}: ${message.slice(0, 500)}`);
}
