import { describe, expect, test } from 'vitest';
import { formatMessage, parseMessage } from '../../src/mailbox/message-format.js';
import { asMessageBody, sliceWhole } from '../../src/mailbox/message-text.js';
import type { Message } from '../../src/mailbox/message.js';

function readBack(body: string): string | undefined {
  const message: Message = { id: '000001-manager-001', from: 'manager', to: 'planner', turn: 1, created: '2026-01-01T00:00:00.000Z', priority: 'normal', body };
  const parsed = parseMessage(Buffer.from(formatMessage(message), 'utf8').toString('utf8'));
  return 'message' in parsed ? parsed.message.body : undefined;
}

const ALPHABET = ['a', ' ', '\n', '\r', '\t', '\u0000', '\uD83D', '\uDE00', '😀', '-', '<', 'é'];

describe('a message body as the engine writes it', () => {
  test.each([
    ['a trailing newline', 'Report ready.\n'],
    ['blank lines before it', '\r\n\r\nStarts late.'],
    ['a NUL byte', 'a \u0000 b'],
    ['a lone surrogate', 'a \uD83D b'],
    ['a lone low surrogate', '\uDE00 b'],
  ])('with %s reads back from its file exactly as written', (_label, raw) => {
    const body = asMessageBody(raw);
    expect(readBack(body)).toBe(body);
  });

  test('any text reads back exactly (random strings)', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31);
    for (let round = 0; round < 500; round += 1) {
      const raw = Array.from({ length: next() % 24 }, () => ALPHABET[next() % ALPHABET.length]).join('');
      const body = asMessageBody(raw);
      expect(readBack(body), JSON.stringify(raw)).toBe(body);
    }
  });

  test('a cut never splits a surrogate pair', () => {
    expect(sliceWhole('a😀b', 2)).toBe('a');
    expect(sliceWhole('a😀b', 3)).toBe('a😀');
    expect(sliceWhole('ab', 5)).toBe('ab');
  });
});
