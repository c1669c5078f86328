import { readdirSync, unlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { EventHub } from '../../src/web/event-hub.js';
import { observeEngine } from '../../src/web/observe-engine.js';
import { Engine } from '../../src/engine/engine.js';
import { readCallTrace } from '../../src/engine/record/call-trace.js';
import { defaultOrg, humanSends, runEngine, write } from '../helpers/temp-org.js';
import { getJson, readEvents, serveOrg } from './web-server.js';

interface Listed {
  total: number;
  messages: Array<{ id: string; from: string; to: string; turn: number; subject?: string; replyTo?: string; priority: string; depth?: number }>;
}

/** The default org after the human's task went down the chart and back up (five turns on the offline model). */
async function workedOrg(): Promise<string> {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
  await runEngine(root);
  return root;
}

describe('the JSON API', () => {
  test('messages: newest first, filtered by sender, recipient, turn range, priority and subject, in pages', async () => {
    const root = await workedOrg();
    const server = await serveOrg(root);
    const all = (await getJson<Listed>(server, '/api/messages')).body;
    expect(all.total).toBeGreaterThanOrEqual(5);
    expect(all.messages[0]?.turn).toBeGreaterThanOrEqual(all.messages.at(-1)?.turn ?? 0);
    const fromManager = (await getJson<Listed>(server, '/api/messages?from=manager')).body;
    expect(fromManager.messages.length).toBeGreaterThan(0);
    expect(fromManager.messages.every((message) => message.from === 'manager')).toBe(true);
    const toHuman = (await getJson<Listed>(server, '/api/messages?to=human')).body;
    expect(toHuman.messages.map((message) => message.from)).toEqual(['manager']);
    const early = (await getJson<Listed>(server, '/api/messages?turn_from=1&turn_to=2')).body;
    expect(early.messages.every((message) => message.turn >= 1 && message.turn <= 2)).toBe(true);
    expect(early.total).toBeLessThan(all.total);
    const bySubject = (await getJson<Listed>(server, '/api/messages?subject=RELEASE%20notes')).body;
    expect(bySubject.total).toBe(all.total);
    expect((await getJson<Listed>(server, '/api/messages?priority=urgent')).body.total).toBe(0);
    const page = (await getJson<Listed & { offset: number; limit: number }>(server, '/api/messages?limit=2&offset=1')).body;
    expect(page.messages.map((message) => message.id)).toEqual(all.messages.slice(1, 3).map((message) => message.id));
    const bad = await getJson<{ field: string; message: string }>(server, '/api/messages?turn_from=soon');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('turn_from');
    expect(bad.body.message).toMatch(/whole number.*turn_from=3/);
    expect((await getJson(server, '/api/messages?priority=asap')).status).toBe(400);
  });

  test('a message with its front matter, body and file; a thread from reply_to; search', async () => {
    const root = await workedOrg();
    const server = await serveOrg(root);
    const reply = (await getJson<Listed>(server, '/api/messages?to=human')).body.messages[0];
    const message = (await getJson<{ body: string; file: string; path: string; replyTo: string }>(server, `/api/messages/${reply?.id}`)).body;
    expect(message.file).toMatch(/^agents\/manager\/outbox\/\d{6}-001-human\.md$/);
    expect(message.path).toBe(`${root}/${message.file}`);
    expect(message.body.length).toBeGreaterThan(0);
    const thread = (await getJson<Listed>(server, `/api/threads/${reply?.id}`)).body;
    expect(thread.messages[0]?.id).toBe('000000-human-001');
    expect(thread.messages.map((entry) => entry.id)).toContain(reply?.id);
    expect(thread.messages.every((entry, index) => index === 0 || entry.replyTo !== undefined)).toBe(true);
    const found = (await getJson<{ total: number; ranked: boolean; hits: Array<{ id: string }> }>(server, '/api/search?q=release%20notes&from=human')).body;
    expect(found).toMatchObject({ total: 1, ranked: true });
    expect(found.hits.map((hit) => hit.id)).toEqual(['000000-human-001']);
    const paged = (await getJson<{ total: number; hits: unknown[] }>(server, '/api/search?q=release&limit=1')).body;
    expect(paged.hits).toHaveLength(1);
    expect(paged.total).toBeGreaterThan(1);
    expect((await getJson(server, '/api/messages/000999-nobody-001')).status).toBe(404);
    expect((await getJson(server, '/api/search?q=')).status).toBe(400);
  });

  test('a file dropped into an outbox by hand is found by the next request and by search', async () => {
    const root = await workedOrg();
    const server = await serveOrg(root);
    write(root, 'agents/planner/outbox/000099-001-manager.md', '---\nto: manager\nsubject: Zebra crossing\n---\nThe quokka report is ready.\n');
    const hits = (await getJson<{ hits: Array<{ id: string; file: string }> }>(server, '/api/search?q=quokka')).body.hits;
    expect(hits).toMatchObject([{ id: '000099-planner-001', file: 'agents/planner/outbox/000099-001-manager.md' }]);
  });

  test('agents, an agent page, chart, ledger, traces, proposals and metrics', async () => {
    const root = await workedOrg();
    write(root, 'org/proposals/hire-tester.md', '---\nkind: hire\nagent: tester\n---\nWe need a tester.\n');
    const server = await serveOrg(root);
    const manager = (await getJson<Record<string, unknown> & { credits: Array<{ turn: number; balance: number }>; traces: number[]; reaches: string[]; log: unknown[]; resume: { text: string } }>(server, '/api/agents/manager')).body;
    expect(manager.reaches).toContain('planner');
    expect(manager.resume.text).toContain('title: Engineering manager');
    expect(manager.credits.length).toBeGreaterThan(0);
    expect(manager.credits.at(-1)?.balance).toBeLessThan(0.5);
    expect(manager.traces.length).toBeGreaterThan(0);
    expect(manager.log.length).toBeGreaterThan(0);
    expect((await getJson(server, '/api/agents/ghost')).status).toBe(404);

    const trace = (await getJson<{ request: { system: string; messages: Array<{ content: string }> }; response: { toolCalls: unknown[] } }>(server, `/api/traces/manager/${manager.traces[0]}`)).body;
    expect(trace.request.system).toContain('You are manager');
    expect(trace.request.messages[0]?.content).toContain('<message id="000000-human-001"');
    expect(trace.response.toolCalls.length).toBeGreaterThan(0);
    // The pieces kept once in parts/ are put back: the trace as the model was given it.
    expect(trace).toEqual(readCallTrace(root, 'manager', manager.traces[0] as number));
    expect((trace as unknown as { request: { tools: Array<{ name: string }> } }).request.tools.map((tool) => tool.name)).toContain('send_message');
    const parts = join(root, 'agents/manager/logs/traces/parts');
    const tools = readdirSync(parts).find((name) => name.endsWith('.json')) as string;
    unlinkSync(join(parts, tools));
    const broken = await getJson<{ error: string; message: string }>(server, `/api/traces/manager/${manager.traces[0]}`);
    expect(broken.status).toBe(400);
    expect(broken.body.message).toContain(`agents/manager/logs/traces/parts/${tools} is missing`);

    const chart = (await getJson<{ nodes: Array<{ name: string; model: string; balance: number; state: string }>; edges: Array<{ from: string; to: string; total: number }> }>(server, '/api/chart')).body;
    expect(chart.nodes.map((node) => node.name)).toContain('coder_01');
    expect(chart.nodes.find((node) => node.name === 'human')?.state).toBe('human');
    expect(chart.edges.find((edge) => edge.from === 'human' && edge.to === 'manager')?.total).toBe(1);
    expect(chart.edges.some((edge) => edge.from === 'planner' && edge.to === 'manager')).toBe(true);

    const ledger = (await getJson<{ total: number; entries: Array<{ type: string; agent: string }>; byTurn: Array<{ turn: number; credits: number }> }>(server, '/api/ledger?agent=manager')).body;
    expect(ledger.entries.every((entry) => entry.agent === 'manager')).toBe(true);
    expect(ledger.byTurn.length).toBe(ledger.total);

    // A file that is not a proposal is named with what is wrong with it (proposals proper: api-proposals.test.ts).
    const proposals = (await getJson<{ pending: unknown[]; decided: unknown[]; problems: string[] }>(server, '/api/proposals')).body;
    expect(proposals).toEqual({ pending: [], decided: [], problems: ['org/proposals/hire-tester.md lacks an id or proposed_by'] });

    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    expect(metrics).toMatch(/^# TYPE lemming_calls_total counter$/m);
    expect(metrics).toMatch(/^lemming_calls_total\{agent="manager",model="offline"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^lemming_tokens_total\{agent="planner",model="offline",direction="input"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^lemming_turn \d+$/m);
    expect(metrics).toMatch(/^lemming_turn_duration_seconds_bucket\{le="\+Inf"\} 0$/m);
    expect(metrics).toMatch(/^lemming_agents_with_mail 0$/m);
  });
});

describe('the event stream', () => {
  test('a message the human sends arrives as a mail event, and a client that reconnects with Last-Event-ID gets what it missed', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const headers = { authorization: `Bearer ${server.token}` };
    const first = await fetch(`${server.base}/api/events`, { headers });
    expect(first.headers.get('content-type')).toContain('text/event-stream');
    const reading = readEvents(first, (events) => events.some((event) => event.event === 'mail'));
    humanSends(root, 'manager', 'First');
    const seen = await reading;
    const mail = seen.find((event) => event.event === 'mail');
    expect(mail?.data).toMatchObject({ kind: 'mail', message: { id: '000000-human-001', to: 'manager' } });
    // While disconnected, two more messages; the reconnect gets exactly those.
    humanSends(root, 'manager', 'Second');
    humanSends(root, 'manager', 'Third');
    await getJson(server, '/api/status');
    const again = await fetch(`${server.base}/api/events`, { headers: { ...headers, 'last-event-id': mail?.id ?? '' } });
    const missed = await readEvents(again, (events) => events.length >= 2);
    expect(missed.map((event) => (event.data as { message: { id: string } }).message.id)).toEqual(['000000-human-002', '000000-human-003']);
    const stale = await fetch(`${server.base}/api/events`, { headers: { ...headers, 'last-event-id': 'deadbeef-7' } });
    expect((await readEvents(stale, (events) => events.length >= 1))[0]?.event).toBe('reset');
  });

  test('every message written to an outbox arrives as a mail event, even one written in the same clock tick as the server last looked', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const headers = { authorization: `Bearer ${server.token}` };
    const ids = (events: Array<{ event: string; data: unknown }>): string[] => events.filter((event) => event.event === 'mail').map((event) => (event.data as { message: { id: string } }).message.id);
    const stream = await fetch(`${server.base}/api/events`, { headers });
    let seen: Array<{ event: string; data: unknown }> = [];
    let heard: () => void = () => undefined;
    const reading = readEvents(stream, (events) => {
      seen = events;
      heard();
      return ids(events).includes('000000-human-001');
    });
    const mailCount = (count: number): Promise<void> =>
      new Promise((resolve) => {
        heard = () => ids(seen).length >= count && resolve();
        heard();
      });
    const outbox = join(root, 'agents/manager/outbox');
    // File times tick every few milliseconds: writes in the tick of the server's look leave the folder's mtime where it saw it.
    const tick = Math.floor(Date.now() / 1000);
    write(root, 'agents/manager/outbox/000001-001-human.md', '---\nto: human\nsubject: One\n---\nFirst reply\n');
    utimesSync(outbox, tick, tick);
    await getJson(server, '/api/status');
    await mailCount(1);
    write(root, 'agents/manager/outbox/000001-002-human.md', '---\nto: human\nsubject: Two\n---\nSecond reply\n');
    write(root, 'agents/manager/outbox/000001-003-planner.md', '---\nto: planner\nsubject: Three\n---\nThird\n');
    utimesSync(outbox, tick, tick);
    await getJson(server, '/api/status');
    // A message in another folder marks the end, so a missed one fails the test rather than hanging it.
    // A look unasked may come between, so the last three can arrive in one look, in the index's order: the set is what counts.
    humanSends(root, 'manager', 'Done');
    await getJson(server, '/api/status');
    expect(ids(await reading).sort()).toEqual(['000000-human-001', '000001-manager-001', '000001-manager-002', '000001-manager-003']);
  });

  test('with run --serve, the engine’s own events reach the browser as the run goes', async () => {
    const root = defaultOrg();
    humanSends(root, 'manager', 'Plan the release');
    const hub = new EventHub();
    const server = await serveOrg(root, hub);
    const stream = await fetch(`${server.base}/api/events`, { headers: { authorization: `Bearer ${server.token}` } });
    const reading = readEvents(stream, (events) => events.some((event) => (event.data as { event?: { type: string } }).event?.type === 'run-finished'));
    const engine = Engine.open({ root });
    try {
      for await (const event of observeEngine(engine, hub).run({ maxTurns: 2 })) void event;
    } finally {
      engine.close();
    }
    const types = (await reading).filter((event) => event.event === 'engine').map((event) => (event.data as { event: { type: string } }).event.type);
    expect(types).toContain('turn-started');
    expect(types).toContain('message-delivered');
    expect(types).toContain('credits-charged');
    expect(types.at(-1)).toBe('run-finished');
    const metrics = await (await fetch(`${server.base}/metrics`, { headers: { authorization: `Bearer ${server.token}` } })).text();
    expect(metrics).toMatch(/^lemming_turn_duration_seconds_count 2$/m);
  });
});
