import { join } from 'node:path';

/** Where the engine keeps its own files, under `org/state/` (never hand-edited). */
export function statePaths(root: string) {
  const directory = join(root, 'org', 'state');
  return {
    directory,
    lock: join(directory, 'lock'),
    state: join(directory, 'engine.json'),
    ledger: join(directory, 'ledger.jsonl'),
    journal: join(directory, 'journal.jsonl'),
    humanRead: join(directory, 'human-read.json'),
  };
}

/** Where one agent's files lie, under `agents/<name>/`. */
export interface AgentPaths {
  directory: string;
  resume: string;
  outbox: string;
  /** Folder of the agent's notes, one `<key>.md` each. */
  memory: string;
  logs: string;
  /** The activity log, `logs/activity.jsonl`. */
  log: string;
}

/** Paths are asked for several times per agent per turn; building them once saves thousands of joins a turn. */
const agentPathCache = new Map<string, AgentPaths>();

/** The paths of an agent's files. Cached: the object returned is shared, so do not change it. */
export function agentPaths(root: string, agent: string): AgentPaths {
  const key = `${root}\n${agent}`;
  let paths = agentPathCache.get(key);
  if (!paths) {
    const directory = join(root, 'agents', agent);
    paths = {
      directory,
      resume: join(directory, 'resume.md'),
      outbox: join(directory, 'outbox'),
      memory: join(directory, 'memory'),
      logs: join(directory, 'logs'),
      log: join(directory, 'logs', 'activity.jsonl'),
    };
    if (agentPathCache.size > 100_000) agentPathCache.clear();
    agentPathCache.set(key, paths);
  }
  return paths;
}
