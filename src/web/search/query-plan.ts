import MiniSearch, { type Query } from 'minisearch';

/** Per field, the documents (minisearch's short ids) holding a word and how often. */
type Postings = Map<number, Map<number, number>>;

/**
 * The parts of minisearch's index this file reads: its postings and its document ids. They are not
 * in its typed API (7.x); tests/web/search-index.test.ts fails if they move.
 */
interface MiniSearchInternals {
  _index: { get(word: string): Postings | undefined; atPrefix(prefix: string): Iterable<[string, Postings]>; fuzzyGet(word: string, distance: number): Map<string, [Postings, number]> };
  _documentIds: Map<number, string>;
  _idToShortId: Map<string, number>;
  /** One more than the highest short id given so far. */
  _nextId: number;
}

/** One word of a query as it is looked up: exactly, by prefix (the last word, maybe unfinished), with one typo (five letters or more). */
export interface QueryTerm {
  word: string;
  prefix: boolean;
  fuzzy: boolean;
}

/** The last word may be unfinished (as typed); words of five letters or more forgive one typo. */
export const termIsPrefix = (_word: string, index: number, words: string[]): boolean => index === words.length - 1;
export const termIsFuzzy = (word: string): number | false => (word.length >= 5 ? 0.2 : false);

/**
 * A word held by more postings than this ranks nothing (it is in nearly every message) and costs the
 * most to score: minisearch scores every document a word is in, some 3 µs each, so a word in all
 * 100,000 messages took a search to a second.
 */
const COMMON_POSTINGS = 10_000;

/** How a query is answered: the messages holding every word, and the words worth ranking them by. */
export interface QueryPlan {
  /** How many messages hold every word (in one of its forms). */
  count: number;
  /** Whether the message with this id holds every word. */
  matches(id: string): boolean;
  /** The words that are not common, as a minisearch query; undefined when every word is common (then: newest first). */
  ranking?: Query;
}

function queryTerms(query: string): QueryTerm[] {
  const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];
  const processTerm = MiniSearch.getDefault('processTerm') as (word: string) => string;
  const words = tokenize(query).map(processTerm).filter((word) => word !== '');
  return words.map((word, index) => ({ word, prefix: termIsPrefix(word, index, words), fuzzy: termIsFuzzy(word) !== false }));
}

/** Every posting list of a term's forms (the word, the words it begins, the words one typo away), per field. */
function postingLists(internals: MiniSearchInternals, term: QueryTerm): Array<Map<number, number>> {
  const lists: Array<Map<number, number>> = [];
  const forms = new Set<string>();
  const add = (word: string, postings: Postings | undefined): void => {
    if (!postings || forms.has(word)) return;
    forms.add(word);
    for (const documents of postings.values()) lists.push(documents);
  };
  add(term.word, internals._index.get(term.word));
  if (term.prefix) for (const [word, postings] of internals._index.atPrefix(term.word)) add(word, postings);
  if (term.fuzzy) for (const [word, [postings]] of internals._index.fuzzyGet(term.word, 1)) add(word, postings);
  return lists;
}

/**
 * Plan a search (words combined with AND): find the messages holding every word by walking the
 * rarest word's postings and looking the others up, then rank by the words that are not common.
 * A query of common words only is answered newest first, which is what a person scanning mail that
 * every message matches wants anyway, and costs a pass over the matches rather than scoring them.
 */
export function planQuery<T>(search: MiniSearch<T>, query: string): QueryPlan {
  const internals = search as unknown as MiniSearchInternals;
  const terms = queryTerms(query).map((term) => {
    const lists = postingLists(internals, term);
    return { term, lists, size: lists.reduce((sum, list) => sum + list.size, 0) };
  });
  // One byte per document, by minisearch's dense short ids: marking 100,000 matches costs a few ms, a set of their ids far more.
  const marked = new Uint8Array(internals._nextId);
  let count = 0;
  const matches = (id: string): boolean => marked[internals._idToShortId.get(id) ?? -1] === 1;
  if (terms.length === 0) return { count, matches };
  terms.sort((left, right) => left.size - right.size);
  const [rarest, ...others] = terms;
  for (const list of rarest?.lists ?? []) {
    for (const document of list.keys()) {
      // A discarded message stays in the postings until minisearch vacuums them.
      if (marked[document] === 1 || !internals._documentIds.has(document)) continue;
      if (!others.every((other) => other.lists.some((candidate) => candidate.has(document)))) continue;
      marked[document] = 1;
      count += 1;
    }
  }
  const rare = terms.filter((entry) => entry.size <= COMMON_POSTINGS).map(({ term }) => term);
  if (rare.length === 0) return { count, matches };
  return { count, matches, ranking: { combineWith: 'AND', queries: rare.map((term) => ({ queries: [term.word], prefix: term.prefix, fuzzy: term.fuzzy ? 0.2 : false })) } };
}
