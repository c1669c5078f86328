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

/** An empty index of memories: words of their text, lower case, stop words left out; a query matches any of its words. */
export function newMemorySearch(): MemorySearch {
  return new MiniSearch<Indexed>({
    idField: 'key',
    fields: ['text'],
    storeFields: [],
    processTerm: (term) => {
      const word = term.toLowerCase();
      return word.length < 2 || STOP_WORDS.has(word) ? null : word;
    },
    searchOptions: { combineWith: 'OR', prefix: false, fuzzy: false },
  });
}

/** The longest query a call asks with: its mail's first characters (a long message is about what its start says). */
const QUERY_CHARS = 4_000;

/**
 * How relevant each memory is to `query`, by key, from 0 to 1: its full-text score over the best
 * one's (BM25, as minisearch scores). A memory that shares no word with the query is not in the map.
 */
export function relevanceScores(search: MemorySearch, query: string): Map<string, number> {
  const scores = new Map<string, number>();
  // Each word once: a word said ten times in the mail is looked up once (a lookup scores every memory holding it).
  const text = [...new Set(query.slice(0, QUERY_CHARS).toLowerCase().split(/[^\p{L}\p{N}]+/u))].join(' ');
  if (text.trim() === '' || search.documentCount === 0) return scores;
  const hits = search.search(text);
  const best = hits[0]?.score ?? 0;
  if (best <= 0) return scores;
  for (const hit of hits) scores.set(String(hit.id), hit.score / best);
  return scores;
}
