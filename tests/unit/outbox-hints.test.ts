import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { OutboxHintStore } from '../../src/engine/record/outbox-hints.js';
import { tempDir } from '../helpers/org-files.js';

describe('the outbox hints file', () => {
  test('a turn changes only the hints it names; the file reads back as the JSON it always was', () => {
    const path = join(tempDir(), 'outbox-hints.json');
    writeFileSync(path, JSON.stringify({ version: 1, outboxes: { manager: { mtimeMs: 1.5 }, planner: { mtimeMs: 2.25 }, 'coder_01': { mtimeMs: 3.125 } } }));
    const hints = OutboxHintStore.load(path);
    hints.apply({ planner: null, hr: { mtimeMs: 1763900000000.123 } });
    hints.save();
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      version: 1,
      outboxes: { manager: { mtimeMs: 1.5 }, 'coder_01': { mtimeMs: 3.125 }, hr: { mtimeMs: 1763900000000.123 } },
    });
    const again = OutboxHintStore.load(path);
    expect([again.get('manager'), again.get('planner'), again.get('hr')]).toEqual([{ mtimeMs: 1.5 }, undefined, { mtimeMs: 1763900000000.123 }]);
    // Written twice with no change in between: the same text.
    const text = readFileSync(path, 'utf8');
    again.save();
    expect(readFileSync(path, 'utf8')).toBe(text);
  });

  test('a file in the store\'s own form and one in any other JSON form read as JSON.parse reads them; anything else is no hints', () => {
    const texts = [
      '{"version":1,"outboxes":{}}\n',
      '{"version":1,"outboxes":{"a":{"mtimeMs":1.5},"b_2":{"mtimeMs":-0},"a":{"mtimeMs":1e3}}}\n',
      '{"version":1,"outboxes":{"a":{"mtimeMs":1.5},"__proto__":{"mtimeMs":7}}}\n',
      '{ "version": 1, "outboxes": { "a": { "mtimeMs": 2 } } }\n',
      '{"version":1,"outboxes":{"a\\"b":{"mtimeMs":2}}}\n',
      '{"version":1,"outboxes":{"a":{"mtimeMs":2},}}\n',
      '{"version":1,"outboxes":{"a":{"mtimeMs":0x10}}}\n',
      '{"version":1,"outboxes":{"a":{"mtimeMs":"3"}}}\n',
      '{"version":1,"outboxes":{"a":{"mtimeMs":3}}',
      '{"version":2,"outboxes":{"a":{"mtimeMs":3}}}\n',
    ];
    for (const text of texts) {
      const path = join(tempDir(), 'outbox-hints.json');
      writeFileSync(path, text);
      let expected: Record<string, unknown> = {};
      try {
        const data = JSON.parse(text) as { version: number; outboxes: Record<string, { mtimeMs: unknown }> };
        if (data.version === 1) expected = Object.fromEntries(Object.entries(data.outboxes).filter(([, hint]) => typeof hint.mtimeMs === 'number'));
      } catch {
        // Not JSON: no hints.
      }
      const store = OutboxHintStore.load(path);
      // What it would write: JSON, with each hint as read, in the order read.
      const read = (JSON.parse(store.text()) as { outboxes: Record<string, unknown> }).outboxes;
      expect({ text, read, order: Object.keys(read) }).toEqual({ text, read: expected, order: Object.keys(expected) });
      for (const owner of Object.keys(expected)) expect(store.get(owner)).toEqual(expected[owner]);
    }
  });

  test('written after every committed turn when every outbox is looked at each turn; in a bigger org every 10 turns and at close', () => {
    const path = join(tempDir(), 'outbox-hints.json');
    const saved = (): unknown => JSON.parse(readFileSync(path, 'utf8'));
    const small = OutboxHintStore.load(path);
    small.committed({ manager: { mtimeMs: 1 } }, true);
    expect(saved()).toEqual({ version: 1, outboxes: { manager: { mtimeMs: 1 } } });

    const big = OutboxHintStore.load(path);
    for (let turn = 2; turn <= 10; turn += 1) {
      big.committed({ manager: { mtimeMs: turn } }, false);
      // Nine committed turns leave the file as the small org wrote it; the tenth (below) writes it.
      expect(saved()).toEqual({ version: 1, outboxes: { manager: { mtimeMs: 1 } } });
    }
    big.committed(undefined, false);
    expect(saved()).toEqual({ version: 1, outboxes: { manager: { mtimeMs: 10 } } });
    big.committed({ planner: { mtimeMs: 11 } }, false);
    big.close();
    expect(saved()).toEqual({ version: 1, outboxes: { manager: { mtimeMs: 10 }, planner: { mtimeMs: 11 } } });
  });

  test('an entry that is not a hint (a hand edit, a damaged file) is no hint, so that outbox is listed; a broken file is no hints at all', () => {
    const path = join(tempDir(), 'outbox-hints.json');
    writeFileSync(path, JSON.stringify({ version: 1, outboxes: { manager: null, planner: { mtimeMs: 'yesterday' }, hr: { mtimeMs: 4.5 } } }));
    const hints = OutboxHintStore.load(path);
    expect([hints.get('manager'), hints.get('planner'), hints.get('hr')]).toEqual([undefined, undefined, { mtimeMs: 4.5 }]);
    writeFileSync(path, '{"version":1,"outboxes":{"hr":');
    expect(OutboxHintStore.load(path).get('hr')).toBeUndefined();
  });
});
