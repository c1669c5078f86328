import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChatBackend } from './chat-backend.js';
import type { ChatMessage } from './conversation.js';

/** New files can come in a burst (a turn writes many); read the folder once per burst. */
const SETTLE_MS = 30;

/** The human's messages and the org's turn, read again whenever `refresh` is called (new mail, a sent message). */
export function useConversation(backend: ChatBackend): { messages: ChatMessage[]; about: { org: string; turn: number }; refresh: () => void; refreshSoon: () => void } {
  const [messages, setMessages] = useState(() => backend.messages());
  const [about, setAbout] = useState(() => backend.describe());
  const timer = useRef<NodeJS.Timeout | undefined>(undefined);
  const refresh = useCallback(() => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = undefined;
    setMessages(backend.messages());
    setAbout(backend.describe());
  }, [backend]);
  const refreshSoon = useCallback(() => {
    timer.current ??= setTimeout(refresh, SETTLE_MS);
  }, [refresh]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return { messages, about, refresh, refreshSoon };
}
