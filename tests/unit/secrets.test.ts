import { describe, expect, test } from 'vitest';
import { MIN_SECRET_LENGTH, SecretSet } from '../../src/secrets/secrets.js';
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
