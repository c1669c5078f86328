import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FailingAgents } from '../../src/engine/turn/failing-agents.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { ANSWER_MAX_BYTES } from '../../src/providers/provider-error.js';
import { lemmingAsync } from '../helpers/cli.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { humanSends, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { agentOf, answer, KEYS, wireOrg } from './wire-org.js';

/*
 * An org whose held agent was written before lemming kept what held it (`heldFor` in
 * org/state/cache/failing-agents.json) is held as before: not called for new mail, said held by
 * `status`, counted as held for failed turns, and called once more after `lemming retry`, when its
 * record is written again with what held it.
 */

const FAILING = 'org/state/cache/failing-agents.json';
const huge = chatCompletion({ content: 'x'.repeat(ANSWER_MAX_BYTES + 1024), usage: { prompt_tokens: 200, completion_tokens: 30 } });

let server: WireServer;
beforeAll(async () => {
  server = await startWireServer((request) => {
    if (agentOf(request) === 'coder') return { body: huge };
    return JSON.stringify(request.body).includes('from=\\"human\\"') ? answer(request, { to: 'coder', body: 'Build the release.\n' }) : answer(request);
  });
});
afterAll(() => server.close());

const coderAsked = (): number => server.requests.filter((request) => agentOf(request) === 'coder').length;
type Streaks = { version: number; agents: Record<string, Record<string, unknown>> };
const streaks = (root: string): Streaks => JSON.parse(readFileSync(join(root, FAILING), 'utf8')) as Streaks;

describe('a held agent recorded before heldFor existed', () => {
  test('stays held for new mail, is counted as held for failed turns, and is called again after lemming retry', async () => {
    const root = wireOrg(server.url);
    writeFile(root, '.env', Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
    humanSends(root, 'manager', 'Please ship the release.');
    await lemmingAsync(root, ['run', '--until', '3']);
    const asked = coderAsked();
    expect(asked).toBe(1);
    // The record as an earlier lemming wrote it: everything but heldFor.
    const old = streaks(root);
    expect(old.agents.coder).toMatchObject({ held: true, heldFor: 'answer' });
    delete old.agents.coder?.heldFor;
    writeFileSync(join(root, FAILING), `${JSON.stringify(old)}\n`);

    humanSends(root, 'manager', 'And the notes, please.');
    const run = await lemmingAsync(root, ['run', '--until', '6']);
    expect(run.stdout).toContain('manager -> coder: Build the release.');
    expect(coderAsked()).toBe(asked);
    expect(streaks(root)).toEqual(old);
    const status = await lemmingAsync(root, ['status']);
    expect(status.stdout).toMatch(/coder is held: its model flaky-anthropic failed in 1 turns in a row/);
    expect(FailingAgents.load(root).heldAgents(loadOrg(root).org)).toEqual([{ agent: 'coder', heldFor: 'failed-turns' }]);
    expect(checkInvariants(root, { idle: false })).toEqual([]);

    expect((await lemmingAsync(root, ['retry', 'coder'])).status).toBe(0);
    await lemmingAsync(root, ['run', '--until', '8']);
    expect(coderAsked()).toBe(asked + 1);
    expect(streaks(root).agents.coder).toMatchObject({ held: true, heldFor: 'answer' });
  }, 30_000);
});
