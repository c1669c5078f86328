import { createInterface } from 'node:readline';
import { AwaitedAnswer } from '../engine/human/awaited-answer.js';
import type { DriveOutcome } from '../engine/human/drive-until-reply.js';
import type { EngineEvent } from '../engine/events.js';
import { HUMAN } from '../org/names.js';
import type { ChatBackend } from '../ui/chat/chat-backend.js';
import { describeOutcome, type ChatDriver } from '../ui/chat/chat-driver.js';
import type { ChatSession } from '../ui/chat/chat-session.js';
import { messageLines, replyLines } from '../ui/chat/reply-lines.js';
import { watchOrgFiles, type FileWatch } from '../ui/watch/org-files-watcher.js';
import type { Output } from './cli-context.js';
import { problemLines } from './org-for-reading.js';
import { formatEvent } from './format-event.js';
import { paintEvent } from './paint-event.js';
import { historyWait } from './history-wait.js';
import { stopOnSignal } from './stop-signal.js';

/** What `chatLines` needs; a `driver` is given only with `--drive`. */
export interface ChatLinesOptions {
  root: string;
  backend: ChatBackend;
  session: ChatSession;
  driver?: ChatDriver;
  input: NodeJS.ReadableStream;
  output: Output;
  /** Paint the lines about engine events shown while driving. */
  colour: boolean;
}

/**
 * `lemming chat` without a terminal (or with `--plain`): each line read is a message
 * or a command, answered in plain lines; mail to the human is printed in full as it
 * arrives and marked read, as `lemming inbox` does. Ends at `/quit` or end of input.
 */
export async function chatLines(options: ChatLinesOptions): Promise<number> {
  // Edits are watched without a drive too: a person mending a broken file sees it acknowledged.
  const watch = watchOrgFiles(options.root, { edits: true, mail: true });
  try {
    // Mail written from the first line on must be seen: say hello only once the watcher sees every outbox.
    await watch.ready;
    await converse(options, watch);
  } finally {
    await watch.close();
  }
  return 0;
}

async function converse(options: ChatLinesOptions, watch: FileWatch): Promise<void> {
  const { output } = options;
  // Ctrl-C stops a drive cleanly (the turn stays journaled for the next run) and ends the chat; between drives nothing is under way.
  // Taken before the first line is printed: a signal with no listener yet would end the process as the system does, with no word.
  const wait = historyWait((line) => output.out(line));
  let driving = false;
  const stop = stopOnSignal(output, () => (driving ? wait.stopText() : 'no turn is under way; the chat ends'));
  try {
    await talk(options, watch, stop, wait, (now) => (driving = now));
  } finally {
    wait.dispose();
    stop.dispose();
  }
}

/** The chat itself: what waits for the person printed, then each line they type handled, until they quit, the input ends or `stop`. */
async function talk(
  options: ChatLinesOptions,
  watch: FileWatch,
  stop: { signal: AbortSignal },
  wait: ReturnType<typeof historyWait>,
  setDriving: (driving: boolean) => void,
): Promise<void> {
  const { backend, session, output } = options;
  const about = backend.describe();
  output.out(`chat as ${HUMAN} in ${about.org} (turn ${about.turn}), writing to ${session.correspondent ?? 'nobody'}; /help lists the commands`);
  for (const line of problemLines(backend.problems())) output.out(line);
  const seen = new Set<string>();
  const printNew = (): void => {
    const fresh = backend.messages().filter((message) => message.to === HUMAN && !seen.has(message.id));
    for (const message of fresh.sort((left, right) => left.turn - right.turn || left.id.localeCompare(right.id))) {
      seen.add(message.id);
      for (const line of messageLines(message)) output.out(line.text);
    }
    backend.markRead(fresh.filter((message) => message.unread).map((message) => message.id));
  };
  // What was read before starting is not news; what is unread is printed first.
  for (const message of backend.messages()) if (!message.unread) seen.add(message.id);
  printNew();
  watch.subscribe((change) => {
    if (change.kind === 'mail') printNew();
    else for (const notice of change.notices) output.out(notice.text);
  });
  const lines = createInterface({ input: options.input, crlfDelay: Infinity });
  stop.signal.addEventListener('abort', () => lines.close());
  // A Ctrl-C that came while the lines above were printed ends the chat before it reads one.
  if (stop.signal.aborted) lines.close();
  try {
    for await (const line of lines) {
      const reply = await session.handle(line);
      if (reply.kind === 'quit') break;
      for (const replyLine of replyLines(reply, options.driver !== undefined && reply.kind === 'sent')) output.out(replyLine.text);
      if (reply.kind === 'sent' && options.driver) {
        const awaiting = new AwaitedAnswer();
        awaiting.expect({ id: reply.id, to: reply.to, title: reply.title });
        options.output.out(`driving: waiting for ${awaiting.describe() ?? 'a reply'}`);
        setDriving(true);
        try {
          await drive(options.driver, stop.signal, options, awaiting, wait.seen);
        } finally {
          setDriving(false);
        }
      }
      printNew();
      if (stop.signal.aborted) break;
    }
  } finally {
    lines.close();
  }
}

async function drive(driver: ChatDriver, signal: AbortSignal, options: ChatLinesOptions, awaiting: AwaitedAnswer, seen: (event: EngineEvent) => void): Promise<void> {
  const iterator = driver.drive(signal, awaiting);
  let replier: string | undefined;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done) {
        const outcome: DriveOutcome = next.value;
        options.output.out(describeOutcome(outcome, replier));
        return;
      }
      const event = next.value;
      seen(event);
      if (event.type === 'message-delivered' && ((event.message.to === HUMAN && replier === undefined) || event.message.id === awaiting.answer)) replier = event.message.from;
      const line = formatEvent(event);
      if (line !== undefined) options.output.out(line, options.colour ? (escaped) => paintEvent(event, escaped) : undefined);
    }
  } catch (error) {
    options.output.out(`not driving: ${error instanceof Error ? error.message : String(error)}`);
  }
}
