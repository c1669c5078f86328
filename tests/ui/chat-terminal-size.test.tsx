import { afterEach, describe, expect, test } from 'vitest';
import { ChatScreen } from '../../src/ui/chat/chat-screen.js';
import { ChatSession } from '../../src/ui/chat/chat-session.js';
import { chatMessage, FakeChatBackend, scriptedDriver } from './helpers/fake-chat.js';
import { KEYS, renderSized } from './helpers/sized-render.js';
import { plainText, settle, waitFor } from './helpers/wait.js';

const ASKED = chatMessage({ id: '000000-human-001', from: 'human', to: 'manager', turn: 0, body: 'Write the report' });

function report(lines: number, id = '000004-manager-001') {
  const body = Array.from({ length: lines }, (_, index) => `line ${index + 1} of the report`).join('\n');
  return chatMessage({ id, from: 'manager', to: 'human', turn: 4, subject: 'Report', body, file: 'agents/manager/outbox/000004-001-human.md', unread: true });
}

const mounted: Array<() => void> = [];
afterEach(() => {
  for (const unmount of mounted.splice(0)) unmount();
});

function chatAt(backend: FakeChatBackend, columns: number, rows: number, driving = false) {
  const driver = driving ? { driver: scriptedDriver([], { turns: 0, reason: 'idle' } as never) } : {};
  const screen = renderSized(<ChatScreen backend={backend} session={new ChatSession(backend)} {...driver} onQuit={() => undefined} />, { columns, rows });
  mounted.push(screen.unmount);
  const shown = async (text: string): Promise<string> => {
    await waitFor(
      () => plainText(screen.lastFrame()).includes(text),
      () => plainText(screen.lastFrame()),
    );
    return plainText(screen.lastFrame());
  };
  const type = async (line: string): Promise<void> => {
    screen.stdin.write(line);
    await settle(20);
    screen.stdin.write(KEYS.enter);
    await settle(40);
  };
  return { ...screen, shown, type };
}

/** Every frame fits the terminal (a taller one makes ink scroll the header away) and starts with the header. */
function expectFramesFit(frames: string[], rows: number): void {
  for (const frame of frames) {
    const lines = plainText(frame).split('\n');
    expect(lines.length, plainText(frame)).toBeLessThan(rows);
    expect(lines[0]).toMatch(/^lemming chat · acme · turn 3/);
  }
}

describe('the chat in an 80×24 terminal', () => {
  test('a 40-line message is read whole with /read and PgDn, every line in order, the header staying put', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, report(40)]);
    const screen = chatAt(backend, 80, 24);
    await screen.shown('manager ›');
    await screen.type('/read');
    await screen.shown('line 1 of the report');
    for (let press = 0; press < 10 && !plainText(screen.lastFrame()).includes('line 40 of the report'); press += 1) {
      screen.stdin.write(KEYS.pageDown);
      await settle(40);
    }
    // Every line was on some frame, and the frames showed them in order.
    const seen: number[] = [];
    for (const frame of screen.frames()) {
      for (const match of plainText(frame).matchAll(/line (\d+) of the report/g)) {
        const number = Number(match[1]);
        if (!seen.includes(number)) seen.push(number);
      }
    }
    expect(seen).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
    expect(plainText(screen.lastFrame())).toContain('-- agents/manager/outbox/000004-001-human.md');
    expectFramesFit(screen.frames(), 24);
    // And back up again.
    screen.stdin.write(KEYS.pageUp);
    screen.stdin.write(KEYS.pageUp);
    screen.stdin.write(KEYS.pageUp);
    await screen.shown('line 1 of the report');
  });

  test('/help keeps the header on the screen', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, report(16)]);
    const screen = chatAt(backend, 80, 24);
    await screen.shown('manager ›');
    await screen.type('/help');
    const frame = await screen.shown('/read [n|id]');
    expect(frame).toContain('PgUp/PgDn');
    expectFramesFit(screen.frames(), 24);
  });

  test('the conversation scrolls back with PgUp to messages above the screen', async () => {
    const old = Array.from({ length: 12 }, (_, index) =>
      chatMessage({ id: `00000${index}-manager-00${index}`.slice(-18), from: 'manager', to: 'human', turn: 1, created: `2026-01-01T00:00:${String(index).padStart(2, '0')}.000Z`, subject: `note ${index + 1}`, body: 'a\nb' }),
    );
    const backend = new FakeChatBackend(['manager'], [...old, report(3)]);
    const screen = chatAt(backend, 80, 24);
    await screen.shown('manager ›');
    expect(plainText(screen.lastFrame())).not.toContain('manager: note 1\n');
    for (let press = 0; press < 10 && !/manager: note 1\n/.test(plainText(screen.lastFrame())); press += 1) {
      screen.stdin.write(KEYS.pageUp);
      await settle(40);
    }
    expect(plainText(screen.lastFrame())).toMatch(/manager: note 1\n/);
    expectFramesFit(screen.frames(), 24);
  });
});

describe('the chat in an 80×24 terminal says what it must whole', () => {
  test('with --drive the header keeps its explanation, on a second row when the first is full, and the screen still fits', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, report(3)]);
    const screen = chatAt(backend, 80, 24, true);
    const frame = await screen.shown('manager ›');
    expect(frame.replace(/\n/g, ' ')).toContain('--drive: turns run after each message');
    expect(frame).not.toContain('…');
    expectFramesFit(screen.frames(), 24);
  });

  test('a subject the model already cut with "…" is not cut again into a second ellipsis when its line is too long', async () => {
    const cut = 'Plan the first release of the product with all of the…';
    const asked = chatMessage({ id: '000000-human-001', from: 'human', to: 'manager', turn: 0, subject: cut, body: 'Plan the first release of the product with all of the tasks it needs' });
    const answer = chatMessage({ id: '000004-manager-001', from: 'manager', to: 'human', turn: 4, subject: `Re: ${cut}`, body: 'Done.', replyTo: asked.id, unread: true });
    const screen = chatAt(new FakeChatBackend(['manager'], [asked, answer]), 80, 24);
    const frame = await screen.shown('manager ›');
    const lines = frame.split('\n');
    expect(lines.filter((line) => /….*…/.test(line))).toEqual([]);
    expect(lines.some((line) => line.includes(`manager: Re: ${cut}`))).toBe(true);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe('the chat in a 120×40 terminal', () => {
  test('a 16-line message is shown whole in the conversation, not cut to 6 lines', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, report(16)]);
    const screen = chatAt(backend, 120, 40);
    const frame = await screen.shown('manager ›');
    for (let line = 1; line <= 16; line += 1) expect(frame).toContain(`line ${line} of the report`);
    expect(frame).not.toContain('more line(s)');
    expectFramesFit(screen.frames(), 40);
  });
});

describe('the unread marker', () => {
  test('clears once a message is shown with /read', async () => {
    const long = report(60);
    const backend = new FakeChatBackend(['manager'], [ASKED, long]);
    const screen = chatAt(backend, 80, 24);
    let frame = await screen.shown('manager ›');
    expect(frame).toContain('● 1 unread');
    expect(frame).toMatch(/● \[turn 4\] manager: Report/);
    await screen.type('/read');
    await screen.shown('line 1 of the report');
    frame = plainText(screen.lastFrame());
    expect(backend.read.has(long.id)).toBe(true);
    expect(frame).not.toContain('unread');
    expect(frame).not.toContain('●');
  });

  test('clears on a message shown whole in the conversation', async () => {
    const short = report(3);
    const backend = new FakeChatBackend(['manager'], [ASKED, short]);
    const screen = chatAt(backend, 120, 40);
    await screen.shown('line 3 of the report');
    await waitFor(
      () => backend.read.has(short.id) && !plainText(screen.lastFrame()).includes('●'),
      () => plainText(screen.lastFrame()),
    );
  });
});
