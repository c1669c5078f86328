import { describe, expect, test } from 'vitest';
import { MAX_CUT_NESTING, MIN_SECRET_LENGTH, SecretSet, TOO_DEEP } from '../../src/secrets/secrets.js';
import { cutSecrets, errorWithoutSecrets, hasSecrets, registerSecret, withoutSecrets } from '../../src/secrets/secrets.js';

describe('the process set of secrets', () => {
  // First in this file: nothing is registered yet, as in the offline org and the benchmarks.
  test('with nothing registered a cut is nothing: the same string, the same object, no copy', () => {
    expect(hasSecrets()).toBe(false);
    const answer = { text: 'hello', toolCalls: [{ id: '1', name: 'send_message', arguments: { to: 'human', body: 'hi' } }] };
    expect(withoutSecrets(answer)).toBe(answer);
    const text = 'a'.repeat(1000);
    expect(cutSecrets(text)).toBe(text);
  });

  test('once registered, a value is cut from text, from every string of an answer, and from an error', () => {
    expect(registerSecret('LEMMING_UNIT_TOKEN', 'unit-token-3f9a2c7d')).toBe(true);
    expect(cutSecrets('use unit-token-3f9a2c7d twice: unit-token-3f9a2c7d')).toBe('use [secret LEMMING_UNIT_TOKEN] twice: [secret LEMMING_UNIT_TOKEN]');
    const untouched = { text: 'nothing here' };
    const answer = { text: 'ok', toolCalls: [{ name: 'send_message', arguments: { body: 'key unit-token-3f9a2c7d' } }], untouched };
    const clean = withoutSecrets(answer);
    expect(clean.toolCalls[0]?.arguments.body).toBe('key [secret LEMMING_UNIT_TOKEN]');
    expect(answer.toolCalls[0]?.arguments.body).toBe('key unit-token-3f9a2c7d');
    expect(clean.untouched).toBe(untouched);
    const error = errorWithoutSecrets(new TypeError('refused unit-token-3f9a2c7d'));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('refused [secret LEMMING_UNIT_TOKEN]');
    expect(error.stack).not.toContain('unit-token-3f9a2c7d');
  });
});

describe('SecretSet', () => {
  test(`a value shorter than ${MIN_SECRET_LENGTH} characters is not a secret: it would cut ordinary text`, () => {
    const set = new SecretSet();
    expect(set.add('PORT', '8080')).toBe(false);
    expect(set.add('SHORT', 'a'.repeat(MIN_SECRET_LENGTH - 1))).toBe(false);
    expect(set.size).toBe(0);
    expect(set.cut('listening on 8080')).toBe('listening on 8080');
  });

  test('a value with quotes and backslashes is cut as written, JSON-escaped, and escaped twice', () => {
    const set = new SecretSet();
    const value = 'pa"ss\\word-0123';
    set.add('DB_PASSWORD', value);
    const once = JSON.stringify({ value });
    const twice = JSON.stringify({ line: once });
    expect(set.cut(`raw ${value}`)).toBe('raw [secret DB_PASSWORD]');
    expect(JSON.parse(set.cut(once))).toEqual({ value: '[secret DB_PASSWORD]' });
    expect(JSON.parse(JSON.parse(set.cut(twice)).line)).toEqual({ value: '[secret DB_PASSWORD]' });
  });

  test('a value that holds another is cut whole; a value named twice keeps its first name', () => {
    const set = new SecretSet();
    set.add('INNER', 'abcdefgh');
    set.add('OUTER', 'xx-abcdefgh-yy');
    set.add('AGAIN', 'abcdefgh');
    expect(set.cut('xx-abcdefgh-yy and abcdefgh')).toBe('[secret OUTER] and [secret INNER]');
  });
});

describe('a secret in the disguises programs commonly give it', () => {
  // A quote, a backslash, a slash, a plus and a space: every encoding below changes this value.
  const value = 'Bearer agent"tok\\en/5f8e+2a91c4';
  const bytes = Buffer.from(value, 'utf8');
  const set = new SecretSet();
  set.add('AGENT_TOKEN', value);
  const marker = '[secret AGENT_TOKEN]';

  test('base64 and base64url, alone (padded or not), after "Bearer ", and inside a longer base64 string at each alignment', () => {
    for (const whole of [bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'), Buffer.from(`Bearer ${value}`).toString('base64')]) {
      expect(set.cut(`b64: ${whole}.`)).toBe(`b64: ${marker}.`);
    }
    for (const before of ['', 'x', 'u:', 'abc', 'user:']) {
      for (const after of ['', ';', ';x', ';xy']) {
        for (const encoded of [Buffer.from(`${before}${value}${after}`).toString('base64'), Buffer.from(`${before}${value}${after}`).toString('base64url')]) {
          const cut = set.cut(encoded);
          // All of it but the characters it shares with the bytes around it (and those bytes' own).
          expect(cut).toContain(marker);
          expect(cut.length - marker.length).toBeLessThanOrEqual(Math.ceil((before.length * 4) / 3) + 1 + Math.ceil((after.length * 4) / 3) + 4);
        }
      }
    }
  });

  test('percent-encoded in any encoder\'s style, hex in either case, JSON-escaped with \\" \\\\ \\/ or \\u00XX, and reversed', () => {
    const forms = [
      encodeURIComponent(value),
      encodeURIComponent(value).toLowerCase().replace(/bearer/, 'Bearer').replace(/agent/, 'agent'),
      new URLSearchParams({ v: value }).toString().slice(2),
      'Bearer%20agent%22tok%5cen/5f8e+2a91c4',
      [...bytes].map((byte) => `%${byte.toString(16).padStart(2, '0').toUpperCase()}`).join(''),
      bytes.toString('hex'),
      bytes.toString('hex').toUpperCase(),
      JSON.stringify(value).slice(1, -1),
      JSON.stringify(value).slice(1, -1).replace(/\//g, '\\/'),
      value.replace(/["\\/<>&]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`),
      value.replace(/["\\]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()}`),
      [...value].reverse().join(''),
      JSON.stringify([...value].reverse().join('')).slice(1, -1),
    ];
    for (const form of forms) expect(set.cut(`[${form}]`)).toBe(`[${marker}]`);
  });

  test('ordinary text, parts of the value, and a short value in any disguise are left alone', () => {
    const text = 'Bearer tokens, agent "tok" and 5f8e: 426561726572 QmVhcmVy %20 \\u0022';
    expect(set.cut(text)).toBe(text);
    const short = new SecretSet();
    short.add('PIN', 'abc"1234'.slice(0, MIN_SECRET_LENGTH - 1));
    expect(short.cut(Buffer.from('abc"123').toString('base64'))).toBe(Buffer.from('abc"123').toString('base64'));
  });

  test('a value of letters and digits only has no escaped forms, and its disguises are cut the same', () => {
    const plain = new SecretSet();
    plain.add('KEY', 'sk0123456789abcdef');
    expect(plain.cut(`${Buffer.from('sk0123456789abcdef').toString('base64')} ${'fedcba9876543210ks'} ${Buffer.from('sk0123456789abcdef').toString('hex')}`)).toBe('[secret KEY] [secret KEY] [secret KEY]');
  });
});

describe('a value nested deeper than the cut walks', () => {
  test('a million lists deep is cut without overflowing the call stack: what lies past 1,000 levels is not kept, a secret above it is cut', () => {
    const set = new SecretSet();
    set.add('API_KEY', 'sk-live-0123456789abcdef');
    let deep: unknown = [];
    for (let level = 0; level < 1_000_000; level += 1) deep = [deep];
    const cut = set.cutIn({ note: 'key sk-live-0123456789abcdef', nested: [['sk-live-0123456789abcdef', deep]] });
    expect(cut.note).not.toContain('sk-live');
    expect(cut.nested[0]?.[0]).not.toContain('sk-live');
    let level = 0;
    let at: unknown = cut.nested[0]?.[1];
    while (Array.isArray(at)) {
      at = at[0];
      level += 1;
    }
    expect(at).toBe(TOO_DEEP);
    // The value's own three levels, then the walk's bound.
    expect(level + 3).toBe(MAX_CUT_NESTING);
  });
});
