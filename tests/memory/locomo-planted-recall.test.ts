import { describe, expect, test } from 'vitest';
import { parseConversation } from '../../bench/locomo/locomo-data.js';
import { KS, measureRecall, type Ranking } from '../../bench/locomo/locomo-recall.js';
import { tempDir } from '../helpers/temp-dirs.js';

/*
 * A conversation written here in LoCoMo's shape (none of the data is in the repository) whose answers are
 * planted: each question shares its rare words with its evidence turns and with no other turn, and every
 * evidence turn was said in the first two sessions, under three later sessions of small talk that shares
 * only common words with the questions. The bench's own path ranks it: the turns written as an agent's
 * memories by the engine's writer, in an org folder, ranked by the memory layer's retrieval.
 */
const smallTalk = (session: number): Array<{ speaker: string; dia_id: string; text: string }> =>
  ['How was your week?', 'It was fine, a bit busy at work.', 'Did you sleep well?', 'Yes, the weather was nice for a walk.', 'What did you have for dinner?', 'Just some soup and bread, nothing special.'].map((text, index) => ({
    speaker: index % 2 === 0 ? 'Ada' : 'Ben',
    dia_id: `D${session}:${index + 1}`,
    text,
  }));

const conversation = {
  speaker_a: 'Ada',
  speaker_b: 'Ben',
  session_1_date_time: '1:00 pm on 8 May, 2023',
  session_1: [
    { speaker: 'Ada', dia_id: 'D1:1', text: 'Hi Ben, long time no see.' },
    { speaker: 'Ada', dia_id: 'D1:2', text: 'I restored a Cremona violin in my workshop last winter.' },
    { speaker: 'Ben', dia_id: 'D1:3', text: 'I went kayaking on a glacier lake near Tromso.' },
    { speaker: 'Ada', dia_id: 'D1:4', text: 'That sounds cold, did you enjoy it?' },
  ],
  session_2_date_time: '2:00 pm on 20 May, 2023',
  session_2: [
    { speaker: 'Ben', dia_id: 'D2:1', text: 'The glacier lake was so clear I could see the stones on the bottom.' },
    { speaker: 'Ada', dia_id: 'D2:2', text: 'My neighbour adopted a greyhound called Pepper.' },
    { speaker: 'Ben', dia_id: 'D2:3', text: 'Good to hear from you.' },
  ],
  session_3_date_time: '3:00 pm on 2 June, 2023',
  session_3: smallTalk(3),
  session_4_date_time: '4:00 pm on 15 June, 2023',
  session_4: smallTalk(4),
  session_5_date_time: '5:00 pm on 30 June, 2023',
  session_5: smallTalk(5),
};

const qa = [
  { question: 'Which Cremona violin was restored?', answer: 'one from Cremona', evidence: ['D1:2'], category: 4 },
  { question: 'What was the glacier lake like?', answer: 'cold and clear', evidence: ['D1:3', 'D2:1'], category: 1 },
  { question: 'What is the greyhound called?', answer: 'Pepper', evidence: ['D2:2'], category: 4 },
];

const RELEVANCE: Ranking = { name: 'relevance alone', weights: { recency: 0, relevance: 1, importance: 0 }, prompt: 'alone' };
const RECENCY: Ranking = { name: 'recency alone', weights: { recency: 1, relevance: 0, importance: 0 }, prompt: 'alone' };

describe('the LoCoMo recall measure on a planted conversation', () => {
  test('ranking by relevance finds every planted evidence turn in the first five; by recency alone, old evidence is not found', async () => {
    const parsed = parseConversation('planted', { sample_id: 'planted', conversation, qa });
    const recalls = await measureRecall([parsed], tempDir(), [RELEVANCE, RECENCY]);
    const recallOf = (ranking: Ranking, k: number, category: string): number[] => recalls.get(ranking.name)?.get(k)?.get(category)?.[0] ?? [];

    // Every question, in the order asked: all its evidence among the first five memories ranked by relevance.
    for (const k of KS) expect(recallOf(RELEVANCE, k, 'all')).toEqual([1, 1, 1]);
    expect(recallOf(RELEVANCE, 5, 'single-hop')).toEqual([1, 1]);
    expect(recallOf(RELEVANCE, 5, 'multi-hop')).toEqual([1]);
    // By recency alone the first five and ten are the small talk of the last two sessions (six turns each): none of the evidence.
    expect(recallOf(RECENCY, 5, 'all')).toEqual([0, 0, 0]);
    expect(recallOf(RECENCY, 10, 'all')).toEqual([0, 0, 0]);
    // Twenty-five holds the whole stream (25 turns): every ranking finds everything there.
    expect(recallOf(RECENCY, 25, 'all')).toEqual([1, 1, 1]);
  });
});
