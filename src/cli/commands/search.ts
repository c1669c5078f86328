import { requireOrgRoot } from '../../org/must-exist.js';
import type { IndexedMessage } from '../../web/search/indexed-message.js';
import { parseFilterQuery } from '../../web/search/message-filter.js';
import { MessageIndex } from '../../web/search/message-index.js';
import type { Output } from '../cli-context.js';
import { formatCount, showCredits } from '../../format/format.js';

/** The filters of `lemming search`, as given on the command line. */
export interface SearchOptions {
  from?: string;
  to?: string;
  turnFrom?: number;
  turnTo?: number;
  priority?: string;
  subject?: string;
  limit?: number;
  json?: boolean;
}

/** One message as a line: turn, id, sender and recipient, subject or the start of the body. */
export function messageLine(message: IndexedMessage, indent = ''): string {
  const to = message.others === undefined ? message.to : [message.to, ...message.others].join(', ');
  return `${indent}[turn ${message.turn}] ${message.id} ${message.from} -> ${to}: ${message.subject ?? message.preview.slice(0, 80)}`;
}

/** What the call that wrote a message cost, for a line: ` · 1,234 tokens · 0.0030 credits`; nothing for the human's. */
export function costSuffix(message: Pick<IndexedMessage, 'credits' | 'tokens'>): string {
  return message.credits === undefined ? '' : ` · ${formatCount(message.tokens ?? 0)} tokens · ${showCredits(message.credits)} credits`;
}

/**
 * `lemming search "<query>"`: full-text search of every message, on the index the dashboard
 * uses (`org/state/cache/search-index.json`, built or brought up to date first). Exit 1 when
 * nothing matches.
 */
export function searchCommand(root: string, query: string, options: SearchOptions, output: Output): number {
  requireOrgRoot(root);
  const { filter, page } = parseFilterQuery({
    from: options.from,
    to: options.to,
    turn_from: options.turnFrom?.toString(),
    turn_to: options.turnTo?.toString(),
    priority: options.priority,
    subject: options.subject,
    limit: String(options.limit ?? 20),
  });
  const found = MessageIndex.open(root).findPage(query, filter, page.limit);
  const hits = found.hits;
  if (options.json) {
    output.out(JSON.stringify({ query, ...found }, null, 2));
  } else {
    if (hits.length === 0) output.out(`no message matches ${JSON.stringify(query)}`);
    for (const hit of hits) output.out(`${messageLine(hit)}${costSuffix(hit)}  (${hit.file})`);
    if (found.total > hits.length) output.out(`${hits.length} of ${found.total} shown${found.ranked ? '' : ' (newest first: these words are in nearly every message)'}; --limit shows more`);
  }
  return hits.length === 0 ? 1 : 0;
}
