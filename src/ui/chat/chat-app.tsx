import { render } from 'ink';
import { onStopSignals } from '../shared/stop-signals.js';
import { watchOrgFiles } from '../watch/org-files-watcher.js';
import type { ChatBackend } from './chat-backend.js';
import type { ChatDriver } from './chat-driver.js';
import { ChatScreen } from './chat-screen.js';
import type { ChatSession } from './chat-session.js';

/** What `chatTerminalUi` needs; a `driver` is given only with `--drive`. */
export interface ChatUiOptions {
  root: string;
  backend: ChatBackend;
  session: ChatSession;
  driver?: ChatDriver;
}

/**
 * `lemming chat` in a terminal. Outboxes are watched so new mail shows as soon as
 * it is written, by this chat's drive or by a `lemming run` in another terminal;
 * the org's files are watched for hand edits too.
 */
export async function chatTerminalUi(options: ChatUiOptions): Promise<void> {
  // Edits are watched without a drive too: a person mending a broken file sees it acknowledged.
  const watch = watchOrgFiles(options.root, { edits: true, mail: true });
  const quit = new AbortController();
  const stopListening = onStopSignals(() => quit.abort());
  const instance = render(
    <ChatScreen
      backend={options.backend}
      session={options.session}
      watch={watch}
      {...(options.driver ? { driver: options.driver } : {})}
      onQuit={() => instance.unmount()}
      quitSignal={quit.signal}
    />,
    { exitOnCtrlC: false },
  );
  try {
    await instance.waitUntilExit();
  } finally {
    stopListening();
    await watch.close();
  }
}
