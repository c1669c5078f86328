import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { outboxPath } from '../../mailbox/message-file.js';
import { isMessageFileName } from '../../mailbox/outbox-scan.js';
import { isValidAgentName } from '../../org/names.js';

/**
 * Every message file in every outbox now, as paths from the root (`agents/manager/outbox/000012-001-planner.md`):
 * names only, no file read (some 100 ms at 100,000 messages). The dashboard takes it as it starts,
 * before it listens, so that what is written after the address is printed comes as events even
 * while the index is still being built (watch-thread.ts). A folder that cannot be listed is left out.
 */
export function outboxFiles(root: string): string[] {
  let agents: string[];
  try {
    agents = readdirSync(join(root, 'agents')).filter(isValidAgentName);
  } catch {
    return [];
  }
  const files: string[] = [];
  for (const agent of agents) {
    const folder = outboxPath(agent);
    try {
      for (const name of readdirSync(join(root, folder))) if (isMessageFileName(name)) files.push(`${folder}/${name}`);
    } catch {
      // Not a folder, or gone: nothing of it was there to know.
    }
  }
  return files;
}
