import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { HAS_SCRIPT, TerminalSession } from './helpers/pty.js';
import { plainText } from './helpers/wait.js';
import { tempOrg } from './helpers/temp-org.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** The terminal's lines as a person sees them: a line erased with CR and `ESC [2K` is gone. */
function visible(raw: string): string {
  return plainText(raw.replace(/[^\n]*\r\u001B\[2K/g, ''));
}

function freshOrg(): string {
  const org = tempOrg();
  cleanups.push(org.remove);
  return org.root;
}

describe.skipIf(!HAS_SCRIPT)('a live screen says it is starting before its first frame', () => {
  test.each([
    ['run', ['run', '--paused'], 'p go on'],
    ['chat', ['chat'], 'writing to manager'],
  ])('lemming %s: the first line, then the frame drawn over it', async (name, args, frame) => {
    const root = freshOrg();
    const screen = new TerminalSession([...args, '--root', root], { cols: 80, rows: 24 });
    cleanups.push(() => screen.kill());
    await screen.waitFor(frame);
    const shown = screen.text();
    // The first thing on the terminal is the line, before any of the frame.
    expect(shown.startsWith(`lemming ${name} · starting in ${root} …`)).toBe(true);
    expect(shown.indexOf(frame)).toBeGreaterThan(shown.indexOf('starting in'));
    // The frame is drawn where the line was: once it shows, the line is no longer on the screen.
    expect(visible(screen.raw())).not.toContain('starting in');
    expect(visible(screen.raw())).toContain(`lemming ${name} · `);
    screen.press(name === 'run' ? 'q' : '\u0003');
    await screen.exited;
  });

  test('a run that cannot start says why on a line of its own', async () => {
    const root = freshOrg();
    writeFileSync(join(root, 'org', 'chart.yaml'), 'agents: [unclosed\n');
    const screen = new TerminalSession(['run', '--root', root], { cols: 80, rows: 24 });
    cleanups.push(() => screen.kill());
    expect(await screen.exited).toBe(1);
    expect(screen.text()).toContain('starting in');
    const lines = visible(screen.raw()).split('\n');
    expect(lines.some((line) => line.includes('chart.yaml'))).toBe(true);
    expect(lines.some((line) => line.includes('starting in'))).toBe(false);
  });
});
