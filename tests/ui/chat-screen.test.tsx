import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { EngineEvent } from '../../src/engine/events.js';
import { ChatScreen } from '../../src/ui/chat/chat-screen.js';
import { ChatSession } from '../../src/ui/chat/chat-session.js';
import { message, simpleTurn } from './helpers/events.js';
import { chatMessage, FakeChatBackend, scriptedDriver } from './helpers/fake-chat.js';
import { fakeWatch } from './helpers/fake-watch.js';
import { flat, frameShows, PATIENCE_MS, plainText, settle } from './helpers/wait.js';

const ASKED = chatMessage({ id: '000000-human-001', from: 'human', to: 'manager', turn: 0, body: 'Write the release notes' });
const ANSWERED = chatMessage({
  id: '000003-manager-001',
  from: 'manager',
  to: 'human',
  turn: 3,
  subject: 'Re: Write the release notes',
  body: 'They are done.\nSee the outbox.',
  replyTo: '000000-human-001',
  unread: true,
});

/** A 60-line report: longer than the conversation's rows in a 40-row terminal, so it is cut there and stays unread. */
function longReport() {
  const body = Array.from({ length: 60 }, (_, index) => `line ${index + 1} of the report`).join('\n');
  return chatMessage({ id: '000004-manager-001', from: 'manager', to: 'human', turn: 4, subject: 'Report', body, file: 'agents/manager/outbox/000004-001-human.md', unread: true, replyTo: '000000-human-001' });
}

function chat(backend: FakeChatBackend, extra: { driver?: ReturnType<typeof scriptedDriver>; watch?: ReturnType<typeof fakeWatch>; onQuit?: () => void } = {}) {
  const session = new ChatSession(backend);
  return render(
    <ChatScreen
      backend={backend}
      session={session}
      onQuit={extra.onQuit ?? (() => undefined)}
      {...(extra.driver ? { driver: extra.driver } : {})}
      {...(extra.watch ? { watch: extra.watch } : {})}
    />,
  );
}

/** Type a line and press Enter, as a person would (Enter is its own key press). */
async function type(stdin: { write(data: string): void }, line: string): Promise<void> {
  stdin.write(line);
  await settle(20);
  stdin.write('\r');
  await settle(20);
}

afterEach(() => cleanup());

describe('the chat screen', () => {
  test('shows the conversation grouped by correspondent, newest at the bottom, unread mail marked', async () => {
    const backend = new FakeChatBackend(['manager'], [ANSWERED, ASKED]);
    const { lastFrame, frames } = chat(backend);
    await frameShows(lastFrame, 'manager');
    // The first frame marks the new mail; shown whole, it is read, and the mark goes.
    const frame = plainText(frames[0]);
    expect(frame).toContain('lemming chat · acme · turn 3 · writing to manager · ● 1 unread');
    expect(frame).toContain('── manager (writing to) ──');
    const lines = frame.split('\n');
    const asked = lines.findIndex((line) => line.includes('[turn 0] you: Write the release notes'));
    const answered = lines.findIndex((line) => line.includes('[turn 3] manager: Re: Write the release notes'));
    expect(asked).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(asked);
    expect(lines[answered]).toMatch(/^● \[turn 3\] manager: Re: Write the release notes ↩ your "Write the release notes"/);
    expect(lines[asked]).toMatch(/^ {2}\[turn 0\] you/);
    expect(frame).toContain('    They are done.');
  });

  test('a line is sent as human to the current correspondent as a new request, not a reply; that marks their mail read', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, ANSWERED]);
    const { lastFrame, stdin } = chat(backend);
    await frameShows(lastFrame, 'manager ›');
    await type(stdin, 'Now write the changelog');
    const frame = await frameShows(lastFrame, 'sent to manager');
    expect(backend.sent).toEqual([{ to: 'manager', body: 'Now write the changelog' }]);
    expect(frame).toMatch(/you: Now write the changelog\s*\n/);
    expect(frame).not.toContain('●');
  });

  test('/reply answers the last thing the correspondent said, threaded to it', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, ANSWERED]);
    const { lastFrame, stdin } = chat(backend);
    await frameShows(lastFrame, 'manager ›');
    await type(stdin, '/reply Thanks, ship it');
    const frame = await frameShows(lastFrame, 'sent to manager (a reply to 000003-manager-001)');
    expect(backend.sent).toEqual([{ to: 'manager', body: 'Thanks, ship it', replyTo: '000003-manager-001' }]);
    expect(frame).toContain('you: Thanks, ship it ↩ manager\'s "Re: Write the release notes"');

    const quiet = new FakeChatBackend(['planner'], []);
    const second = chat(quiet);
    await frameShows(second.lastFrame, 'planner ›');
    await type(second.stdin, '/reply Sure');
    await frameShows(second.lastFrame, 'planner has not written to you yet, so there is nothing to reply to');
    expect(quiet.sent).toEqual([]);
  });

  test('a message too long for the screen is cut in the conversation and /read shows it, scrolling', async () => {
    const report = longReport();
    const backend = new FakeChatBackend(['manager'], [ASKED, report]);
    const { lastFrame, stdin } = chat(backend);
    const cut = flat(await frameShows(lastFrame, 'more line(s)'));
    expect(cut).toMatch(/… \d+ more line\(s\): \/read 000004-manager-001/);
    expect(cut).not.toContain('line 60 of the report');
    // Cut, it is not read yet.
    expect(cut).toContain('● 1 unread');
    await type(stdin, '/read');
    const whole = flat(await frameShows(lastFrame, /lines 1–\d+ of 62 · PgDn for more/));
    expect(whole).toContain('line 1 of the report');
    expect(backend.read.has('000004-manager-001')).toBe(true);
    await type(stdin, '/read manager-001');
    await frameShows(lastFrame, 'line 1 of the report');
    await type(stdin, '/read 9');
    await frameShows(lastFrame, 'there is no message 9 back in this conversation (it has 2); /read 1 is the newest');
  });

  test('problems in the org files are shown when the chat opens', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED]);
    backend.orgProblems = [{ file: 'org/chart.yaml', line: 14, message: 'is not valid YAML: the [ opened on this line is never closed with ]', severity: 'error' }];
    const { lastFrame } = chat(backend);
    const frame = flat(await frameShows(lastFrame, 'Hand edits'));
    expect(frame).toContain('org/chart.yaml:14: is not valid YAML: the [ opened on this line is never closed with ]');
    expect(frame).toContain('manager ›');
  });

  test('/to offers only the agents the chart allows and refuses others with the reason', async () => {
    const backend = new FakeChatBackend(['manager', 'planner'], [ASKED]);
    const { lastFrame, stdin } = chat(backend);
    await frameShows(lastFrame, 'manager ›');
    await type(stdin, '/to');
    await frameShows(lastFrame, 'writing to manager; you can write to: manager, planner');

    await type(stdin, '/to coder_01');
    let frame = await frameShows(lastFrame, 'cannot write to coder_01');
    expect(flat(frame)).toContain('cannot write to coder_01: human may not send to coder_01 (chart.yaml: agents.human.send_to). You can write to: manager, planner.');
    expect(frame).toContain('manager ›');

    stdin.write('/to pl');
    await settle(20);
    stdin.write('\t');
    await frameShows(lastFrame, 'manager › /to planner');
    stdin.write('\r');
    frame = await frameShows(lastFrame, 'now writing to planner');
    expect(frame).toContain('planner ›');
    await type(stdin, 'Can you plan it?');
    expect(backend.sent.at(-1)).toEqual({ to: 'planner', body: 'Can you plan it?' });
  });

  test('/inbox, /status and /help say what they say; /quit leaves', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED, longReport()]);
    backend.notes = [{ id: '000002-lemming-refused-human-1', turn: 2, subject: 'Not delivered', body: '1 message(s) you sent were not delivered', unread: true }];
    const onQuit = vi.fn();
    const { lastFrame, stdin } = chat(backend, { onQuit });
    await frameShows(lastFrame, 'manager ›');
    await type(stdin, '/inbox');
    let frame = await frameShows(lastFrame, 'now marked read');
    expect(frame).toContain('1 unread message(s), 1 notice(s)');
    expect(frame).toContain('● [turn 2] lemming: Not delivered');
    expect(frame).toContain('● [turn 4] manager → you (reply to 000000-human-001): Report');
    // Bodies in full, not only subjects.
    expect(frame).toContain('    1 message(s) you sent were not delivered');
    expect(frame).toMatch(/ {4}line 1 of the report\n {4}line 2 of the report\n/);
    expect(backend.read.has('000004-manager-001')).toBe(true);
    expect(frame).not.toContain('● 1 unread');

    await type(stdin, '/status');
    frame = await frameShows(lastFrame, 'acme at turn 3');
    expect(frame).toMatch(/manager\s+0\.4000 \/ 0\.5000\s+1 unread\s+turn 3: sent 1/);

    await type(stdin, '/help');
    frame = await frameShows(lastFrame, '/to <agent>');
    for (const command of ['/inbox', '/status', '/help', '/quit']) expect(frame).toContain(command);

    await type(stdin, '/nonsense');
    await frameShows(lastFrame, 'there is no command /nonsense; /help lists them');

    await type(stdin, '/quit');
    // vi.waitFor's own deadline is a second: the patience of every other wait here instead.
    await vi.waitFor(() => expect(onQuit).toHaveBeenCalledTimes(1), { timeout: PATIENCE_MS });
  });

  test('new mail appears as soon as the watcher sees the file', async () => {
    const backend = new FakeChatBackend(['manager'], [ASKED]);
    const watch = fakeWatch();
    const { lastFrame, frames } = chat(backend, { watch });
    await frameShows(lastFrame, 'you: Write the release notes');
    expect(plainText(lastFrame())).not.toContain('They are done');
    backend.mail.push(ANSWERED);
    watch.emit({ kind: 'mail', file: 'agents/manager/outbox/000003-001-human.md' });
    await frameShows(lastFrame, 'They are done');
    // Marked new when it comes, then read, since it is on screen whole.
    expect(frames.map(plainText).some((frame) => frame.includes('● [turn 3] manager: Re: Write the release notes'))).toBe(true);
    await frameShows(lastFrame, /^ {2}\[turn 3\] manager: Re: Write the release notes/m);
    expect(backend.read.has('000003-manager-001')).toBe(true);
  });

  test('--drive runs turns after a message until its answer, saying what it waits for and showing what the turns do', async () => {
    const backend = new FakeChatBackend(['manager'], []);
    const request = '000003-human-001';
    const handOff: EngineEvent = { type: 'message-delivered', turn: 1, message: { ...message(1, 'manager', 'planner', 'Plan it'), replyTo: request } };
    const events: EngineEvent[] = [
      { type: 'turn-started' as const, turn: 1, agents: ['manager'], recovering: false },
      handOff,
      ...simpleTurn(2, 'planner', 'manager', 'Planned').slice(0, 2),
      { type: 'message-delivered', turn: 3, message: { ...message(3, 'manager', 'human', 'Re: Plan the release'), replyTo: '000001-manager-001' } },
    ];
    const driver = scriptedDriver(events, { turns: 3, reason: 'replied', replies: ['000003-manager-001'], answer: '000003-manager-001' });
    const { lastFrame, stdin, frames } = chat(backend, { driver });
    await frameShows(lastFrame, 'No messages yet');
    await type(stdin, 'Plan the release');
    const frame = await frameShows(lastFrame, 'manager wrote to you after 3 turns, answering your request (000003-manager-001)');
    expect(frame).toContain('turn 3: manager → human: Re: Plan the release');
    const shown = frames.map(plainText).join('\n');
    expect(shown).toContain(`waiting for an answer to "Plan the release" (${request}), now with planner`);
    expect(driver.drives).toBe(1);
    expect(backend.sent).toEqual([{ to: 'manager', body: 'Plan the release' }]);
  });
});
