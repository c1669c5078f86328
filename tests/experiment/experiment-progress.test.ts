import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { HAS_SCRIPT, TerminalSession } from '../ui/helpers/pty.js';
import { plainText } from '../ui/helpers/wait.js';

/** One run of the default org on one task: enough turns for a live line to show several. */
const STUDY = ['name: solo', 'turns: 10', 'parallel: 1', 'messages:', '  - { to: manager, subject: First release, body: Plan the first release and have it built. }', 'variants:', '  - name: baseline', ''].join('\n');

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe('lemming experiment shows where its runs are', () => {
  test.skipIf(!HAS_SCRIPT)("on a terminal: a live line with the running run's turn, calls and credits, gone when the run ends", { timeout: 120_000 }, async () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'solo.yaml'), STUDY);
    const screen = new TerminalSession(['experiment', join(root, 'solo.yaml'), '--root', root], { cols: 100, rows: 24 });
    cleanups.push(() => screen.kill());
    await screen.waitFor(/running 1: baseline turn 2 · \d+ calls? · \d\.\d{4} credits/, 0, 60_000);
    expect(await screen.exited).toBe(0);
    // What stays on the terminal: the lines of the run and the report, not the live line.
    const rows = plainText(screen.raw().replace(/[^\n]*\r\u001B\[2K/g, '')).split('\n');
    expect(rows.some((row) => row.startsWith('baseline: idle after turn'))).toBe(true);
    expect(rows.some((row) => row.includes('1 run(s) complete; report:'))).toBe(true);
    expect(rows.some((row) => row.includes('running 1:'))).toBe(false);
  });

  test('without a terminal: a plain line per finished turn, as --plain gives on one', () => {
    const root = defaultOrg();
    writeFileSync(join(root, 'solo.yaml'), STUDY);
    const result = lemming(root, ['experiment', join(root, 'solo.yaml')]);
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stderr.split('\n');
    expect(lines).toContain('baseline: running');
    const turns = lines.filter((line) => /^baseline turn \d+ · \d+ calls? · \d\.\d{4} credits \(turn \d+ done\)$/.test(line));
    expect(turns.map((line) => Number(/turn (\d+) done/.exec(line)?.[1]))).toEqual(turns.map((_, index) => index + 1));
    expect(turns.length).toBeGreaterThan(2);
    expect(result.stderr).not.toContain('\u001b[2K');
  });
});
