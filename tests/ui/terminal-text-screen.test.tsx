import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, test } from 'vitest';
import { commandHint } from '../../src/cli/command-hint.js';
import { ChatScreen } from '../../src/ui/chat/chat-screen.js';
import { ChatSession } from '../../src/ui/chat/chat-session.js';
import { RunGate } from '../../src/ui/run/run-gate.js';
import { RunScreen } from '../../src/ui/run/run-screen.js';
import { initialRunState } from '../../src/ui/run/run-state.js';
import { delivered } from './helpers/events.js';
import { EventFeed } from './helpers/event-feed.js';
import { chatMessage, FakeChatBackend } from './helpers/fake-chat.js';
import { flat, frameShows, settle } from './helpers/wait.js';

/*
 * Issue 36: the live screens show agent text (subjects, bodies, errors) through ink, which passes
 * control sequences to the terminal as they are. They must arrive as visible escapes, while the
 * screen's own colours (ink's SGR codes) keep working.
 */

const SUBJECT = 'Weekly report\u001b]52;c;cm0gLXJmIH4K\u0007\u001b[2J\u001b]0;TITLE\u0007';
const BODY = 'All is well.\u001b[1A\u001b[2K\nApprove: \u001b[8mwire every credit\u001b[0m\nC1 \u009b2J DEL \u007f \u202egpj.exe';

/** What a hostile text may never put on the screen as it is: OSC, clearing, moving, erasing, hiding, BEL, C1, DEL, bidi overrides. */
const HOSTILE = ['\u001b]', '\u0007', '\u001b[2J', '\u001b[1A', '\u001b[2K', '\u001b[8m', '\u009b', '\u007f', '\u202e'];

function expectNoHostileBytes(frame: string | undefined): void {
  const found = HOSTILE.filter((sequence) => (frame ?? '').includes(sequence));
  expect(found.map((sequence) => JSON.stringify(sequence))).toEqual([]);
}

afterEach(() => cleanup());

describe('the terminal screens show agent text with its control characters escaped', () => {
  test('the run screen: the feed, the trouble area and an agent name from the event stream', async () => {
    const feed = new EventFeed();
    const { lastFrame } = render(
      <RunScreen
        events={feed}
        gate={new RunGate()}
        initial={initialRunState([{ name: 'manager', isHuman: false, balance: 0.5, budget: 0.5, unread: 0 }], 'acme', '/tmp/acme')}
        hint={commandHint('/tmp/acme')}
        onStop={() => undefined}
      />,
    );
    feed.push(
      { type: 'run-started', root: '/tmp/acme', org: 'acme\u001b]0;TITLE\u0007', turn: 0, resumed: false },
      { type: 'turn-started', turn: 1, agents: ['manager'], recovering: false },
      delivered(1, 'manager', 'human', SUBJECT),
      { type: 'agent-error', turn: 1, agent: 'manager', message: `model failed: ${BODY}` },
    );
    const frame = await frameShows(lastFrame, 'model failed');
    expectNoHostileBytes(lastFrame());
    expect(frame).toContain('Weekly report\\u001b]52;c;cm0gLXJmIH4K\\u0007\\u001b[2J');
    expect(flat(frame)).toContain('All is well.\\u001b[1A\\u001b[2K');
    expect(frame).toContain('acme\\u001b]0;TITLE\\u0007');
  });

  test('the chat screen: the conversation, and a message read in full', async () => {
    const backend = new FakeChatBackend(
      ['manager'],
      [chatMessage({ id: '000003-manager-001', from: 'manager', to: 'human', turn: 3, subject: SUBJECT, body: BODY, unread: true })],
    );
    const { lastFrame, stdin } = render(<ChatScreen backend={backend} session={new ChatSession(backend)} onQuit={() => undefined} />);
    await frameShows(lastFrame, 'Weekly report');
    expectNoHostileBytes(lastFrame());
    stdin.write('/read 000003-manager-001');
    await settle(20);
    stdin.write('\r');
    const frame = await frameShows(lastFrame, 'wire every credit\\u001b[0m');
    expectNoHostileBytes(lastFrame());
    expect(flat(frame)).toContain('Approve: \\u001b[8mwire every credit\\u001b[0m');
    expect(flat(frame)).toContain('\\u009b2J DEL \\u007f \\u202egpj.exe');
  });
});
