import { useCallback, useEffect, useState } from 'react';
import { Box, useInput, useStdin } from 'ink';
import { Text } from '../shared/text.js';
import { EditNotices } from '../shared/edit-notices.js';
import { useTerminalRows } from '../shared/use-terminal-rows.js';
import { addEditNotices, problemNotices, type EditNotice } from '../watch/describe-org-change.js';
import type { FileWatch } from '../watch/org-files-watcher.js';
import { useFileWatch } from '../watch/use-file-watch.js';
import type { ChatBackend } from './chat-backend.js';
import type { ChatDriver } from './chat-driver.js';
import { ChatPanel } from './chat-panel.js';
import type { ChatReply, ChatSession } from './chat-session.js';
import { ConversationView } from './conversation-view.js';
import { replyLines } from './reply-lines.js';
import { TextInput } from './text-input.js';
import { useConversation } from './use-conversation.js';
import { useDrive, type DriveState } from './use-drive.js';

/** Props of `ChatScreen`; `onQuit` is called once any drive in progress has stopped. */
export interface ChatScreenProps {
  backend: ChatBackend;
  session: ChatSession;
  /** New mail (and, when driving, hand edits) as files change; a scripted one in tests. */
  watch?: FileWatch;
  /** `--drive`: advance turns after each message until someone writes back. */
  driver?: ChatDriver;
  onQuit: () => void;
  /** Aborted when the process is told to stop (SIGTERM, or SIGINT without raw mode): leave as `/quit` does. */
  quitSignal?: AbortSignal;
}

const MAX_EDIT_LINES = 3;

/**
 * `lemming chat`: the person as the `human` agent. Their conversations fill the
 * screen, newest at the bottom; below them, what the chat answered, and the line
 * they type into.
 */
export function ChatScreen({ backend, session, watch, driver, onQuit, quitSignal }: ChatScreenProps) {
  const { messages, about, refresh, refreshSoon } = useConversation(backend);
  const [reply, setReply] = useState<ChatReply | undefined>(undefined);
  // Broken org files do not stop the chat: they are shown from the start, and cleared as they are mended.
  const [edits, setEdits] = useState<EditNotice[]>(() => problemNotices(backend.problems(), 'open'));
  const [leaving, setLeaving] = useState(false);
  const drive = useDrive(driver, (event) => {
    if (event === undefined) refresh();
    else if (event.type === 'message-delivered' || event.type === 'turn-finished') refreshSoon();
  });
  useFileWatch(watch, (change) => {
    if (change.kind === 'mail') refreshSoon();
    else setEdits((previous) => addEditNotices(previous, change.notices, 20));
  });

  const leave = useCallback(() => {
    setLeaving(true);
    // A drive in progress is stopped cleanly first: the turn is journaled, never half-written.
    void drive.stop().then(onQuit);
  }, [drive, onQuit]);

  useEffect(() => {
    if (!quitSignal) return undefined;
    if (quitSignal.aborted) leave();
    quitSignal.addEventListener('abort', leave);
    return () => quitSignal.removeEventListener('abort', leave);
  }, [quitSignal, leave]);

  const submit = useCallback(
    (line: string) => {
      const show = (answer: ChatReply): void => {
        if (answer.kind === 'quit') return leave();
        setReply(answer);
        if (answer.kind === 'sent' || answer.kind === 'inbox') refresh();
        if (answer.kind === 'sent') drive.start();
        return undefined;
      };
      const answer = session.handle(line);
      if (answer instanceof Promise) void answer.then(show);
      else show(answer);
      return undefined;
    },
    [session, leave, refresh, drive],
  );

  // ink reports stdin.isTTY as is: undefined for a pipe, which useInput would take as "active".
  const keys = useStdin().isRawModeSupported === true;
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') leave();
    },
    { isActive: keys && !leaving },
  );

  const rows = useTerminalRows();
  const panel = replyLines(reply, drive.state.driving);
  // A message asked for in full (/read, /inbox) and the command list (/help) may take most of the screen; other answers a third of it.
  const reading = reply?.kind === 'read' || reply?.kind === 'inbox' || reply?.kind === 'help';
  const panelHeight = Math.min(panel.length, Math.max(3, reading ? rows - 10 : Math.floor(rows / 3)));
  const driveHeight = driver ? driveLines(drive.state).length : 0;
  const editHeight = edits.length > 0 ? Math.min(edits.length, MAX_EDIT_LINES) + 2 : 0;
  const conversationHeight = Math.max(4, rows - 5 - (panelHeight > 0 ? panelHeight + 1 : 0) - driveHeight - editHeight);
  const unread = messages.filter((message) => message.unread).length;
  const correspondent = session.correspondent;

  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text bold>{`lemming chat · ${about.org} · turn ${about.turn}`}</Text>
        {` · writing to ${correspondent ?? 'nobody'}`}
        {unread > 0 ? <Text color="yellow">{` · ● ${unread} unread`}</Text> : null}
        {driver ? <Text dimColor> · --drive: turns run after each message</Text> : null}
      </Text>
      <ConversationView messages={messages} {...(correspondent ? { current: correspondent } : {})} height={conversationHeight} />
      {driver ? <DriveArea state={drive.state} /> : null}
      <EditNotices notices={edits} maxLines={MAX_EDIT_LINES} />
      <ChatPanel lines={panel} maxLines={panelHeight} />
      <TextInput
        prompt={`${correspondent ?? 'nobody'} › `}
        onSubmit={submit}
        onComplete={(line) => session.complete(line)}
        isActive={keys && !leaving}
      />
      <Text dimColor wrap="truncate-end">
        {leaving ? 'leaving…' : 'Enter sends · /reply answers · /read · /to · /inbox · /status · /help · /quit'}
      </Text>
    </Box>
  );
}

function driveLines(state: DriveState): string[] {
  const lines = [...state.activity];
  if (state.driving) lines.push(`driving: turn ${state.turn ?? '…'} in progress`);
  else if (state.result) lines.push(state.result.text);
  return lines;
}

/** What the driven turns are doing, and how the last drive ended. */
function DriveArea({ state }: { state: DriveState }) {
  const lines = driveLines(state);
  if (lines.length === 0) return null;
  const last = lines.length - 1;
  return (
    <Box flexDirection="column">
      {lines.map((line, index) => (
        <Text
          key={index}
          wrap="truncate-end"
          dimColor={index < last}
          {...(index === last ? { color: state.driving ? 'cyan' : state.result?.tone === 'ok' ? 'green' : 'yellow' } : {})}
        >
          {line}
        </Text>
      ))}
    </Box>
  );
}
