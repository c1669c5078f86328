import MiniSearch from 'minisearch';

/** Words that say nothing of what a memory is about (and the words questions open with). */
const STOP_WORDS = new Set(
  (
    'a an and are as at be been but by can could did do does for from had has have how i if in into is it its me my of on or our ' +
    'please she so that the their them then there these they this to us was we were what when where which who whom whose why will ' +
    'with would you your wrote told subject'
  ).split(' '),
);

/** One memory as the index holds it: its key (its file's name) and its text. */
interface Indexed {
  key: string;
  text: string;
}

/** A full-text index of memories (minisearch, the search library the messages' index uses), keyed by file name. */
export type MemorySearch = MiniSearch<Indexed>;

/** Words of a text as the index splits them: runs of letters, digits and underscores. */
function tokenize(text: string): string[] {
  return text.split(/[^\p{L}\p{N}_]+/u);
}

/** A word as the index keeps it: lower case; a stop word or a single letter is not kept. */
function processTerm(term: string): string | null {
  const word = term.toLowerCase();
  return word.length < 2 || STOP_WORDS.has(word) ? null : word;
}

/** The distinct words of a text the index would keep, in order. */
export function termsOf(text: string): string[] {
  const terms = new Set<string>();
  for (const token of tokenize(text)) {
    const term = processTerm(token);
    if (term !== null) terms.add(term);
  }
  return [...terms];
}

/** An empty index of memories: words of their text, lower case, stop words left out; a query matches any of its words. */
export function newMemorySearch(): MemorySearch {
  return new MiniSearch<Indexed>({
    idField: 'key',
    fields: ['text'],
    storeFields: [],
    tokenize,
    processTerm,
    searchOptions: { combineWith: 'OR', prefix: false, fuzzy: false },
  });
}

/** The longest query a call asks with: its mail's first characters (a long message is about what its start says). */
export const QUERY_CHARS = 4_000;

/**
 * How relevant each memory is to the query's words (termsOf), by key, from 0 to 1: its full-text
 * score over the best one's (BM25, as minisearch scores). A memory that shares no word with them is
 * not in the map.
 */
export function relevanceScores(search: MemorySearch, terms: readonly string[]): Map<string, number> {
  const scores = new Map<string, number>();
  if (terms.length === 0 || search.documentCount === 0) return scores;
  const hits = search.search(terms.join(' '));
  const best = hits[0]?.score ?? 0;
  if (best <= 0) return scores;
  for (const hit of hits) scores.set(String(hit.id), hit.score / best);
  return scores;
}

/** The part of minisearch's index read here: per word, per field, the documents holding it (not in its typed API, 7.x; web/search/query-plan.ts reads the same). */
interface Postings {
  _index: { get(word: string): Map<number, Map<number, number>> | undefined };
}

/** How many memories of the index hold a word (their one field is `text`, field 0). */
export function memoriesHolding(search: MemorySearch, term: string): number {
  return (search as unknown as Postings)._index.get(term)?.get(0)?.size ?? 0;
}
