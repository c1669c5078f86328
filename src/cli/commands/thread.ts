import { EXIT, LemmingError } from '../../errors.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { MessageIndex } from '../../web/search/message-index.js';
import type { Output } from '../cli-context.js';
import { costSuffix, messageLine } from './search.js';

/**
 * `lemming thread <message-id>`: the conversation the message belongs to, built from `reply_to`: a
 * tree from the first message down, each reply indented under what it answers, with its turn, who
 * wrote it to whom, and what its call cost.
 */
export function threadCommand(root: string, id: string, options: { json?: boolean }, output: Output): number {
  requireOrgRoot(root);
  const thread = MessageIndex.open(root).thread(id);
  if (thread.length === 0) throw new LemmingError('not-found', `no message has the id ${JSON.stringify(id)}; ids look like 000012-manager-001 (\`lemming search\` finds them)`, { exitCode: EXIT.usage });
  if (options.json) {
    output.out(JSON.stringify({ id, messages: thread }, null, 2));
    return 0;
  }
  for (const message of thread) output.out(`${messageLine(message, '  '.repeat(message.depth))}${costSuffix(message)}${message.id === id ? '   <-' : ''}`);
  return 0;
}
