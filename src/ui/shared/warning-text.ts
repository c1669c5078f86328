import type { EngineEvent } from '../../engine/events.js';
import { quotePathNames } from '../../mailbox/message-text.js';

type Warning = Extract<EngineEvent, { type: 'warning' }>;

/**
 * A run's warning, for the run screen, the chat and the plain output alike: the file it is about (a name
 * of its path no name could be quoted, quotePathNames), then what is wrong. Pure.
 */
export function warningText(event: Pick<Warning, 'file' | 'message'>): string {
  return `${event.file ? `${quotePathNames(event.file)}: ` : ''}${event.message}`;
}
