import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { lemming } from '../helpers/cli.js';
import { listOutbox, resume, tempDir, write } from '../helpers/org-files.js';
import { writeScriptedSeatOrg } from '../helpers/scripted-seat.js';

/*
 * One ping-pong rule, held through the CLI: two agent programs (tests/fixtures/agents/scripted-agent.mjs)
 * that write to each other and to nobody else, call after call, in the forms a pair can take. `run`
 * holds them at org.yaml's `ping_pong: { messages: 4, on: pause }`, and `lemming analyze` finds the same
 * exchange in the files the run left, with the count the breaker's notice gives.
 */

/** How a pair writes: to each other, by posting to a list of the two, or to the human with the other in cc. */
type Form = 'direct' | 'list' | 'cc';

/** The send_message arguments of `agent`'s `index`th call in `form`. */
function sendOf(form: Form, agent: string, index: number): Record<string, unknown> {
  const partner = agent === 'a' ? 'b' : 'a';
  const body = `${agent} to ${partner}, call ${index}: what do you think?`;
  if (form === 'list') return { to: 'pair', body };
  if (form === 'cc') return { to: 'human', cc: [partner], body };
  return { to: partner, body };
}

/**
 * a and b on the scripted program, each writing in `form` at every call (twelve calls each); the human
 * may write to both. With `aWritesAFile`, a's call of that number also writes a file in its workspace
 * (a step that makes something; the program's next answer ends the call).
 */
function pairOrg(form: Form, aWritesAFile?: number): string {
  const root = tempDir('lemming-ping-pong-');
  const steps = (agent: string) =>
    Array.from({ length: 12 }, (_, index) => {
      const send = { name: 'send_message', arguments: sendOf(form, agent, index + 1) };
      if (agent !== 'a' || aWritesAFile !== index + 1) return [{ json: { tool_calls: [send] } }];
      return [{ json: { tool_calls: [{ name: 'write_file', arguments: { path: 'notes.md', content: 'What we settled.\n' } }, send] } }, { json: { text: 'Written and sent.' } }];
    }).flat();
  writeScriptedSeatOrg(root, 'pair', ['max_turns: 12', 'breakers: { ping_pong: { messages: 4, on: pause } }'], { a: steps('a'), b: steps('b') });
  write(
    root,
    'org/chart.yaml',
    [
      'agents:',
      '  human: { reports_to: null, send_to: [a, b], read_from: ["*"] }',
      '  a: { reports_to: human, send_to: [b, pair, human], read_from: ["*"] }',
      '  b: { reports_to: human, send_to: [a, pair, human], read_from: ["*"] }',
      '',
    ].join('\n'),
  );
  write(root, 'org/lists/pair.yaml', 'members: [a, b]\n');
  write(root, 'agents/human/resume.md', resume({ title: 'The person', model: 'human' }, 'You.'));
  for (const agent of ['a', 'b']) write(root, `agents/${agent}/resume.md`, resume({ title: 'Colleague', model: 'seat', credits: '10', tools: '[send_message, write_file]' }, 'Talk it over.'));
  return root;
}

/** The ping-pongs `lemming analyze --json` reports. */
function analysed(root: string): Array<{ agents: string[]; messages: number; fromTurn: number; toTurn: number; ids: string[] }> {
  const analysis = lemming(root, ['analyze', '--json']);
  expect(analysis.status, analysis.stderr).toBe(0);
  return (JSON.parse(analysis.stdout) as { failures: { pingPongs: Array<{ agents: string[]; messages: number; fromTurn: number; toTurn: number; ids: string[] }> } }).failures.pingPongs;
}

/** The count each held agent's notice to the human gives, a's then b's (`inbox` shows a notice once, so it is read once). */
function heldCounts(root: string): Array<number | undefined> {
  const inbox = lemming(root, ['inbox', '--json']);
  expect(inbox.status, inbox.stderr).toBe(0);
  const notices = (JSON.parse(inbox.stdout) as { notices: Array<{ subject: string; body: string }> }).notices;
  return ['a', 'b'].map((agent) => {
    const notice = notices.find((item) => item.subject.startsWith(`${agent} is held by a circuit breaker: ping-pong`));
    const count = /have sent (\d+) messages back and forth/.exec(notice?.body ?? '')?.[1];
    return count === undefined ? undefined : Number(count);
  });
}

/** Run the pair from the human's first message(s) and return what the run, status, analyze and the notices say. */
function runPair(root: string, kickOff: string): { outboxes: number[]; status: string; pingPongs: ReturnType<typeof analysed>; counts: Array<number | undefined> } {
  const sent = lemming(root, ['send', kickOff, 'Talk it over between you two.']);
  expect(sent.status, sent.stderr).toBe(0);
  const run = lemming(root, ['run', '--plain']);
  expect(run.status, run.stdout + run.stderr).toBe(0);
  return {
    outboxes: [listOutbox(root, 'a').length, listOutbox(root, 'b').length],
    status: lemming(root, ['status']).stdout,
    pingPongs: analysed(root),
    counts: heldCounts(root),
  };
}

/** Both kicked off in turn 0 and writing in the same turns: four messages by turn 2. */
const SAME_TURNS = ['000001-a-001', '000001-b-001', '000002-a-001', '000002-b-001'];

describe('a ping-pong is one rule for the live breaker and `lemming analyze`, whatever form the pair takes', () => {
  const forms: Array<{ name: string; form: Form; kickOff: string; heldAt: number; lastTurn: number; ids: string[] }> = [
    { name: 'kicked off together, writing to each other in the same turns (two turns)', form: 'direct', kickOff: 'a,b', heldAt: 3, lastTurn: 2, ids: SAME_TURNS },
    { name: 'taking turns (four turns)', form: 'direct', kickOff: 'a', heldAt: 5, lastTurn: 4, ids: ['000001-a-001', '000002-b-001', '000003-a-001', '000004-b-001'] },
    { name: 'through a mailing list of the two, posting in the same turns', form: 'list', kickOff: 'a,b', heldAt: 3, lastTurn: 2, ids: SAME_TURNS },
    { name: 'each writing to the human with the other in cc (a person is no third party)', form: 'cc', kickOff: 'a,b', heldAt: 3, lastTurn: 2, ids: SAME_TURNS },
  ];
  for (const { name, form, kickOff, heldAt, lastTurn, ids } of forms) {
    test(`${name}: both held at 4 messages, and analyze finds those 4`, () => {
      const root = pairOrg(form);
      const seen = runPair(root, kickOff);
      expect(seen.outboxes).toEqual([2, 2]);
      if (form === 'list') expect(readFileSync(join(root, 'agents/a/outbox', listOutbox(root, 'a')[0] as string), 'utf8')).toMatch(/^to: pair$/m);
      expect(seen.status).toContain(`a is held by a circuit breaker since turn ${heldAt} (ping-pong with b)`);
      expect(seen.status).toContain(`b is held by a circuit breaker since turn ${heldAt} (ping-pong with a)`);
      expect(seen.counts).toEqual([4, 4]);
      expect(seen.pingPongs).toEqual([{ agents: ['a', 'b'], messages: 4, fromTurn: 1, toTurn: lastTurn, ids }]);
    }, 120_000);
  }

  test("a call that writes a file ends the exchange for both the breaker and analyze: the count starts again from the other agent's message", () => {
    const root = pairOrg('direct', 2);
    const seen = runPair(root, 'a,b');
    // Turn 1: both (2). Turn 2: a writes a file, so only b's message counts, from 1. Turns 3 and 4: both (3, then 5): held.
    expect(seen.outboxes).toEqual([4, 4]);
    expect(seen.status).toContain('a is held by a circuit breaker since turn 5 (ping-pong with b)');
    expect(seen.counts).toEqual([5, 5]);
    expect(seen.pingPongs).toEqual([{ agents: ['a', 'b'], messages: 5, fromTurn: 2, toTurn: 4, ids: ['000002-b-001', '000003-a-001', '000003-b-001', '000004-a-001', '000004-b-001'] }]);
  }, 120_000);
});
