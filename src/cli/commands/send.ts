import type { Priority } from '../../mailbox/message.js';
import { namesOf, parseCondition } from '../../engine/human/recipients.js';
import { cutSaying, type SentMessage } from '../../engine/human/send-as-human.js';
import { EXIT, LemmingError } from '../../errors.js';
import { sendAll, sendToMany } from '../../library/human-actions.js';
import { listOutgoingFiles, readOutgoingFiles, type OutgoingFile } from '../../library/outgoing-files.js';
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
  /** `--to a,b`: one message to all of them (one file), every positional word text. */
  to?: string;
  /** `--cc a,b`: copies of the one message. */
  cc?: string;
  /** `--file PATH`, repeatable: a message file, a folder of them, or `-` for standard input. */
  file?: string[];
}

/** The most sends listed one a line; past it, a count and the first and last. */
const LISTED = 10;

/**
 * `lemming send <agent> <text>`: a message from the human; `-` reads the text from standard input.
 * `<agent>` may be a list (`a,b,c`): each name gets its own message; with `--where FIELD=VALUE`
 * (repeatable) every positional word is text and the recipients are everyone whose persona has
 * those values. `--to a,b` and `--cc c,d` make one message, one file, read by every name, as an
 * agent's `send_message` with a `to` list and `cc`. `--file` sends the messages written in files
 * (front matter `to`, `cc`, `subject`, `priority`, `reply_to`, then the text), many in one process.
 * Every name is checked against the chart before any message is written, in one load of the org.
 * With `--from AGENT` the message goes into that agent's outbox, as if it had sent it: the same
 * checks of the chart and caps, and the engine delivers it at its next turn like the agent's own.
 */
export async function sendCommand(root: string, to: string | undefined, words: string[], options: SendOptions, output: Output): Promise<number> {
  const from = options.from ?? HUMAN;
  if (options.file !== undefined && options.file.length > 0) return sendFiles(root, to, words, options, from, output);
  const where = (options.where ?? []).map(parseCondition);
  const together = options.to !== undefined || options.cc !== undefined;
  if (together && where.length > 0) {
    throw new LemmingError('usage', '--where sends each person its own message, --to and --cc one message to all of them: give one or the other', { exitCode: EXIT.usage });
  }
  // With --where or --to the recipients are given apart: what came first is text, not a name.
  const text = (where.length > 0 || options.to !== undefined) && to !== undefined ? [to, ...words] : words;
  const body = text.length === 1 && text[0] === '-' ? await readStandardInput('the message') : text.join(' ');
  const fields = {
    body,
    ...(options.subject !== undefined ? { subject: options.subject } : {}),
    ...(options.priority !== undefined ? { priority: options.priority } : {}),
    ...(options.replyTo !== undefined ? { replyTo: options.replyTo } : {}),
  };
  const { sent, maxBodyChars } = together
    ? sendAll(root, [{ ...fields, to: namesOf(options.to ?? to ?? ''), cc: namesOf(options.cc ?? '') }], from)
    : sendToMany(root, {
        to: where.length > 0 || to === undefined ? [] : namesOf(to),
        ...(where.length > 0 ? { where: Object.fromEntries(where.map((condition) => [condition.field, condition.value])) } : {}),
        ...fields,
        from,
      });
  printSent(sent, from, together ? 'one file, read by each name' : 'one to each recipient', output);
  const cutCharacters = sent[0]?.cutCharacters ?? 0;
  if (cutCharacters > 0) {
    output.err(`lemming: ${cutSaying(body.length, maxBodyChars, cutCharacters)}`);
  }
  output.out(`the next turn delivers ${sent.length > 1 ? 'them' : 'it'} (\`lemming run\` or \`lemming run-once\`)`);
  return 0;
}

/** `--file`: the messages of the files (and folders, and standard input), all checked, then all sent, in one load of the org. */
async function sendFiles(root: string, to: string | undefined, words: string[], options: SendOptions, from: string, output: Output): Promise<number> {
  const given = [to !== undefined || words.length > 0 ? 'a recipient or text' : '', ...(['to', 'cc', 'where', 'subject', 'priority', 'replyTo'] as const).filter((key) => options[key] !== undefined).map((key) => `--${key === 'replyTo' ? 'reply-to' : key}`)].filter(
    (said) => said !== '',
  );
  if (given.length > 0) {
    throw new LemmingError('usage', `--file takes the recipients, subject and priority from each file's front matter; leave out ${given.join(', ')}`, { exitCode: EXIT.usage });
  }
  const paths = options.file ?? [];
  const files: OutgoingFile[] = [];
  for (const path of paths) {
    if (path === '-') files.push({ file: 'standard input', text: await readStandardInput('the message file (its front matter, then its body)') });
    else files.push(...listOutgoingFiles([path]));
  }
  const { sent, maxBodyChars } = sendAll(root, readOutgoingFiles(files), from);
  printSent(sent, from, `from ${files.length} file(s)`, output);
  const cut = sent.filter((each) => each.cutCharacters > 0);
  if (cut.length > 0) output.err(`lemming: ${cut.length} message(s) were longer than ${maxBodyChars} characters (org.yaml engine.max_body_chars): their ends were cut and each says so`);
  output.out(`the next turn delivers ${sent.length > 1 ? 'them' : 'it'} (\`lemming run\` or \`lemming run-once\`)`);
  return 0;
}

function printSent(sent: readonly SentMessage[], from: string, how: string, output: Output): void {
  const shown = sent.length <= LISTED ? sent : [sent[0], sent.at(-1)].filter((item): item is SentMessage => item !== undefined);
  for (const [index, { message, file }] of shown.entries()) {
    if (sent.length > LISTED && index === 1) output.out(`... ${sent.length - 2} more ...`);
    const names = [message.to, ...(message.alsoTo ?? [])].join(', ');
    output.out(`sent ${message.id}${from === HUMAN ? '' : ` from ${from}`} to ${names}${message.cc ? `, cc ${message.cc.join(', ')}` : ''}: ${file}`);
  }
  if (sent.length > 1) output.out(`${sent.length} messages sent, ${how}`);
}
