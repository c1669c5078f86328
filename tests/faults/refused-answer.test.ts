import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ANSWER_MAX_BYTES } from '../../src/providers/provider-error.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { loggedTurns } from '../../src/telemetry/logged-turns.js';
import { lemmingAsync } from '../helpers/cli.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { humanSends } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { agentOf, answer, KEYS, wireOrg } from './wire-org.js';

/*
 * A model server's answer past the most lemming reads of one (16 MiB, sdk-call.ts) is refused unread,
 * and the refusal is recorded with its cause in the agent's activity log, where it was an error line
 * like any other: a reader of the logs could not tell it from a server that failed. The server did the
 * work and its vendor bills it, so the call is charged at the most it could use (the prompt's tokens
 * as lemming counts them, the output cap), and the agent is held at once: charged nothing, it was
 * called again each turn until `engine.max_failed_turns`, and again after each `lemming retry`.
 */

let server: WireServer;
const huge = chatCompletion({ content: 'x'.repeat(ANSWER_MAX_BYTES + 1024), usage: { prompt_tokens: 200, completion_tokens: 30 } });
beforeAll(async () => {
  server = await startWireServer((request) => (agentOf(request) === 'manager' ? { body: huge } : answer(request)));
});
afterAll(() => server.close());

function logLines(root: string, agent: string): Array<Record<string, unknown>> {
  return readFileSync(join(root, 'agents', agent, 'logs/activity.jsonl'), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('an answer too large to read', () => {
  test('is refused once, its mail waiting, and its log line names the cause', async () => {
    const root = wireOrg(server.url);
    writeFileSync(join(root, '.env'), Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
    humanSends(root, 'manager', 'Please review the release.');
    const run = await lemmingAsync(root, ['run', '--until', '1', '--plain']);
    expect(run.stdout).toContain("[turn 1] manager error: flaky-openai: the server's answer was longer than 16 MiB, so lemming read no further");
    expect(run.stdout).toMatch(/\[turn 1\] done: 1 called, [^\n]*; held with work: 1 answer too large to read\n/);
    // Not retried: one request for the manager, though its entry allows 3 retries.
    expect(server.requests.filter((request) => agentOf(request) === 'manager')).toHaveLength(1);
    const errors = logLines(root, 'manager').filter((line) => line.event === 'error');
    expect(errors).toEqual([expect.objectContaining({ turn: 1, cause: 'answer-too-large', message: "flaky-openai: the server's answer was longer than 16 MiB, so lemming read no further" })]);
    const status = await lemmingAsync(root, ['status', '--json']);
    const manager = (JSON.parse(status.stdout) as { agents: Array<{ name: string; balance: number; unread: number }> }).agents.find((agent) => agent.name === 'manager');
    expect(manager).toMatchObject({ unread: 1 });

    // A researcher's refusals by cause count it: one agent-turn in turn 1, in the text, the JSON and the CSV.
    const analyze = await lemmingAsync(root, ['analyze']);
    expect(analyze.stdout).toContain("| answer too large to read | 1 | agent-turns | none: lemming reads a model's answer within 16 MiB (the model's server; then lemming retry <agent>) |");
    const figures = JSON.parse((await lemmingAsync(root, ['analyze', '--json'])).stdout) as { refusals: Record<string, number>; refusalsByTurn: Array<Record<string, number>> };
    expect(figures.refusals).toEqual({ chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, intervention: 0, activation: 0, answer: 1 });
    expect(figures.refusalsByTurn).toEqual([{ turn: 1, chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, intervention: 0, activation: 0, answer: 1 }]);
    // The run told again from the logs (`lemming trace --otlp`) counts it as the live run did.
    const told = loggedTurns(root, loadOrg(root).org).flatMap(({ event }) => (event.type === 'turn-finished' ? [event.stats.refusals] : []));
    expect(told).toEqual([expect.objectContaining({ answer: 1 })]);
  });

  test('is charged at the most the call could use, written to the ledger with why, and holds the agent at once', async () => {
    const root = wireOrg(server.url);
    writeFileSync(join(root, '.env'), Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
    humanSends(root, 'manager', 'Please review the release.');
    const before = server.requests.filter((request) => agentOf(request) === 'manager').length;
    const run = await lemmingAsync(root, ['run', '--until', '5', '--plain']);
    // Called once: the server that sent what lemming cannot read is not paid again turn after turn.
    expect(server.requests.filter((request) => agentOf(request) === 'manager').length - before).toBe(1);
    expect(run.stdout).toContain('manager not called: its model flaky-openai');
    expect(run.stdout).not.toContain('[turn 2] manager thinking');

    const ledger = join(root, 'org/state/ledger.jsonl');
    const lines = readFileSync(ledger, 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.agent === 'manager');
    expect(lines).toHaveLength(1);
    const charge = lines[0] as { type: string; turn: number; input_tokens: number; output_tokens: number; credits: number; estimated?: boolean; note?: string };
    // The flaky-openai entry names no output cap: the call was reserved at the documented 1,024 tokens, and is charged so.
    expect(charge).toMatchObject({ type: 'charge', turn: 1, model: 'flaky-openai', output_tokens: 1024, estimated: true });
    expect(charge.input_tokens).toBeGreaterThan(100);
    expect(charge.input_tokens).toBeLessThan(32000);
    // Priced at the entry's prices (1,000 and 4,000 credits a million tokens).
    expect(charge.credits).toBeCloseTo((charge.input_tokens * 1000 + 1024 * 4000) / 1e6, 9);
    expect(charge.note).toMatch(/answer was past 16 MiB and not read/);

    const status = await lemmingAsync(root, ['status', '--json']);
    const manager = (JSON.parse(status.stdout) as { agents: Array<{ name: string; balance: number; unread: number }> }).agents.find((agent) => agent.name === 'manager');
    expect(manager?.balance).toBeCloseTo(10 - charge.credits, 9);
    expect(manager?.unread).toBe(1);
    // The log's note says why the charge is not the server's count; the human is told the agent is held and why.
    const notes = logLines(root, 'manager').filter((line) => line.event === 'note').map((line) => String(line.message));
    expect(notes.join('\n')).toMatch(/answer was past 16 MiB and not read/);
    const inbox = await lemmingAsync(root, ['inbox']);
    expect(inbox.stdout).toContain('manager is not called: its model flaky-openai sent an answer too large to read');
    // The charge is in the log as in the ledger: money is conserved.
    expect(checkInvariants(root)).toEqual([]);

    // A person's `lemming retry` calls it once more, charged and held again: one call a retry, each paid.
    expect((await lemmingAsync(root, ['retry', 'manager'])).status).toBe(0);
    await lemmingAsync(root, ['run', '--until', '10', '--plain']);
    expect(server.requests.filter((request) => agentOf(request) === 'manager').length - before).toBe(2);
    expect(readFileSync(ledger, 'utf8').split('\n').filter((line) => line.includes('"agent":"manager"'))).toHaveLength(2);
    expect(checkInvariants(root)).toEqual([]);
  });
});

/*
 * The same answer at a later step of a call with tools (step 2, after step 1 wrote a file): the step
 * before it stands and is charged, and the refused step is charged, noted and holds the agent as a
 * first step's does. Before, the charge had no note, the agent was not held (called again each turn
 * and paid again) and nobody was told why.
 */
describe('an answer too large to read at a later step of a call with tools', () => {
  let stepServer: WireServer;
  beforeAll(async () => {
    stepServer = await startWireServer((request) => {
      if (agentOf(request) !== 'manager') return answer(request);
      // Step 1 writes a file; the step that is shown its result answers past 16 MiB.
      if ((request.body.messages as unknown[]).length > 2) return { body: huge };
      return { body: chatCompletion({ toolCalls: [{ name: 'write_file', arguments: { path: 'plan.md', content: '# Plan\n' } }], usage: { prompt_tokens: 200, completion_tokens: 30 } }) };
    });
  });
  afterAll(() => stepServer.close());

  test('is charged with its note, holds the agent at once and tells the human why; step 1 stands', async () => {
    const root = wireOrg(stepServer.url);
    writeFileSync(join(root, '.env'), Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
    writeFileSync(join(root, 'agents/manager/resume.md'), '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\ntools: [send_message, write_file]\n---\nWrite the plan, then report.\n');
    humanSends(root, 'manager', 'Please write the plan.');
    const first = await lemmingAsync(root, ['run', '--until', '1', '--plain']);
    // Counted by its cause as a first step's is, and not an error: step 1's work stands.
    expect(first.stdout).toMatch(/\[turn 1\] done: 1 called, [^\n]*; held with work: 1 answer too large to read\n/);
    expect(first.stdout).toMatch(/\[turn 1\] done: [^\n]*\b0 error\(s\)/);
    // Held: the next letter waits, and the manager is not called for it (asked twice in turn 1: step 1, step 2).
    humanSends(root, 'manager', 'And the release notes?');
    const run = await lemmingAsync(root, ['run', '--until', '3', '--plain']);
    expect(stepServer.requests.filter((request) => agentOf(request) === 'manager')).toHaveLength(2);
    expect(run.stdout).toContain('manager not called: its model flaky-openai');
    expect(readFileSync(join(root, 'agents/manager/workspace/plan.md'), 'utf8')).toBe('# Plan\n');

    const charges = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.agent === 'manager');
    expect(charges).toHaveLength(1);
    const charge = charges[0] as { output_tokens: number; estimated?: boolean; note?: string };
    // Step 1's 30 output tokens and the refused step's reservation (1,024: the entry names no cap).
    expect(charge).toMatchObject({ turn: 1, output_tokens: 30 + 1024, estimated: true });
    expect(charge.note).toMatch(/answer was past 16 MiB and not read/);

    const notes = logLines(root, 'manager').filter((line) => line.event === 'note').map((line) => String(line.message));
    expect(notes.join('\n')).toMatch(/answer was past 16 MiB and not read/);
    expect(notes.join('\n')).toContain("step 2 failed (flaky-openai: the server's answer was longer than 16 MiB, so lemming read no further)");

    const listed = JSON.parse((await lemmingAsync(root, ['status', '--json'])).stdout) as { agents: Array<{ name: string; unread: number }> };
    expect(listed.agents.find((agent) => agent.name === 'manager')).toMatchObject({ unread: 1 });
    const status = await lemmingAsync(root, ['status']);
    expect(status.stdout).toContain("manager is held: its model flaky-openai failed in 1 turns in a row (flaky-openai: the server's answer was longer than 16 MiB, so lemming read no further)");
    const inbox = await lemmingAsync(root, ['inbox']);
    expect(inbox.stdout).toContain('manager is not called: its model flaky-openai sent an answer too large to read');
    expect(checkInvariants(root, { idle: false })).toEqual([]);

    // A researcher's refusals by cause count it once, in turn 1: the text, the JSON, the CSV and the run told again from the logs.
    const analyze = await lemmingAsync(root, ['analyze', '--csv', join(root, 'tables')]);
    expect(analyze.stdout).toContain('| answer too large to read | 1 | agent-turns |');
    const figures = JSON.parse((await lemmingAsync(root, ['analyze', '--json'])).stdout) as { refusals: Record<string, number>; refusalsByTurn: Array<Record<string, number>> };
    expect(figures.refusals).toEqual({ chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, intervention: 0, activation: 0, answer: 1 });
    expect(figures.refusalsByTurn).toEqual([{ turn: 1, chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, intervention: 0, activation: 0, answer: 1 }]);
    expect(readFileSync(join(root, 'tables/refusals.csv'), 'utf8').trim().split('\n').slice(1)).toEqual(['1,answer,1']);
    const told = loggedTurns(root, loadOrg(root).org).flatMap(({ event }) => (event.type === 'turn-finished' ? [event.stats] : []));
    expect(told[0]).toMatchObject({ errors: 0, refusals: expect.objectContaining({ answer: 1 }) });
  });
});
