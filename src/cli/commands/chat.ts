import { driveUntilReply } from '../../engine/human/drive-until-reply.js';
import { InvalidOrgError } from '../../errors.js';
import { requireOrgRoot } from '../../org/must-exist.js';
import { fileChatBackend } from '../../ui/chat/chat-backend.js';
import type { ChatDriver } from '../../ui/chat/chat-driver.js';
import { ChatSession } from '../../ui/chat/chat-session.js';
import { chatLines } from '../chat-lines.js';
import { commandIo, type Output } from '../cli-context.js';
import { colourWanted, prepareUiColour } from '../colour.js';
import { openEngine } from '../open-engine.js';
import { afterErasing, startingLine } from '../starting-line.js';

/** The flags of `lemming chat`. */
export interface ChatOptions {
  /** Advance turns after each message until it is answered. */
  drive?: boolean;
  /** The most turns one drive runs (default: org.yaml engine.max_turns). */
  turns?: number;
  /** Whom to write to first. */
  to?: string;
  /** Lines in, lines out, even in a terminal. */
  plain?: boolean;
  /** With --drive: `--queue redis://…`, model and MCP calls go to workers (default: org.yaml engine.queue). */
  queue?: string;
}

/**
 * A driver that takes the org's lock only while it drives: between messages a
 * `lemming run` in another terminal may work the org, and a drive that finds the
 * lock taken says so instead of waiting.
 */
function engineDriver(root: string, options: ChatOptions): ChatDriver {
  return {
    async *drive(signal, awaiting) {
      const opened = openEngine(root, drivenEngine(options));
      try {
        return yield* driveUntilReply(opened.engine, { maxTurns: options.turns ?? opened.engine.currentOrg.settings.max_turns, signal, ...(awaiting ? { awaiting } : {}) });
      } finally {
        await opened.close();
      }
    },
  };
}

/** How `chat --drive` opens its engine: as `run` does, through the queue when one is given. */
function drivenEngine(options: ChatOptions): { command: string; queue?: string } {
  return { command: 'chat --drive', ...(options.queue === undefined ? {} : { queue: options.queue }) };
}

/** `lemming chat`: the person as `human`, on a screen in a terminal, or a line at a time when piped. */
export async function chatCommand(root: string, options: ChatOptions, output: Output): Promise<number> {
  requireOrgRoot(root);
  const onScreen = !options.plain && commandIo().stdin.isTTY === true && commandIo().stdout.isTTY === true;
  // The screen's modules take most of a second to load, several under load: say at once that chat starts.
  // They are loaded when the session is ready: begun here, beside the little chat reads first, they came no sooner.
  const screen = onScreen ? { line: startingLine(commandIo().stdout, 'lemming chat', root) } : undefined;
  try {
    return await chat(root, options, screen ? afterErasing(output, screen.line) : output, screen);
  } finally {
    screen?.line.erase();
  }
}

async function chat(root: string, options: ChatOptions, output: Output, screen?: { line: { erase(): void } }): Promise<number> {
  const backend = fileChatBackend(root);
  const session = new ChatSession(backend, options.to !== undefined ? { to: options.to } : {});
  let driver: ChatDriver | undefined;
  if (options.drive) {
    // Refuse at once, rather than at the first message, when another engine holds the lock. Broken org files
    // do not stop the chat: it shows them, and each drive says why it cannot run until they are mended.
    try {
      await openEngine(root, drivenEngine(options)).close();
    } catch (error) {
      if (!(error instanceof InvalidOrgError)) throw error;
    }
    driver = engineDriver(root, options);
  }
  if (screen) {
    prepareUiColour(commandIo().stdout);
    // Loaded only here: the line mode and every other command never load ink or React.
    const { chatTerminalUi } = await import('../../ui/chat/chat-app.js');
    screen.line.erase();
    await chatTerminalUi({ root, backend, session, ...(driver ? { driver } : {}) });
    return 0;
  }
  return chatLines({ root, backend, session, ...(driver ? { driver } : {}), input: commandIo().stdin, output, colour: colourWanted(commandIo().stdout) });
}
