import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import MiniSearch, { type Options } from 'minisearch';
import { outboxPath, readMessageFile } from '../../mailbox/message-file.js';
import { isMessageFileName } from '../../mailbox/outbox-scan.js';
import { readersOf } from '../../org/lists/recipients.js';
import { isValidAgentName, nameRecord } from '../../org/names.js';
import type { SearchHit, SearchResults } from '../api-types.js';
import { trustedMtime } from '../folder-stamp.js';
import { insertNewestFirst, newestFirst, removeNewestFirst, toIndexed, type IndexedMessage } from './indexed-message.js';
import { matches, type MessageFilter, type Page } from './message-filter.js';
import { planQuery, termIsFuzzy, termIsPrefix } from './query-plan.js';
import { fromSaved, readSaved, SAVED_FORMAT, toSaved, writeSaved, type OutboxRecord, type SavedIndex } from './saved-index.js';
import { describeRequests, shownCallsFromLogs, type RequestView } from './requests.js';
import { buildThread, type ThreadEntry } from './thread.js';
import type { AgentStatus } from '../api-types.js';

interface SearchDocument {
  id: string;
  subject: string;
  body: string;
}

const SEARCH_OPTIONS: Options<SearchDocument> = {
  // Sender and recipient are filters (`from`, `to`), not words: indexed as words, every agent's name would
  // match a share of all mail and make each search of a name score that share.
  fields: ['subject', 'body'],
  storeFields: [],
  searchOptions: {
    boost: { subject: 2 },
    prefix: termIsPrefix,
    fuzzy: termIsFuzzy,
    maxFuzzy: 1,
    combineWith: 'AND',
  },
};

export type { SearchHit, SearchResults };

/**
 * Every message in every outbox, with a full-text index over subject, body, sender and
 * recipient. Derived, never the source of truth: loaded from `org/state/cache/search-index.json`
 * when it is there, rebuilt from the outboxes when it is not, and brought up to date by
 * `refresh`, which lists only the outboxes whose folder changed since (the engine's writes and
 * files dropped by hand alike).
 */
export class MessageIndex {
  readonly root: string;
  private readonly outboxes = new Map<string, OutboxRecord>();
  private readonly byId = new Map<string, IndexedMessage>();
  private search: MiniSearch<SearchDocument>;
  private sorted?: IndexedMessage[];
  private replies?: Map<string, IndexedMessage[]>;
  private dirty = false;
  private changes = 0;

  private constructor(root: string, saved?: SavedIndex) {
    this.root = root;
    this.search = new MiniSearch(SEARCH_OPTIONS);
    if (saved) {
      for (const [agent, record] of Object.entries(saved.outboxes)) this.outboxes.set(agent, fromSaved(record));
      for (const message of saved.messages) this.byId.set(message.id, message);
      this.search = MiniSearch.loadJS(saved.search as Parameters<typeof MiniSearch.loadJS>[0], SEARCH_OPTIONS);
    }
  }

  /**
   * The saved index brought up to date, or a new one built from the outboxes (and saved).
   * `progress` is told how many messages the index holds after each outbox that added some: the
   * dashboard shows it while a large org is taken in (loading a saved index has no such steps).
   */
  static open(root: string, progress?: (size: number) => void): MessageIndex {
    holdForTests();
    const saved = readSaved(root);
    let index: MessageIndex;
    try {
      index = new MessageIndex(root, saved);
    } catch {
      // A saved index that parses but does not load (cut short, edited): build it again.
      index = new MessageIndex(root);
    }
    index.refresh(progress);
    index.save();
    return index;
  }

  /** How many messages the index holds. */
  get size(): number {
    return this.byId.size;
  }

  /** Take in what changed in the outboxes since the last refresh; returns the messages added, oldest first. `progress`: see open. */
  refresh(progress?: (size: number) => void): IndexedMessage[] {
    const added: IndexedMessage[] = [];
    const present = new Set(listAgentFolders(this.root));
    const listedAt = Date.now();
    for (const agent of [...this.outboxes.keys()]) if (!present.has(agent)) this.forgetOutbox(agent);
    for (const agent of present) {
      const stat = statSync(join(this.root, outboxPath(agent)), { throwIfNoEntry: false });
      const known = this.outboxes.get(agent);
      if (!stat?.isDirectory()) {
        if (known) this.forgetOutbox(agent);
        continue;
      }
      if (known?.mtimeMs === stat.mtimeMs) {
        if (known.unreadable) this.retryUnreadable(agent, known, Object.keys(known.unreadable), added);
        continue;
      }
      const record: OutboxRecord = known ?? { mtimeMs: -1, files: new Map() };
      const listedBefore = record.mtimeMs;
      record.mtimeMs = trustedMtime(stat.mtimeMs, listedAt);
      const before = added.length;
      this.takeListing(agent, record, added);
      this.outboxes.set(agent, record);
      if (added.length > before) progress?.(this.byId.size);
      // Listing a racy folder again and finding nothing new is no change worth saving.
      if (listedBefore !== record.mtimeMs) this.dirty = true;
    }
    return added.sort((left, right) => -newestFirst(left, right));
  }

  /**
   * List an outbox whose folder changed and bring its record up to date in place: a lookup per
   * name, the new files read and indexed in name order, and the known ones gone (rare) found
   * only when fewer known names were listed than the record holds. An outbox of a long run
   * holds thousands of names, and most looks find a handful new.
   */
  private takeListing(agent: string, record: OutboxRecord, added: IndexedMessage[]): void {
    let names: string[];
    try {
      names = readdirSync(join(this.root, outboxPath(agent))).filter(isMessageFileName);
    } catch {
      names = [];
    }
    const fresh: string[] = [];
    let stillThere = 0;
    for (const name of names) {
      if (record.files.has(name)) stillThere += 1;
      else fresh.push(name);
    }
    if (stillThere < record.files.size) {
      const listed = new Set(names);
      for (const [name, id] of [...record.files]) {
        if (listed.has(name)) continue;
        if (id) this.remove(id);
        record.files.delete(name);
        if (record.unreadable) delete record.unreadable[name];
      }
    }
    for (const name of fresh.sort()) {
      const message = this.add(agent, name);
      record.files.set(name, message?.id ?? null);
      if (message) added.push(message);
      else this.markUnreadable(agent, record, name);
    }
    if (record.unreadable) {
      const readNow = new Set(fresh);
      this.retryUnreadable(agent, record, Object.keys(record.unreadable).filter((name) => !readNow.has(name)), added);
    }
  }

  /** Write the index to disk when it changed since it was loaded or last saved. */
  save(): void {
    if (!this.dirty) return;
    const outboxes = Object.fromEntries([...this.outboxes].map(([agent, record]) => [agent, toSaved(record)]));
    writeSaved(this.root, { format: SAVED_FORMAT, root: this.root, outboxes, messages: [...this.byId.values()], search: this.search.toJSON() });
    this.dirty = false;
  }

  /** Goes up whenever a message is added or removed: what was computed from the index at one version holds until it moves. */
  get version(): number {
    return this.changes;
  }

  /** Every message, in no particular order. */
  all(): IterableIterator<IndexedMessage> {
    return this.byId.values();
  }

  get(id: string): IndexedMessage | undefined {
    return this.byId.get(id);
  }

  /** Messages matching the filter, newest first, one page of them, and how many match in all. */
  list(filter: MessageFilter, page: Page): { total: number; messages: IndexedMessage[] } {
    const all = this.newest();
    const matching = Object.keys(filter).length === 0 ? all : all.filter(matches(filter));
    return { total: matching.length, messages: matching.slice(page.offset, page.offset + page.limit) };
  }

  /** Full-text search (words in any order, prefixes, small typos), best first, narrowed by the filter. */
  find(query: string, filter: MessageFilter = {}, limit = 50): SearchHit[] {
    return this.findPage(query, filter, limit).hits;
  }

  /**
   * The first `limit` hits of a search and how many match in all. Ranked best first by the words that
   * are not in nearly every message; when every word is that common, newest first (`ranked: false`)
   * (see query-plan.ts: a common word must not make a search score the whole history). `readable`
   * narrows it to what one reader may read (an outside seat: mailbox/readable-mail.ts), counted in the total.
   */
  findPage(query: string, filter: MessageFilter = {}, limit = 50, readable?: (message: IndexedMessage) => boolean): SearchResults {
    const narrowed = matches(filter);
    const test = readable ? (message: IndexedMessage) => narrowed(message) && readable(message) : narrowed;
    const filtered = Object.keys(filter).length > 0 || readable !== undefined;
    const plan = planQuery(this.search, query);
    if (!plan.ranking) {
      const hits: SearchHit[] = [];
      let total = 0;
      for (const message of this.newest()) {
        if (!plan.matches(message.id) || !test(message)) continue;
        total += 1;
        if (hits.length < limit) hits.push({ ...message, score: 0 });
        // Unfiltered, the plan has counted the matches already: the page is all that is left to find.
        else if (!filtered) break;
      }
      return { total: filtered ? total : plan.count, ranked: false, hits };
    }
    const hits: SearchHit[] = [];
    let total = 0;
    for (const result of this.search.search(plan.ranking, { filter: (result) => plan.matches(String(result.id)) })) {
      const message = this.byId.get(String(result.id));
      if (!message || !test(message)) continue;
      total += 1;
      if (hits.length < limit) hits.push({ ...message, score: Math.round(result.score * 1000) / 1000 });
    }
    return { total, ranked: true, hits };
  }

  /** The conversation `id` belongs to (see buildThread); empty when the index does not know the message. */
  thread(id: string): ThreadEntry[] {
    if (!this.replies) {
      this.replies = new Map();
      for (const message of this.byId.values()) {
        if (message.replyTo === undefined) continue;
        const list = this.replies.get(message.replyTo);
        if (list) list.push(message);
        else this.replies.set(message.replyTo, [message]);
      }
    }
    return buildThread(id, this.byId, this.replies);
  }

  /** Each request people made and where it stands, oldest first (see requests.ts), given the agents' status. */
  requests(agents: readonly AgentStatus[]): RequestView[] {
    // Who read a message, by the one rule the engine delivers by: a list's members in its place (as lists stand now, as analyze reads them).
    const org = { root: this.root, agents: new Map(agents.map((agent) => [agent.name, agent])) };
    const readers = (message: IndexedMessage): readonly string[] => readersOf(org, message.from, [message.to, ...(message.others ?? [])]);
    return describeRequests(this.byId.values(), (id) => this.byId.get(id), (id) => this.thread(id), agents, { shownCalls: shownCallsFromLogs(this.root), readers });
  }

  /** Every message, newest first: sorted once, then kept in order as messages come and go (a run adds them one by one). */
  private newest(): IndexedMessage[] {
    return (this.sorted ??= [...this.byId.values()].sort(newestFirst));
  }

  private add(agent: string, name: string): IndexedMessage | undefined {
    // The index only finds messages (a page shows one through read-routes, capped as the org says): bodies are searched whole.
    const read = readMessageFile(this.root, agent, name, 0, Number.POSITIVE_INFINITY);
    if ('error' in read) return undefined;
    const message = toIndexed(read.message, `${outboxPath(agent)}/${name}`);
    if (this.byId.has(message.id)) this.remove(message.id);
    this.byId.set(message.id, message);
    if (this.sorted) insertNewestFirst(this.sorted, message);
    this.search.add({ id: message.id, subject: message.subject ?? '', body: read.message.body });
    this.changed();
    return message;
  }

  /**
   * Read again the files of an outbox that did not read as messages and have changed since (a
   * person mending a file in place leaves its folder's mtime as it was); a stat per such file.
   */
  private retryUnreadable(agent: string, record: OutboxRecord, names: string[], added: IndexedMessage[]): void {
    for (const name of names) {
      const stamp = fileStamp(join(this.root, outboxPath(agent), name));
      if (stamp === record.unreadable?.[name]) continue;
      delete record.unreadable?.[name];
      if (stamp === undefined) {
        record.files.delete(name);
      } else {
        const message = this.add(agent, name);
        record.files.set(name, message?.id ?? null);
        if (message) added.push(message);
        else (record.unreadable ??= nameRecord())[name] = stamp;
      }
      this.dirty = true;
    }
    if (record.unreadable && Object.keys(record.unreadable).length === 0) delete record.unreadable;
  }

  private markUnreadable(agent: string, record: OutboxRecord, name: string): void {
    const stamp = fileStamp(join(this.root, outboxPath(agent), name));
    if (stamp !== undefined) (record.unreadable ??= nameRecord())[name] = stamp;
  }

  private remove(id: string): void {
    const message = this.byId.get(id);
    if (!message) return;
    this.byId.delete(id);
    if (this.sorted) removeNewestFirst(this.sorted, message);
    this.search.discard(id);
    this.changed();
  }

  private forgetOutbox(agent: string): void {
    for (const id of this.outboxes.get(agent)?.files.values() ?? []) if (id) this.remove(id);
    this.outboxes.delete(agent);
    this.dirty = true;
  }

  private changed(): void {
    this.changes += 1;
    this.replies = undefined;
    this.dirty = true;
  }
}

/** A file's mtime and size, or undefined when it is gone. */
function fileStamp(path: string): string | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? `${stat.mtimeMs}:${stat.size}` : undefined;
}

function listAgentFolders(root: string): string[] {
  try {
    return readdirSync(join(root, 'agents')).filter(isValidAgentName).sort();
  } catch {
    return [];
  }
}

/**
 * The tests' hold on an index's first step, as the crash points are theirs on a turn (engine/record/crash-points.ts):
 * with LEMMING_HOLD_INDEX naming a named pipe outside the org, the index waits to read it before it reads the saved
 * index, so a test sees the dashboard while its messages are indexed (tests/web/hold-index.ts). A saved index is
 * never read from a pipe (storage/read-own-file.ts): a cache replaced by one would hold the dashboard for good.
 */
function holdForTests(): void {
  const hold = process.env.LEMMING_HOLD_INDEX;
  if (hold !== undefined && hold !== '') readFileSync(hold);
}
