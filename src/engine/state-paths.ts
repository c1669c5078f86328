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

export function agentPaths(root: string, agent: string) {
  const directory = join(root, 'agents', agent);
  return {
    directory,
    resume: join(directory, 'resume.md'),
    outbox: join(directory, 'outbox'),
    memory: join(directory, 'memory'),
    logs: join(directory, 'logs'),
    log: join(directory, 'logs', 'activity.jsonl'),
  };
}
