/**
 * A focused micro-benchmark: reading the message files lemming writes itself through its fast
 * path, against the path for files people write (gray-matter with the yaml package). Run with
 * `npm run bench:front-matter`.
 */
import { performance } from 'node:perf_hooks';
import { splitFrontMatter } from '../src/mailbox/front-matter.js';
import { formatMessage, parseMessage } from '../src/mailbox/message-format.js';
import { figure, showMs } from './stats.js';

const MESSAGES = 2_000;
const ROUNDS = 7;

const texts = Array.from({ length: MESSAGES }, (_, index) =>
  formatMessage({
    id: `000012-manager-${String(index % 1000).padStart(3, '0')}`,
    from: 'manager',
    to: 'planner',
    turn: 12,
    created: '2026-11-21T09:14:03.120Z',
    subject: `Break the release into tasks, part ${index}`,
    priority: 'normal',
    replyTo: '000011-human-001',
    model: 'offline',
    usage: { inputTokens: 812, outputTokens: 144, credits: 0.00347, estimated: true },
    body: `Please split the release plan into three tasks and send them to coder_01. Note ${index}.`,
  }),
);

function time(read: (text: string) => unknown): string {
  const rounds: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const start = performance.now();
    for (const text of texts) read(text);
    rounds.push(performance.now() - start);
  }
  const perFile = figure(rounds.map((ms) => (ms * 1000) / MESSAGES));
  return `${showMs(figure(rounds))} for ${MESSAGES} files; ${perFile.median.toFixed(1)} µs per file`;
}

// Load both paths' modules before timing either.
splitFrontMatter(texts[0] as string)?.parsed;
console.log(`fast path (lemming's own files):        ${time((text) => parseMessage(text))}`);
console.log(`gray-matter + yaml (files people write): ${time((text) => splitFrontMatter(text)?.parsed)}`);
