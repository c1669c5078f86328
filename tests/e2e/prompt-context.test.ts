import { loadState } from '../../src/engine/record/state-store.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseMessageMarkup } from '../../src/mailbox/prompt-markup.js';
import { lemming } from '../helpers/cli.js';
import { tempDir } from '../helpers/org-files.js';

interface TraceJson {
  request: { messages: Array<{ role: string; content: string }> };
}

/** The mail an agent's call of a turn was shown, read back from its trace as the model read it. */
function shown(root: string, agent: string, turn: number) {
  const trace = JSON.parse(lemming(root, ['trace', agent, '--turn', String(turn), '--json']).stdout) as TraceJson;
  return parseMessageMarkup(trace.request.messages[0]?.content ?? '');
}

/** The demo's request, on two lines: the task, then the parts it gives hr and the janitor. */
const REQUEST = 'Please plan the first release of our product and get the work done: break it into tasks, build and test it, list the files in the shared workspace, and tell me when it is finished.';
const PARTS = 'Ask hr to say who on the team works on what, and have the janitor tidy the shared workspace.';

describe('a message shown with the start of the message it answers', () => {
  test('a hand-off shows the request it carries on, a report the hand-off it answers; capped at two lines', () => {
    const root = tempDir();
    expect(lemming(root, ['demo']).status).toBe(0);
    const [handOff] = shown(root, 'coder_01', 3);
    // Two lines of the request at most, and at most 240 characters: its second line is cut.
    expect(handOff?.answers).toEqual({ id: '000001-manager-001', from: 'manager', subject: 'Plan the first release', start: `${REQUEST}\n${PARTS.slice(0, 239 - REQUEST.length - 1).trimEnd()}…` });
    const [report] = shown(root, 'planner', 4);
    expect(report?.replyTo).toBe('000002-planner-001');
    expect(report?.answers?.id).toBe('000002-planner-001');
    // The planner's hand-off begins with the same two lines, so it is shown by the same start.
    expect(report?.answers?.start).toBe(handOff?.answers?.start);
    expect(report?.answers?.start.length).toBeLessThanOrEqual(240);
    expect(report?.body.startsWith('Done: Plan the first release.')).toBe(true);
  });

  test("the human's reply shows what it answers, taken when the scan took it in: a turn finished after a crash asks the same, though the answered file went meanwhile", () => {
    const root = tempDir();
    expect(lemming(root, ['demo']).status).toBe(0);
    expect(lemming(root, ['send', 'manager', 'Thanks. Please also list the open questions.', '--reply-to', '000005-manager-001']).status).toBe(0);
    const killed = lemming(root, ['run-once'], { LEMMING_CRASH_AT: 'before-call:1' });
    expect(killed.signal).toBe('SIGKILL');
    rmSync(join(root, 'agents/manager/outbox/000005-001-human.md'));
    const recovered = lemming(root, ['run-once']);
    expect(recovered.status).toBe(0);
    expect(recovered.stdout).not.toContain('is not the one planned');
    const [reply] = shown(root, 'manager', 6);
    expect(reply?.answers).toEqual({ id: '000005-manager-001', from: 'manager', subject: 'Re: Plan the first release', start: '"Plan the first release" is done. The report:\n> From hr: …' });
  });

  test('a long message is shown by its first 240 characters, cut with "…"', () => {
    const root = tempDir();
    lemming(root, ['bootstrap']);
    expect(lemming(root, ['send', 'manager', 'A very long request line. '.repeat(30), '--subject', 'Long']).status).toBe(0);
    expect(lemming(root, ['run', '--turns', '2']).status).toBe(0);
    const [handOff] = shown(root, 'planner', 2);
    expect(handOff?.answers?.start).toHaveLength(240);
    expect(handOff?.answers?.start).toMatch(/^A very long request line\. A very .*…$/);
    // Kept with the letter in the state's parts (org/state/engine/), as it was sent.
    const state = JSON.stringify(loadState(join(root, 'org/state/engine.json')).pending);
    expect(state).toContain('"answers":{"id":"000001-manager-001"');
  });
});
