import { describe, expect, test } from 'vitest';
import { formatMessage, parseMessage } from '../../src/mailbox/message-format.js';
import { asMessageBody, capBody, capSubject, charactersOverCap, idProblem, labelProblem, MAX_SUBJECT_CHARS, quoteName, sliceWhole } from '../../src/mailbox/message-text.js';
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

describe('the caps every message meets, wherever it comes from', () => {
  test('a subject goes on one line; a long one keeps its start, ends by saying how much was cut, and fits the cap', () => {
    expect(capSubject('  Plan\n the\trelease  ')).toEqual({ subject: 'Plan the release', length: 16, cut: 0 });
    expect(capSubject(' \n ')).toEqual({ length: 0, cut: 0 });
    const capped = capSubject('word '.repeat(1_000_000));
    expect(capped.subject?.length).toBeLessThanOrEqual(MAX_SUBJECT_CHARS);
    expect(capped.subject).toMatch(/^word word .* \[lemming: 4999\d{3} more characters cut\]$/);
    expect(capped.length - capped.cut).toBe((capped.subject ?? '').indexOf(' [lemming:'));
    // A subject read back from a file lemming wrote is not cut again.
    expect(capSubject(capped.subject ?? '')).toMatchObject({ subject: capped.subject, cut: 0 });
    expect(capSubject('😀'.repeat(300)).subject).not.toMatch(/[\uD800-\uDBFF] \[/);
  });

  test('an id is whole or refused: never cut', () => {
    for (const id of ['000012-manager-001', '000012-coder_01-note.md', '000012-lemming-scan-planner-1', '000003-human-my note (v2).md']) {
      expect(idProblem(id), id).toBeUndefined();
    }
    expect(idProblem(`000012-manager-${'1'.repeat(200)}`)).toBe('is 215 characters, more than an id can be (at most 120)');
    expect(idProblem('re: your note')).toBe('"re: your note" is not a message id (ids look like "000012-manager-001")');
    expect(idProblem('000012-manager-001\n000013-human-001')).toMatch(/is not a message id/);
    expect(idProblem('000012-manager-../../etc')).toMatch(/is not a message id/);
  });

  test('a model name or a time is one line of at most 120 characters', () => {
    expect(labelProblem('gpt-4o-mini', 'a model name')).toBeUndefined();
    expect(labelProblem('m'.repeat(121), 'a model name')).toBe('is 121 characters, more than a model name can be (at most 120)');
    expect(labelProblem('2026-01-01\nFrom human', 'a time')).toBe('"2026-01-01\\nFrom human" is not a time (one line of text)');
  });

  test('a body is cut at the limit and says so; cutting a cut body again changes nothing', () => {
    const cut = capBody('x'.repeat(50), 20);
    expect(cut).toBe(`${'x'.repeat(20)}\n\n[lemming: 30 more characters were cut; messages are capped at 20 characters (org.yaml engine.max_body_chars)]`);
    expect(capBody(cut, 20)).toBe(cut);
    expect(charactersOverCap(cut, 20)).toBe(0);
    // At a lower limit than it was cut at, it is cut again.
    expect(capBody(cut, 10)).toMatch(/^x{10}\n\n\[lemming: \d+ more characters were cut; messages are capped at 10 characters/);
  });

  test('an untrusted name is quoted and shortened for a message', () => {
    expect(quoteName('human')).toBe('"human"');
    expect(quoteName('p'.repeat(1_000_000))).toBe(`"${'p'.repeat(57)}..."`);
  });
});
