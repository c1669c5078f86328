import { afterEach, describe, expect, test } from 'vitest';
import { HAS_SCRIPT, TerminalSession } from './helpers/pty.js';
import { tempOrg } from './helpers/temp-org.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

describe.skipIf(!HAS_SCRIPT)('lemming run in a 60-column terminal', () => {
  test('the key hints are shown whole', async () => {
    const org = tempOrg();
    cleanups.push(org.remove);
    const screen = new TerminalSession(['run', '--paused', '--root', org.root], { cols: 60, rows: 30 });
    cleanups.push(() => screen.kill());
    await screen.waitFor('paused after turn 0');
    await screen.waitFor('p go on · s one turn · q quit');
    await screen.waitFor('watching hand edits');
    screen.press('q');
    expect(await screen.exited).toBe(0);
    // Nothing of the screen's header is cut off at the terminal's edge.
    const header = screen.text().split('\n').filter((line) => line.includes('lemming run ·') || line.includes('q quit'));
    expect(header.length).toBeGreaterThan(0);
    for (const line of header) expect(line).not.toContain('…');
  });
});
