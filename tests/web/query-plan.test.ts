import MiniSearch from 'minisearch';
import { describe, expect, test } from 'vitest';
import { messageId } from '../../src/mailbox/message.js';
import { insertNewestFirst, newestFirst, removeNewestFirst, type IndexedMessage } from '../../src/web/search/indexed-message.js';
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

/** Which of the zeppelin messages a plan matches. */
const matched = (plan: ReturnType<typeof planQuery>): string[] => ['z1', 'z2', 'z3'].filter((id) => plan.matches(id));

describe('planning a search', () => {
  const search = history();

  test('words in nearly every message match all of them but rank nothing: the answer is newest first, without scoring 12,000 documents', () => {
    const plan = planQuery(search, 'progress');
    expect(plan.ranking).toBeUndefined();
    expect(plan.count).toBe(12_003);
    expect(plan.matches('m7') && plan.matches('z1')).toBe(true);
    expect(planQuery(search, 'task forward').count).toBe(12_000);
    expect(planQuery(search, 'task forward').matches('z1')).toBe(false);
  });

  test('a rare word with a common one: the messages holding both, ranked by the rare word', () => {
    const plan = planQuery(search, 'progress zeppelin');
    expect(matched(plan)).toEqual(['z1', 'z2', 'z3']);
    expect(plan.ranking).toBeDefined();
    const ranked = search.search(plan.ranking ?? '', { filter: (result) => plan.matches(String(result.id)) }).map((result) => result.id);
    expect(ranked.sort()).toEqual(['z1', 'z2', 'z3']);
  });

  test('prefixes (the last word) and one typo (five letters or more) match as minisearch does; a discarded message is gone', () => {
    expect(matched(planQuery(search, 'zepelin'))).toEqual(['z1', 'z2', 'z3']);
    expect(matched(planQuery(search, 'budget zepp'))).toEqual(['z1', 'z2', 'z3']);
    const note = planQuery(search, 'note 1199');
    expect(note.count).toBe(11);
    expect(['m1199', 'm11990', 'm11999'].every((id) => note.matches(id))).toBe(true);
    expect(note.matches('m1198')).toBe(false);
    expect(planQuery(search, 'hippopotamus').count).toBe(0);
    expect(planQuery(search, '  ').count).toBe(0);
    search.discard('z2');
    expect(matched(planQuery(search, 'zeppelin'))).toEqual(['z1', 'z3']);
  });
});

describe('the list kept newest first', () => {
  test('messages put in and taken out in any order leave it as a full sort would', () => {
    const message = (turn: number, sender: string): IndexedMessage => ({ id: messageId(turn, sender, 1), from: sender, to: 'human', turn, created: '', priority: 'normal', file: '', preview: '' });
    const all = [3, 9, 1, 7, 7, 2, 8, 9].map((turn, index) => message(turn, `agent_${index}`));
    const list: IndexedMessage[] = [];
    for (const entry of all) insertNewestFirst(list, entry);
    expect(list.map((entry) => entry.id)).toEqual(all.slice().sort(newestFirst).map((entry) => entry.id));
    expect(list.map((entry) => entry.turn)).toEqual([9, 9, 8, 7, 7, 3, 2, 1]);
    removeNewestFirst(list, all[3] as IndexedMessage);
    removeNewestFirst(list, message(5, 'nobody'));
    expect(list.map((entry) => entry.id)).toEqual(all.filter((_, index) => index !== 3).sort(newestFirst).map((entry) => entry.id));
  });
});
