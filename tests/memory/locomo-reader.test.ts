import { describe, expect, test } from 'vitest';
import { evidenceRecall } from '../../bench/locomo/evidence-recall.js';
import { parseConversation } from '../../bench/locomo/locomo-data.js';

// A conversation written here in LoCoMo's shape (none of the data is in the repository).
const sessions = {
  speaker_a: 'Ada',
  speaker_b: 'Ben',
  session_2_date_time: '2:00 pm on 9 May, 2023',
  session_2: [{ speaker: 'Ben', dia_id: 'D2:1', text: 'I adopted a cat.', blip_caption: 'a photo of a grey cat' }],
  session_1_date_time: '1:00 pm on 8 May, 2023',
  session_1: [
    { speaker: 'Ada', dia_id: 'D1:1', text: 'I moved to Lisbon.' },
    { speaker: 'Ben', dia_id: 'D1:2', text: 'How exciting!' },
  ],
};
const qa = [
  { question: 'Where did Ada move?', answer: 'Lisbon', evidence: ['D1:1'], category: 4 },
  { question: 'What did both do?', answer: '-', evidence: ['D1:1; D2:1'], category: 1 },
  { question: 'Unanswerable?', answer: '-', evidence: [], category: 5 },
];

describe('the LoCoMo reader of the bench', () => {
  test('reads sessions in the order held, either shape, a shared photo as its caption, evidence lists split, questions without evidence left out', () => {
    for (const sample of [{ sample_id: 'conv-1', conversation: sessions, qa }, { ...sessions, qa }]) {
      const conversation = parseConversation('conv-1', sample);
      expect(conversation.sessions.map((session) => session.index)).toEqual([1, 2]);
      expect(conversation.sessions[1]?.turns[0]).toEqual({ speaker: 'Ben', diaId: 'D2:1', text: 'I adopted a cat. [shares a photo of a grey cat]' });
      expect(conversation.sessions[0]?.date).toBe('1:00 pm on 8 May, 2023');
      expect(conversation.questions.map((question) => question.evidence)).toEqual([['D1:1'], ['D1:1', 'D2:1']]);
    }
  });

  test('recall@k is the share of evidence turns among the first k memories\' sources', () => {
    const ranked = [{ sources: ['D2:1'] }, { sources: ['D1:2'] }, { sources: ['D1:1'] }];
    expect(evidenceRecall(ranked, ['D1:1', 'D2:1'], 1)).toBe(0.5);
    expect(evidenceRecall(ranked, ['D1:1', 'D2:1'], 3)).toBe(1);
    expect(evidenceRecall(ranked, ['D9:9'], 3)).toBe(0);
  });
});
