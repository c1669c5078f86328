import type { Priority } from '../../mailbox/message.js';
import { namesOf, parseCondition } from '../../engine/human/recipients.js';
import type { SentMessage } from '../../engine/human/send-as-human.js';
import { sendToMany } from '../../library/human-actions.js';
import { HUMAN } from '../../org/names.js';
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
  /** `--where FIELD=VALUE`, repeatable: everyone whose persona has every one of these values. */
  where?: string[];
}

/** The most sends listed one a line; past it, a count and the first and last. */
const LISTED = 10;

/**
 * `lemming send <agent> <text>`: a message from the human; `-` reads the text from standard input.
 * `<agent>` may be a list (`a,b,c`); with `--where FIELD=VALUE` (repeatable) every positional word
 * is text and the recipients are everyone whose persona has those values. Each recipient gets its
 * own message, all checked against the chart before any is written, in one load of the org.
 * With `--from AGENT` the message goes into that agent's outbox, as if it had sent it: the same
 * checks of the chart and caps, and the engine delivers it at its next turn like the agent's own.
 */
export async function sendCommand(root: string, to: string | undefined, words: string[], options: SendOptions, output: Output): Promise<number> {
  const where = (options.where ?? []).map(parseCondition);
  // With --where the recipients are chosen by persona: what came first is text, not a name.
  const text = where.length > 0 && to !== undefined ? [to, ...words] : words;
  const body = text.length === 1 && text[0] === '-' ? await readStandardInput() : text.join(' ');
  const from = options.from ?? HUMAN;
  const { sent, maxBodyChars } = sendToMany(root, {
    to: where.length > 0 || to === undefined ? [] : namesOf(to),
    ...(where.length > 0 ? { where: Object.fromEntries(where.map((condition) => [condition.field, condition.value])) } : {}),
    body,
    from,
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
  });
  const shown = sent.length <= LISTED ? sent : [sent[0], sent.at(-1)].filter((item): item is SentMessage => item !== undefined);
  for (const [index, { message, file }] of shown.entries()) {
    if (sent.length > LISTED && index === 1) output.out(`... ${sent.length - 2} more ...`);
    output.out(`sent ${message.id}${from === HUMAN ? '' : ` from ${from}`} to ${message.to}: ${file}`);
  }
  if (sent.length > 1) output.out(`${sent.length} messages sent, one to each recipient`);
  const cutCharacters = sent[0]?.cutCharacters ?? 0;
  if (cutCharacters > 0) {
    output.err(`lemming: the text was ${body.length} characters; messages are capped at ${maxBodyChars} (org.yaml engine.max_body_chars), so the last ${cutCharacters} were cut and the message says so`);
  }
  output.out(`the next turn delivers ${sent.length > 1 ? 'them' : 'it'} (\`lemming run\` or \`lemming run-once\`)`);
  return 0;
}
