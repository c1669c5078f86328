import { useCallback, useEffect, useMemo, useState } from 'react';
import { Box, useInput, useStdin } from 'ink';
import { Text } from '../shared/text.js';
import { EditNotices } from '../shared/edit-notices.js';
import { screenRows } from '../shared/screen-rows.js';
import { useTerminalSize } from '../shared/use-terminal-size.js';
import { addEditNotices, problemNotices, type EditNotice } from '../watch/describe-org-change.js';
import type { FileWatch } from '../watch/org-files-watcher.js';
import { useFileWatch } from '../watch/use-file-watch.js';
import type { ChatBackend } from './chat-backend.js';
import type { ChatDriver } from './chat-driver.js';
import { chatLayout } from './chat-layout.js';
import { ChatPanel, panelOffset, panelRows } from './chat-panel.js';
import type { ChatReply, ChatSession } from './chat-session.js';
import { conversationLines, groupConversations, lastLines, wholeMessages } from './conversation.js';
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
  /** `--drive`: advance turns after each message until it is answered. */
  driver?: ChatDriver;
  onQuit: () => void;
  /** Aborted when the process is told to stop (SIGTERM, or SIGINT without raw mode): leave as `/quit` does. */
  quitSignal?: AbortSignal;
}

const MAX_EDIT_LINES = 3;
/** A message's body is cut to the conversation's height less this (its heading, header and "more" line). */
const AROUND_BODY = 3;
/** Key hints: each fits an 80-column terminal. */
export const CHAT_KEYS = 'Enter sends · PgUp/PgDn scroll · /reply · /read · /to · /inbox · /help · /quit';

/**
 * `lemming chat`: the person as the `human` agent. Their conversations fill the
 * screen, newest at the bottom; below them, what the chat answered, and the line
 * they type into. The frame is always shorter than the terminal, so the header stays
 * put; the answer (a whole message from /read) and the conversation scroll with
 * PgUp/PgDn. A message shown whole counts as read: its ● clears.
 */
export function ChatScreen({ backend, session, watch, driver, onQuit, quitSignal }: ChatScreenProps) {
  const { messages, about, refresh, refreshSoon } = useConversation(backend);
  const [reply, setReply] = useState<ChatReply | undefined>(undefined);
  // Broken org files do not stop the chat: they are shown from the start, and cleared as they are mended.
  const [edits, setEdits] = useState<EditNotice[]>(() => problemNotices(backend.problems(), 'open'));
  const [leaving, setLeaving] = useState(false);
  // Rows the answer is scrolled down, and rows the conversation is scrolled back from its newest line.
  const [answerScroll, setAnswerScroll] = useState(0);
  const [conversationScroll, setConversationScroll] = useState(0);
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
        setAnswerScroll(0);
        if (answer.kind === 'sent') setConversationScroll(0);
        // /read and /inbox marked mail read: the conversation's marks must say so too.
        if (answer.kind === 'sent' || answer.kind === 'inbox' || answer.kind === 'read') refresh();
        if (answer.kind === 'sent') drive.start({ id: answer.id, to: answer.to, title: answer.title });
        return undefined;
      };
      const answer = session.handle(line);
      if (answer instanceof Promise) void answer.then(show);
      else show(answer);
      return undefined;
    },
    [session, leave, refresh, drive],
  );

  const { rows, columns } = useTerminalSize();
  const panel = useMemo(() => panelRows(replyLines(reply, drive.state.driving), columns), [reply, drive.state.driving, columns]);
  // A message asked for in full (/read, /inbox) and the command list (/help) may take most of the screen; other answers a third of it.
  const reading = reply?.kind === 'read' || reply?.kind === 'inbox' || reply?.kind === 'help';
  const driveHeight = driver ? driveLines(drive.state).length : 0;
  const editHeight = edits.length > 0 ? 2 + edits.slice(-MAX_EDIT_LINES).reduce((sum, edit) => sum + (edit.tone === 'problem' ? screenRows(edit.text, columns).length : 1), 0) : 0;
  const unread = messages.filter((message) => message.unread).length;
  const correspondent = session.correspondent;
  const header = headerParts(about, correspondent, unread, driver !== undefined);
  // The header wraps rather than cut its own words: a second row at 80 columns with --drive, counted here.
  const headerRows = screenRows(header.join(''), columns).length;
  const layout = chatLayout({ rows, fixedRows: headerRows + 2 + driveHeight + editHeight, panelRows: panel.length, reading });
  const allLines = useMemo(() => conversationLines(groupConversations(messages), Math.max(1, layout.conversation - AROUND_BODY), columns), [messages, layout.conversation, columns]);
  const mostScroll = Math.max(0, allLines.length - layout.conversation);
  const shownLines = lastLines(allLines, layout.conversation, Math.min(conversationScroll, mostScroll));
  const answerScrolls = panel.length > layout.panel;

  // A message on screen whole has been read: its file is marked so (as /read does), and its ● goes.
  useEffect(() => {
    const whole = wholeMessages(allLines, shownLines);
    const seen = messages.filter((message) => message.unread && whole.has(message.id)).map((message) => message.id);
    if (seen.length === 0) return;
    backend.markRead(seen);
    refreshSoon();
  });

  // ink reports stdin.isTTY as is: undefined for a pipe, which useInput would take as "active".
  const keys = useStdin().isRawModeSupported === true;
  useInput(
    (input, key) => {
      if (key.ctrl && input === 'c') leave();
      if (!key.pageUp && !key.pageDown) return;
      // The answer scrolls when it is taller than its rows; otherwise the conversation does.
      if (answerScrolls) {
        const page = Math.max(1, layout.panel - 2);
        setAnswerScroll((offset) => panelOffset(panelOffset(offset, panel.length, layout.panel) + (key.pageDown ? page : -page), panel.length, layout.panel));
      } else {
        const page = Math.max(1, layout.conversation - 2);
        setConversationScroll((offset) => Math.max(0, Math.min(mostScroll, Math.min(offset, mostScroll) + (key.pageUp ? page : -page))));
      }
    },
    { isActive: keys && !leaving },
  );

  const scrolledBack = Math.min(conversationScroll, mostScroll);

  return (
    <Box flexDirection="column">
      <Text wrap="wrap">
        <Text bold>{header[0]}</Text>
        {header[1]}
        {header[2] ? <Text color="yellow">{header[2]}</Text> : null}
        {header[3] ? <Text dimColor>{header[3]}</Text> : null}
      </Text>
      <ConversationView lines={shownLines} {...(correspondent ? { current: correspondent } : {})} height={layout.conversation} />
      {driver ? <DriveArea state={drive.state} /> : null}
      <EditNotices notices={edits} maxLines={MAX_EDIT_LINES} />
      <ChatPanel rows={panel} height={layout.panel} offset={answerScroll} />
      <TextInput
        prompt={`${correspondent ?? 'nobody'} › `}
        onSubmit={submit}
        onComplete={(line) => session.complete(line)}
        isActive={keys && !leaving}
      />
      <Text dimColor wrap="truncate-end">
        {leaving ? 'leaving…' : scrolledBack > 0 ? `scrolled back ${scrolledBack} line(s) · PgDn returns to the newest · ${CHAT_KEYS}` : CHAT_KEYS}
      </Text>
    </Box>
  );
}

function driveLines(state: DriveState): string[] {
  const lines = [...state.activity];
  // What is waited for has a line of its own: the request's words and who holds it must not be cut.
  if (state.driving && state.waitingFor) lines.push(`waiting for ${state.waitingFor}`);
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

/** The header's parts: the org and turn, whom the person writes to, unread mail, and what --drive does. Pure. */
function headerParts(about: { org: string; turn: number }, correspondent: string | undefined, unread: number, driving: boolean): [string, string, string, string] {
  return [`lemming chat · ${about.org} · turn ${about.turn}`, ` · writing to ${correspondent ?? 'nobody'}`, unread > 0 ? ` · ● ${unread} unread` : '', driving ? ' · --drive: turns run after each message' : ''];
}
