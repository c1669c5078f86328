import { orgStatus } from '../../engine/human/org-status.js';
import { MessageIndex } from '../../web/search/message-index.js';
import type { RequestView } from '../../web/search/requests.js';
import { formatCount, showCredits } from '../../format/format.js';
import type { Output } from '../cli-context.js';
import { orgForReading } from '../org-for-reading.js';

/** Where a request stands, in words: `answered by manager in turn 5`, `waiting on coder_01 since turn 2`. */
export function requestState(request: RequestView): string {
  if (request.answer) return `answered by ${request.answer.from} in turn ${request.answer.turn} (${request.answer.id})`;
  if (request.waitingOn.length === 0) return 'nobody holds it';
  return request.waitingOn
    .map((waiting) => `${waiting.stuck ? 'stuck with' : 'waiting on'} ${waiting.agent} since turn ${waiting.since}${waiting.stuck ? `: ${waiting.agent} ${waiting.stuck}` : ''}`)
    .join('; ');
}

/**
 * `lemming requests`: every request the human made (a message that answers no other), oldest
 * first, and where it stands, derived from its thread: answered, or waiting on whom since which
 * turn, stuck with an agent held or out of credits; whom it went through, and what it cost.
 */
export function requestsCommand(root: string, options: { json?: boolean }, output: Output): number {
  const { org } = orgForReading(root, output);
  const requests = MessageIndex.open(root).requests(orgStatus(org).agents);
  if (options.json) {
    output.out(JSON.stringify({ requests }, null, 2));
    return 0;
  }
  if (requests.length === 0) output.out('the human has made no request yet: `lemming send manager "..."` makes one');
  for (const request of requests) {
    const via = request.handedTo.slice(1);
    output.out(`[turn ${request.turn}] ${request.id} to ${request.to}: ${request.subject ?? request.preview.slice(0, 80)}`);
    output.out(
      `  ${requestState(request)}${via.length > 0 ? `; via ${via.join(', ')}` : ''}; ${request.messages} message(s), ${formatCount(request.tokens)} tokens, ${showCredits(request.credits)} credits`,
    );
  }
  return 0;
}
