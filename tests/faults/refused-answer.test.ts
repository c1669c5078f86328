import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ANSWER_MAX_BYTES } from '../../src/providers/sdk-call.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { loggedTurns } from '../../src/telemetry/logged-turns.js';
import { lemmingAsync } from '../helpers/cli.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { humanSends } from './fault-org.js';
import { agentOf, answer, KEYS, wireOrg } from './wire-org.js';

/*
 * A model server's answer past the most lemming reads of one (16 MiB, sdk-call.ts) is refused unread:
 * no usage of it can be known, so it is charged nothing (docs/real-models.md, "An answer too large to
 * read"), and the refusal is recorded with its cause in the agent's activity log, where it was an
 * error line like any other: a reader of the logs could not tell it from a server that failed.
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
  test('is refused once, charged nothing, its mail waiting, and its log line names the cause', async () => {
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
    const ledger = join(root, 'org/state/ledger.jsonl');
    expect(existsSync(ledger) ? readFileSync(ledger, 'utf8') : '').not.toContain('"agent":"manager"');
    const status = await lemmingAsync(root, ['status', '--json']);
    const manager = (JSON.parse(status.stdout) as { agents: Array<{ name: string; balance: number; unread: number }> }).agents.find((agent) => agent.name === 'manager');
    expect(manager).toMatchObject({ balance: 10, unread: 1 });

    // A researcher's refusals by cause count it: one agent-turn in turn 1, in the text, the JSON and the CSV.
    const analyze = await lemmingAsync(root, ['analyze']);
    expect(analyze.stdout).toContain("| answer too large to read | 1 | agent-turns | none: lemming reads a model's answer within 16 MiB (the model's server) |");
    const figures = JSON.parse((await lemmingAsync(root, ['analyze', '--json'])).stdout) as { refusals: Record<string, number>; refusalsByTurn: Array<Record<string, number>> };
    expect(figures.refusals).toEqual({ chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, activation: 0, answer: 1 });
    expect(figures.refusalsByTurn).toEqual([{ turn: 1, chart: 0, cap: 0, budget: 0, ceiling: 0, breaker: 0, activation: 0, answer: 1 }]);
    // The run told again from the logs (`lemming trace --otlp`) counts it as the live run did.
    const told = loggedTurns(root, loadOrg(root).org).flatMap(({ event }) => (event.type === 'turn-finished' ? [event.stats.refusals] : []));
    expect(told).toEqual([expect.objectContaining({ answer: 1 })]);
  });
});
