import type { Priority } from '../../mailbox/message.js';
import { send } from '../../library/human-actions.js';
import { HUMAN } from '../../org/names.js';
import { loadOrg } from '../../org/load-org.js';
import { readStandardInput, type Output } from '../cli-context.js';

/** The flags of `lemming send`. */
export interface SendOptions {
  subject?: string;
  /** Already one of the priorities: commander's `.choices()` refuses anything else. */
  priority?: Priority;
  /** The id of the message this answers. */
  replyTo?: string;
  /** `--from AGENT`: the agent whose outbox the message goes into (default: the human's). */
  from?: string;
}

/**
 * `lemming send <agent> <text>`: a message from the human; `-` reads the text from standard input.
 * With `--from AGENT` the message goes into that agent's outbox, as if it had sent it: the same
 * checks of the chart and caps, and the engine delivers it at its next turn like the agent's own.
 */
export async function sendCommand(root: string, to: string, words: string[], options: SendOptions, output: Output): Promise<number> {
  const { org } = loadOrg(root);
  const body = words.length === 1 && words[0] === '-' ? await readStandardInput() : words.join(' ');
  const from = options.from ?? HUMAN;
  const { message, file, cutCharacters } = send(root, {
    to,
    body,
    from,
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
  });
  output.out(`sent ${message.id}${from === HUMAN ? '' : ` from ${from}`} to ${to}: ${file}`);
  if (cutCharacters > 0) {
    const limit = org.settings.max_body_chars;
    output.err(`lemming: the text was ${body.length} characters; messages are capped at ${limit} (org.yaml engine.max_body_chars), so the last ${cutCharacters} were cut and the message says so`);
  }
  output.out('the next turn delivers it (`lemming run` or `lemming run-once`)');
  return 0;
}
