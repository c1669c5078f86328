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
    // The paused screen, before q: the frame that says it is stopping may be cut, having the hints' room.
    const paused = screen.text();
    screen.press('q');
    expect(await screen.exited).toBe(0);
    // Nothing of the screen's header is cut off at the terminal's edge.
    // (The line that said it was starting, erased by the first frame, is in the transcript too: its … is not a cut.)
    const header = paused.split('\n').filter((line) => (line.includes('lemming run ·') && !line.includes('· starting in ')) || line.includes('q quit'));
    expect(header.length).toBeGreaterThan(0);
    for (const line of header) expect(line).not.toContain('…');
  });
});

describe.skipIf(!HAS_SCRIPT)('lemming chat in an 80×24 terminal', () => {
  test('the key hints and every line of /help are shown whole', async () => {
    const org = tempOrg();
    cleanups.push(org.remove);
    const screen = new TerminalSession(['chat', '--root', org.root], { cols: 80, rows: 24 });
    cleanups.push(() => screen.kill());
    await screen.waitFor('Enter sends · PgUp/PgDn scroll · /reply · /read · /to · /inbox · /help · /quit');
    const mark = screen.mark();
    screen.press('/help\r');
    await screen.waitFor('Type a message and press Enter', mark);
    for (const line of [
      '/reply <text>         answer their last message (plain text: a new request)',
      '/read [n|id]          a whole message: the newest, the n-th newest, or by id',
      '/reject <id> [reason] reject a proposal; the proposer is told why',
      '/quit                 leave the chat (Ctrl-C too)',
      'Tab completes /to names · Up/Down recall lines · Esc clears · ● marks unread',
      'PgUp/PgDn scroll a long answer (/read, /inbox, this list), else the conversation',
    ]) {
      await screen.waitFor(line, mark);
    }
    // The hints stay on the screen under the list.
    const after = screen.text().slice(mark);
    expect(after.lastIndexOf('/inbox · /help · /quit')).toBeGreaterThan(after.indexOf('leave the chat (Ctrl-C too)'));
    screen.press('/quit\r');
    expect(await screen.exited).toBe(0);
  });
});
