import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { defaultOrg, listOutbox, setKeepHistory } from '../helpers/temp-org.js';
import { PastTurns } from '../../src/web/turns/past-turns.js';
import { balanceAfter, EDGE_ADDED, orgWithTurns } from './turns-org.js';
import { lemming } from '../helpers/cli.js';
import { copyOf } from '../history/history-org.js';
import { getJson, serveOrg } from './web-server.js';

interface Page {
  total: number;
  messages: Array<{ id: string; turn: number }>;
}
interface Chart {
  turn: number;
  edges: Array<{ from: string; to: string }>;
}
interface Agent {
  status?: { balance: number; budget: number; toppedUp: number };
}
interface Turns {
  live: number;
  keeps: boolean;
  turns: Array<{ turn: number; messages: number }>;
  explanation?: string;
}

let root: string;
beforeAll(async () => {
  root = await orgWithTurns();
}, 120_000);

/** A POST as a program would make it, with the token. */
async function post(server: { base: string; token: string }, path: string, body: unknown): Promise<{ status: number; body: { error?: string; message?: string } }> {
  const response = await fetch(`${server.base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as { error?: string; message?: string } };
}

describe('the API at an earlier turn (?turn=N)', () => {
  test('GET /api/turns lists the turns the history holds, newest first, with the live turn', async () => {
    const server = await serveOrg(root);
    const { status, body } = await getJson<Turns>(server, '/api/turns');
    expect(status).toBe(200);
    expect(body.live).toBe(3);
    expect(body.keeps).toBe(true);
    expect(body.turns.map((entry) => entry.turn)).toEqual([3, 2, 1, 0]);
    expect(body.turns.find((entry) => entry.turn === 1)?.messages).toBe(1);
    expect(body.explanation).toBeUndefined();
  });

  test('messages, chart and an agent answer as they were after turn 1; without turn, as they are now', async () => {
    const server = await serveOrg(root);
    const all = Object.keys(messageFiles(root));
    const upToOne = all.filter((file) => Number(/\/outbox\/(\d{6})-/.exec(file)?.[1]) <= 1);
    expect(all.length).toBeGreaterThan(upToOne.length);

    const past = await getJson<Page>(server, '/api/messages?turn=1&limit=500');
    expect(past.status).toBe(200);
    expect(past.body.total).toBe(upToOne.length);
    expect(past.body.messages.every((message) => message.turn <= 1)).toBe(true);
    const live = await getJson<Page>(server, '/api/messages?limit=500');
    expect(live.body.total).toBe(all.length);

    const chartThen = await getJson<Chart>(server, '/api/chart?turn=1');
    const chartNow = await getJson<Chart>(server, '/api/chart');
    const edges = (chart: Chart): string[] => chart.edges.map((edge) => `${edge.from}->${edge.to}`);
    expect(chartThen.body.turn).toBe(1);
    expect(edges(chartThen.body)).not.toContain(EDGE_ADDED);
    expect(edges(chartNow.body)).toContain(EDGE_ADDED);

    const plannerThen = await getJson<Agent>(server, '/api/agents/planner?turn=1');
    const plannerNow = await getJson<Agent>(server, '/api/agents/planner');
    const budget = plannerNow.body.status?.budget ?? 0;
    expect(plannerThen.body.status?.balance).toBeCloseTo(balanceAfter(root, 'planner', budget, 1), 10);
    expect(plannerNow.body.status?.balance).toBeCloseTo(balanceAfter(root, 'planner', budget, 3), 10);
    expect(plannerThen.body.status?.balance).not.toBeCloseTo(plannerNow.body.status?.balance ?? 0, 10);

    // The message of a later turn is not there then; a message of turn 1 is, with its thread.
    const later = live.body.messages.find((message) => message.turn === 3);
    expect((await getJson(server, `/api/messages/${later?.id}?turn=1`)).status).toBe(404);
    const first = past.body.messages.find((message) => message.turn === 1);
    expect((await getJson(server, `/api/threads/${first?.id}?turn=1`)).status).toBe(200);
  });

  test('a change asked at a past turn is refused with 409 and writes nothing; a turn the history lacks is 404, a bad one 400', async () => {
    const server = await serveOrg(root);
    const outbox = listOutbox(root, 'human');
    const ledger = charges(root);
    const ledgerText = readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8');
    const sent = await post(server, '/api/send?turn=1', { to: 'manager', body: 'Written into the past?' });
    expect(sent.status).toBe(409);
    expect(sent.body.error).toBe('past-turn');
    expect(sent.body.message).toContain('read-only');
    const topped = await post(server, '/api/top-up?turn=1', { agent: 'planner', credits: 0.5 });
    expect(topped.status).toBe(409);
    expect(listOutbox(root, 'human')).toEqual(outbox);
    expect(charges(root)).toEqual(ledger);
    expect(readFileSync(join(root, 'org/state/ledger.jsonl'), 'utf8')).toBe(ledgerText);

    const unknown = await getJson<{ error: string; message: string }>(server, '/api/chart?turn=42');
    expect(unknown.status).toBe(404);
    expect(unknown.body.message).toMatch(/turn 42 is not in the history .* turns 0 to 3/);
    const bad = await getJson<{ field: string }>(server, '/api/chart?turn=soon');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('turn');
  });

  test('the folder a turn is read from is removed when the server stops', async () => {
    const server = await serveOrg(root);
    const status = await getJson<{ root: string; turn: number }>(server, '/api/status?turn=2');
    expect(status.body.turn).toBe(2);
    expect(status.body.root).not.toBe(root);
    expect(existsSync(join(status.body.root, 'org', 'org.yaml'))).toBe(true);
    await server.close();
    expect(existsSync(status.body.root)).toBe(false);
  });

  test('turns asked for together beyond how many stay open are each answered, and every folder is removed at the end', async () => {
    const made: string[] = [];
    const closed: string[] = [];
    const turns = new PastTurns(root, (folder) => {
      made.push(folder);
      return { watch: { ready: () => Promise.resolve() }, close: () => Promise.resolve(void closed.push(folder)) };
    }, 1);
    // Two turns at once with room for one: the first, still being written, is not closed under its request.
    await Promise.all([turns.at(1), turns.at(2)]);
    expect(made).toHaveLength(2);
    expect(made.every((folder) => existsSync(join(folder, 'org', 'org.yaml')))).toBe(true);
    expect(closed).toEqual([]);
    // A third closes the oldest already answered, removing its folder.
    await turns.at(3);
    expect(closed).toEqual([made[0], made[1]]);
    await turns.close();
    expect(made.filter((folder) => existsSync(folder))).toEqual([]);
  });

  test('an org that keeps no history says how to keep one; a turn asked of it is 404 saying the same', async () => {
    const root = defaultOrg();
    setKeepHistory(root, false);
    const server = await serveOrg(root);
    const { body } = await getJson<Turns>(server, '/api/turns');
    expect(body).toEqual({ live: 0, keeps: false, turns: [], explanation: expect.stringContaining('this org keeps no history: set `history: { keep: true }` in org/org.yaml') });
    const asked = await getJson<{ message: string }>(server, '/api/chart?turn=0');
    expect(asked.status).toBe(404);
    expect(asked.body.message).toContain('history: { keep: true }');
  });

  test('after `lemming history --prune-before 2`, the turns listed are the kept ones only, and each of them reads', async () => {
    const pruned = copyOf(root);
    expect(lemming(pruned, ['history', '--prune-before', '2', '--yes']).status).toBe(0);
    const server = await serveOrg(pruned);
    const { body } = await getJson<Turns>(server, '/api/turns');
    expect(body.turns.map((entry) => entry.turn)).toEqual([3, 2]);
    for (const entry of body.turns) expect((await getJson<Chart>(server, `/api/chart?turn=${entry.turn}`)).status, `turn ${entry.turn}`).toBe(200);
  });
});
