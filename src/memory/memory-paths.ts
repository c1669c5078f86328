import { join } from 'node:path';

/** An agent's memory stream, `agents/<name>/memory/stream/`: beside its notes, one file per memory. */
export function streamFolder(root: string, agent: string): string {
  return join(root, 'agents', agent, 'memory', 'stream');
}

/** The same, relative to the org root, as `lemming memory` and the docs name it. */
export function streamFolderName(agent: string): string {
  return `agents/${agent}/memory/stream`;
}

/** Where an agent's stream index is kept between processes: machine-local, rebuilt from the files when missing (memory-index.ts). */
export function memoryCacheFile(root: string, agent: string): string {
  return join(root, 'org', 'state', 'cache', 'memory', `${agent}.json`);
}

/** Which memories each turn's prompt recalled, `agents/<name>/memory/recalled/<turn>.md`: the accesses recency is counted from (memory-access.ts). */
export function recalledFolder(root: string, agent: string): string {
  return join(root, 'agents', agent, 'memory', 'recalled');
}
