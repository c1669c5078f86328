/** How many rows the chat's two scrolling parts get: the conversation, and the answer to the last line typed. */
export interface ChatLayout {
  conversation: number;
  /** 0 when there is no answer to show. */
  panel: number;
}

/** The conversation keeps at least this many rows, so whom a message goes to stays on screen. */
const MIN_CONVERSATION = 3;

/**
 * Share the terminal's rows between the conversation and the answer panel. `fixedRows`
 * counts what is always drawn (header, input line, key hints, drive and edit lines); one
 * row is left free, since a frame as tall as the terminal makes ink redraw the whole screen
 * and scroll its header away. A message asked for in full (`reading`: /read, /inbox, /help)
 * may take all but a few rows of the conversation; other answers a third of the space. An
 * answer taller than its rows scrolls (see ChatPanel). Pure.
 */
export function chatLayout(input: { rows: number; fixedRows: number; panelRows: number; reading: boolean }): ChatLayout {
  const space = Math.max(2, input.rows - 1 - input.fixedRows);
  if (input.panelRows === 0) return { conversation: space, panel: 0 };
  // The panel sits one blank row below the conversation.
  const most = input.reading ? space - 1 - MIN_CONVERSATION : Math.max(3, Math.floor(space / 3));
  const panel = Math.max(1, Math.min(input.panelRows, most));
  return { conversation: Math.max(1, space - 1 - panel), panel };
}
