import MiniSearch from 'minisearch';
import { describe, expect, test } from 'vitest';
import { messageId } from '../../src/mailbox/message.js';
import { keepNewest, newestFirst, type IndexedMessage } from '../../src/web/search/indexed-message.js';
import { planQuery, termIsFuzzy, termIsPrefix } from '../../src/web/search/query-plan.js';

interface Document {
  id: string;
  subject: string;
  body: string;
}

/** 12,000 messages that all say "progress", three of which also speak of a zeppelin. */
function history(): MiniSearch<Document> {
  const search = new MiniSearch<Document>({ fields: ['subject', 'body'], searchOptions: { prefix: termIsPrefix, fuzzy: termIsFuzzy, maxFuzzy: 1, combineWith: 'AND' } });
  search.addAll(Array.from({ length: 12_000 }, (_, index) => ({ id: `m${index}`, subject: '', body: `Progress note ${index}: the task moved forward.` })));
  search.addAll(['z1', 'z2', 'z3'].map((id) => ({ id, subject: 'Zeppelin', body: 'Progress on the zeppelin budget.' })));
  return search;
}

describe('planning a search', () => {
  const search = history();

  test('words in nearly every message match all of them but rank nothing: the answer is newest first, without scoring 12,000 documents', () => {
    const plan = planQuery(search, 'progress');
    expect(plan.ranking).toBeUndefined();
    expect(plan.matching.size).toBe(12_003);
    expect(planQuery(search, 'task forward').matching.size).toBe(12_000);
  });

  test('a rare word with a common one: the messages holding both, ranked by the rare word', () => {
    const plan = planQuery(search, 'progress zeppelin');
    expect([...plan.matching].sort()).toEqual(['z1', 'z2', 'z3']);
    expect(plan.ranking).toBeDefined();
    const ranked = search.search(plan.ranking ?? '', { filter: (result) => plan.matching.has(String(result.id)) }).map((result) => result.id);
    expect(ranked.sort()).toEqual(['z1', 'z2', 'z3']);
  });

  test('prefixes (the last word) and one typo (five letters or more) match as minisearch does; a discarded message is gone', () => {
    expect([...planQuery(search, 'zepelin').matching].sort()).toEqual(['z1', 'z2', 'z3']);
    expect([...planQuery(search, 'budget zepp').matching].sort()).toEqual(['z1', 'z2', 'z3']);
    expect(planQuery(search, 'note 1199').matching).toEqual(new Set(['m1199', 'm11990', 'm11991', 'm11992', 'm11993', 'm11994', 'm11995', 'm11996', 'm11997', 'm11998', 'm11999']));
    expect(planQuery(search, 'hippopotamus').matching.size).toBe(0);
    expect(planQuery(search, '  ').matching.size).toBe(0);
    search.discard('z2');
    expect([...planQuery(search, 'zeppelin').matching].sort()).toEqual(['z1', 'z3']);
  });
});

describe('the newest of many matches', () => {
  test('one pass keeps the newest `limit`, newest first, whatever order they come in', () => {
    const message = (turn: number, sender: string): IndexedMessage => ({ id: messageId(turn, sender, 1), from: sender, to: 'human', turn, created: '', priority: 'normal', file: '', preview: '' });
    const all = [3, 9, 1, 7, 7, 2, 8].map((turn, index) => message(turn, `agent_${index}`));
    const newest: IndexedMessage[] = [];
    for (const entry of all) keepNewest(newest, entry, 3);
    expect(newest.map((entry) => entry.id)).toEqual(all.slice().sort(newestFirst).slice(0, 3).map((entry) => entry.id));
    expect(newest.map((entry) => entry.turn)).toEqual([9, 8, 7]);
  });
});
