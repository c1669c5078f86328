import { createHash } from 'node:crypto';
import type { ToolDefinition } from '../../providers/provider.js';
import type { BuiltPrompt } from './build-prompt.js';

/** Digests of the pieces many prompts share (the org's list of everyone, the closing instructions), by content. */
const sharedDigests = new Map<string, string>();
/** Digests of the tools offered, by array: one array per resume's list (turn/tools.ts). */
const toolDigests = new WeakMap<readonly ToolDefinition[], string>();

function sharedDigest(text: string): string {
  let digest = sharedDigests.get(text);
  if (digest === undefined) {
    digest = createHash('sha256').update(text).digest('base64url');
    // Pieces change only with the org's files; a long run that changes them often starts afresh.
    if (sharedDigests.size >= 1_000) sharedDigests.clear();
    sharedDigests.set(text, digest);
  }
  return digest;
}

function toolsDigest(tools: readonly ToolDefinition[]): string {
  let digest = toolDigests.get(tools);
  if (digest === undefined) {
    digest = createHash('sha256').update(JSON.stringify(tools)).digest('base64url');
    toolDigests.set(tools, digest);
  }
  return digest;
}

/**
 * A digest of the prompt the engine built for a call (its model, system prompt, messages and
 * tools): journaled with the plan before the call is made, so a turn finished after a crash can
 * tell that it asks the very question it asked before. Pieces many prompts share are digested
 * once and stand in by their digest, so an org of 10,000 agents who may all write to each other
 * does not hash its list of everyone 10,000 times.
 */
export function promptDigest(prompt: Pick<BuiltPrompt, 'request' | 'systemPieces'>): string {
  const { request, systemPieces } = prompt;
  const hash = createHash('sha256').update(request.model).update('\0');
  if (systemPieces.system === request.system) {
    for (const piece of systemPieces.pieces) hash.update(typeof piece === 'string' ? piece : `\0${sharedDigest(piece.shared)}\0`);
  } else {
    hash.update(request.system);
  }
  for (const message of request.messages) hash.update(`\0${message.role}\0`).update(message.content);
  hash.update('\0').update(toolsDigest(request.tools));
  return hash.digest('base64url').slice(0, 16);
}
