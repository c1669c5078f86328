import { SHARED_PATH, WORKSPACE_PATH } from './bwrap-arguments.js';

/**
 * The whole environment a command sees. It is written here, never copied from lemming's own, so
 * no key, token or `.env` value can reach a command, its children or /proc/<pid>/environ. A
 * tool's own variables (an org tool's arguments, `TOOL_*`) are added to it by name.
 */
export function sandboxEnvironment(options: { shared: boolean; workspace?: string; shareDir?: string }): Record<string, string> {
  const workspace = options.workspace ?? WORKSPACE_PATH;
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: '/tmp',
    TMPDIR: '/tmp',
    USER: 'agent',
    LOGNAME: 'agent',
    SHELL: '/bin/sh',
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    TERM: 'dumb',
    NO_COLOR: '1',
    // Python leaves no __pycache__ in the workspace, and prints as it goes.
    PYTHONDONTWRITEBYTECODE: '1',
    PYTHONUNBUFFERED: '1',
    WORKSPACE: workspace,
    ...(options.shared ? { SHARED: options.shareDir ?? SHARED_PATH } : {}),
  };
}
