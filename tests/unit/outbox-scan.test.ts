import { mkdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { hintAfterOwnWrites, scanOutbox } from '../../src/mailbox/outbox-scan.js';
import { tempDir } from '../helpers/org-files.js';

function outboxWith(...names: string[]): string {
  const outbox = join(tempDir(), 'outbox');
  mkdirSync(outbox);
  for (const name of names) writeFileSync(join(outbox, name), '---\nto: manager\n---\nhi\n');
  return outbox;
}

describe('scanOutbox: names decide what is new, times only which folders to list', () => {
  test('a file is new when the record does not name it, whatever its name sorts as or its mtime says', () => {
    const outbox = outboxWith('000003-001-manager.md', '#42 changelog.md', 'zz.md');
    utimesSync(join(outbox, '#42 changelog.md'), new Date('1999-01-01'), new Date('1999-01-01'));
    const taken = new Set(['000003-001-manager.md', 'zz.md']);
    expect(scanOutbox(outbox, undefined, (name) => taken.has(name))?.newFiles).toEqual(['#42 changelog.md']);
  });

  test('an unchanged folder is not listed; any change of its mtime, even back in time (a clock set back), lists it', () => {
    const outbox = outboxWith('a.md');
    const first = scanOutbox(outbox, undefined, () => false);
    expect(first?.newFiles).toEqual(['a.md']);
    expect(scanOutbox(outbox, first?.hint, () => false)).toBeUndefined();
    writeFileSync(join(outbox, 'b.md'), '---\nto: manager\n---\nlate\n');
    const past = new Date(statSync(outbox).mtimeMs - 3_600_123);
    utimesSync(outbox, past, past);
    expect(scanOutbox(outbox, first?.hint, (name) => name === 'a.md')?.newFiles).toEqual(['b.md']);
  });

  test('a folder whose time has no part below the second (a coarse file system) is never trusted: it is listed every time', () => {
    const outbox = outboxWith('a.md');
    utimesSync(outbox, new Date('2026-01-01T10:00:00.000Z'), new Date('2026-01-01T10:00:00.000Z'));
    const scan = scanOutbox(outbox, undefined, () => false);
    expect(scan?.hint).toBeUndefined();
    expect(scanOutbox(outbox, scan?.hint, () => true)).toEqual({ newFiles: [], skipped: [] });
    expect(hintAfterOwnWrites({ mtimeMs: 5.5 }, 5.5, 7000)).toBeUndefined();
  });

  test("the engine's own writes keep the hint only when no one else changed the folder since it was last known", () => {
    expect(hintAfterOwnWrites({ mtimeMs: 10.25 }, 10.25, 20.5)).toEqual({ mtimeMs: 20.5 });
    expect(hintAfterOwnWrites({ mtimeMs: 10.25 }, 11.75, 20.5)).toBeUndefined();
    expect(hintAfterOwnWrites(undefined, undefined, 20.5)).toBeUndefined();
  });
});
