import { hash } from 'node:crypto';
import type { BuiltPrompt } from './build-prompt.js';

/**
 * A digest of the prompt the engine built for a call, journaled with the plan before the call is
 * made, so a turn finished after a crash can tell that it asks the very question it asked before.
 * It covers what the planned org (journaled as a snapshot, with which a recovered turn is finished)
 * does not fix: the model, the agent's notes (the system prompt's last piece) and the messages
 * (its mail, the waiting count, the tool exchange). The rest of the system prompt and the tools
 * come from the org alone. One short hash a call: at 10,000 agents it must not weigh on a turn.
 */
export function promptDigest(prompt: Pick<BuiltPrompt, 'request' | 'systemPieces'>): string {
  const { request, systemPieces } = prompt;
  const last = systemPieces.pieces.at(-1);
  const notes = systemPieces.system === request.system && typeof last === 'string' ? last : request.system;
  let text = `${request.model}\0${notes}`;
  for (const message of request.messages) text += `\0${message.role}\0${message.content}`;
  return hash('sha1', text, 'base64url').slice(0, 16);
}
