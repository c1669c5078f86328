import { afterEach, describe, expect, test } from 'vitest';
import { setCommandIo } from '../../src/cli/cli-context.js';
import { slowWorkLine } from '../../src/cli/slow-work-line.js';

/** Standard error as a terminal (or not): every byte, and its rows once CR and erase are applied. */
function givenStderr(isTTY: boolean, env: Record<string, string> = {}): { rows(): string[]; written(): string } {
  let bytes = '';
  const stream = { write: (text: string) => void (bytes += text), isTTY, columns: 120 };
  setCommandIo({ stdin: process.stdin, stdout: { write: () => true }, stderr: stream, cwd: process.cwd(), env, ownsProcess: false });
  return { written: () => bytes, rows: () => bytes.replace(/[^\n]*\r\u001b\[2K/g, '').split('\n') };
}

afterEach(() => setCommandIo(undefined));

/** A clock the test moves. */
function clock(): { now: () => number; at(ms: number): void } {
  let ms = 0;
  return { now: () => ms, at: (next) => void (ms = next) };
}


describe('long work shows its progress past two seconds', () => {
  test('on a terminal: nothing for two seconds, then a live line of the step and its count, gone when done', () => {
    const terminal = givenStderr(true);
    const time = clock();
    const printed: string[] = [];
    const slow = slowWorkLine({ out: () => undefined, err: (line) => void printed.push(line) }, 'exporting', { now: time.now });
    time.at(1999);
    slow.progress("copying the org's files", 10);
    expect(terminal.written()).toBe('');
    time.at(2000);
    slow.progress("copying the org's files", 12_345);
    expect(terminal.rows().at(-1)).toBe("exporting: copying the org's files · 12,345");
    time.at(2050);
    slow.progress("copying the org's files", 12_400);
    // Redrawn at most ten times a second, whatever the count.
    expect(terminal.rows().at(-1)).toBe("exporting: copying the org's files · 12,345");
    time.at(2101);
    slow.progress('writing the archive', 3, 40_000);
    expect(terminal.rows().at(-1)).toBe('exporting: writing the archive · 3 of 40,000');
    slow.done();
    expect(terminal.rows()).toEqual(['']);
    expect(printed).toEqual([]);
  });

  test('in CI or not on a terminal: a plain line when a step starts and at most one each ten seconds within it', () => {
    for (const [isTTY, env] of [[false, {}], [true, { CI: 'true' }]] as const) {
      const terminal = givenStderr(isTTY, env);
      const time = clock();
      const printed: string[] = [];
      const slow = slowWorkLine({ out: () => undefined, err: (line) => void printed.push(line) }, 'importing', { now: time.now });
      time.at(500);
      slow.progress('unpacking the archive', 1, 100);
      for (const [at, done] of [[2500, 10], [3000, 20], [12_499, 60], [12_500, 70]] as const) {
        time.at(at);
        slow.progress('unpacking the archive', done, 100);
      }
      slow.done();
      expect(printed).toEqual(['importing: unpacking the archive · 10 of 100', 'importing: unpacking the archive · 70 of 100']);
      expect(terminal.written()).toBe('');
    }
  });
});
