import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseMessageMarkup } from '../../src/mailbox/prompt-markup.js';
import { seededRandom } from '../helpers/seeded-random.js';
import { busyDefaultOrg, untilManagerAsked } from '../helpers/memory-org.js';
import { listOutbox } from '../helpers/temp-org.js';
import { parseMessage } from '../../src/mailbox/message-format.js';

const REPEATS = 5;
const QUESTION_TURN = 60;
/** A report this long (characters) is a long one: a roll-up of a task's work, as the were. */
const LONG_REPORT = 400;

/** Tasks as a person gives them: most name a room, a code or a figure, so their reports share words with the question. */
const TASKS = [
  'Write the safety checklist for the 3 meeting rooms on floor 2, with the code of each fire door.',
  'Draft the cleaning rota for the kitchen, the storage shelves and the 4 washrooms for next week.',
  'Count the 40 chairs in the hall and list which room each stack belongs to.',
  'Review the budget notes of the archive and report the 5 largest items.',
  'Prepare the visitor badges for the 12 guests on Thursday and the room they meet in.',
  'Check the opening hours of the library and the code of practice for late returns.',
  'List the 6 open invoices and who we should call about each.',
];

/**
 * The setting, on the default org with memory on (or off) and its settings as they are (up
 * to 20 messages a prompt): the manager told a fact plainly at turn 1, given a task every other turn
 * (its team's reports come back to it meanwhile), and asked for the fact at turn 60, when its prompt
 * shows the question beside its team's reports. What it answered, and the other mail that prompt showed.
 */
async function askedAtTurn60(seed: number, memory: boolean): Promise<{ answer: string; code: string; beside: number[]; turn: number }> {
  const random = seededRandom(seed);
  const code = `${random.int(1000, 9999)}-${random.pick(['K', 'M', 'R', 'T', 'W'])}`;
  const root = busyDefaultOrg(seed, memory ? { memory: '{ keep: true }' } : {});
  const { asked, questionId } = await untilManagerAsked(root, QUESTION_TURN, (turn) => {
    // Two tasks at once four turns before the question: their reports reach the manager with it.
    const tasks = turn % 2 === 0 && turn < QUESTION_TURN ? (turn === QUESTION_TURN - 4 ? 2 : 1) : 0;
    return [
      ...(turn === 1 ? [{ subject: 'Storage room', body: `For your information: the code of the storage room is ${code}.` }] : []),
      ...Array.from({ length: tasks }, (_, index) => ({ subject: `Task ${turn / 2}${index > 0 ? 'b' : ''}`, body: random.pick(TASKS) })),
      ...(turn === QUESTION_TURN ? [{ subject: 'Question', body: 'What is the code of the storage room?' }] : []),
    ];
  });
  expect(asked, `seed ${seed}: the manager is shown the question`).toBeDefined();
  const shown = parseMessageMarkup(String(asked?.messages[0]?.content ?? ''));
  const beside = shown.filter((item) => item.id !== questionId).map((item) => item.body.length);
  const answers = listOutbox(root, 'manager').flatMap((name) => {
    const parsed = parseMessage(readFileSync(join(root, 'agents/manager/outbox', name), 'utf8'));
    return 'message' in parsed && parsed.message.replyTo === questionId ? [parsed.message] : [];
  });
  expect(answers, `seed ${seed}: the manager answers the question itself`).toHaveLength(1);
  return { answer: answers[0]?.body ?? '', code, beside, turn: asked?.turn ?? 0 };
}

describe('a fact told plainly at turn 1 is recalled at turn 60 beside two long reports (issue 75)', () => {
  test(`with memory the answer holds it in at least 4 of ${REPEATS} seeded runs; without, in at most 1`, async () => {
    const lines: string[] = [];
    let withMemory = 0;
    let without = 0;
    for (let seed = 1; seed <= REPEATS; seed += 1) {
      const remembered = await askedAtTurn60(seed, true);
      // The setting of the issue: the question's prompt shows it beside at least two long reports.
      const long = remembered.beside.filter((length) => length >= LONG_REPORT).length;
      expect(long, `seed ${seed}: the question is shown beside two long reports (${remembered.beside.join(', ')} characters)`).toBeGreaterThanOrEqual(2);
      const forgot = await askedAtTurn60(seed, false);
      if (remembered.answer.includes(remembered.code)) withMemory += 1;
      if (forgot.answer.includes(forgot.code)) without += 1;
      lines.push(`seed ${seed}, turn ${remembered.turn}, beside mail of ${remembered.beside.join(', ')} characters: with memory ${remembered.answer.includes(remembered.code) ? 'recalled' : 'not recalled'}, without ${forgot.answer.includes(forgot.code) ? 'recalled' : 'not recalled'}`);
    }
    console.log(lines.join('\n'));
    expect(withMemory, lines.join('\n')).toBeGreaterThanOrEqual(4);
    expect(without, lines.join('\n')).toBeLessThanOrEqual(1);
  }, 600_000);
});
