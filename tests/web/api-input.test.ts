import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { markRead, readHumanInbox } from '../../src/engine/human/human-inbox.js';
import { orgStatus } from '../../src/engine/human/org-status.js';
import { loadOrg } from '../../src/org/load-org-once.js';
import { ScriptedProvider } from '../helpers/scripted-provider.js';
import { defaultOrg, defaultOrgHumanToHr, humanSends, read, runEngine } from '../helpers/temp-org.js';
import { lemming } from '../helpers/cli.js';
import { getJson, serveOrg } from './web-server.js';

/** The default org after the human's task went down the chart and the manager answered the human. */
async function orgWithReply(): Promise<string> {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
  await runEngine(root);
  return root;
}

/** What `org/state/human-read.json` holds, or undefined when nothing was ever marked. */
function readMarks(root: string): string[] | undefined {
  const file = join(root, 'org/state/human-read.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { read: string[] }).read : undefined;
}

type Answer = { status: number; body: Record<string, unknown> };

async function post(server: { base: string; token: string }, path: string, body: unknown): Promise<Answer> {
  const response = await fetch(`${server.base}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('marking mail read', () => {
  test('only ids of the human\'s mail and notices are recorded; made-up ones are named in the answer and never stored', async () => {
    const root = await orgWithReply();
    const server = await serveOrg(root);
    const inbox = (await getJson<{ messages: Array<{ id: string; unread: boolean }> }>(server, '/api/inbox')).body;
    const reply = inbox.messages[0]?.id as string;
    expect(reply).toMatch(/^\d{6}-manager-001$/);
    const marked = await post(server, '/api/inbox/read', { ids: [reply, 'made-up-1', '000001-nobody-001', '000000-human-001'] });
    expect(marked.status).toBe(200);
    // The human's own message is not in the human's inbox: it is not theirs to mark.
    expect(marked.body).toEqual({ read: 1, unknown: ['made-up-1', '000001-nobody-001', '000000-human-001'] });
    expect(readMarks(root)).toEqual([reply]);
    expect((await getJson<{ messages: Array<{ unread: boolean }> }>(server, '/api/inbox')).body.messages[0]?.unread).toBe(false);
    // Nothing but made-up ids: nothing is written at all.
    const before = read(root, 'org/state/human-read.json');
    expect((await post(server, '/api/inbox/read', { ids: ['x'.repeat(200)] })).body).toEqual({ read: 0, unknown: ['x'.repeat(200)] });
    expect(read(root, 'org/state/human-read.json')).toBe(before);
  });

  test('the same rule holds for every caller of markRead (`lemming inbox`, chat): unknown ids are left out, notices are known', async () => {
    const root = await orgWithReply();
    // The manager does nothing with a second message, twice: the engine tells the human in a notice.
    humanSends(root, 'manager', 'And the changelog?');
    await runEngine(root, {}, { providerFactory: () => new ScriptedProvider(() => ({ text: 'Thinking about it.' })) });
    const org = loadOrg(root).org;
    const inbox = readHumanInbox(root, org);
    const reply = inbox.messages[0]?.id as string;
    const notice = inbox.notices.find((item) => item.subject === 'manager has not acted on your message')?.id as string;
    expect(notice).toBeDefined();
    expect(markRead(root, org, ['000123-ghost-001'])).toEqual({ read: [], unknown: ['000123-ghost-001'] });
    expect(readMarks(root)).toBeUndefined();
    expect(markRead(root, org, [reply, reply, 'ghost', notice])).toEqual({ read: [reply, notice], unknown: ['ghost'] });
    expect(readMarks(root)).toEqual([reply, notice].sort());
    expect(orgStatus(org).agents.find((agent) => agent.name === 'human')?.unread).toBe(0);
  });

  test('a list of more than 1,000 ids, or ids that are not strings, is refused with 400 naming the field; nothing is stored', async () => {
    const root = await orgWithReply();
    const server = await serveOrg(root);
    const reply = (await getJson<{ messages: Array<{ id: string }> }>(server, '/api/inbox')).body.messages[0]?.id as string;
    const tooMany = await post(server, '/api/inbox/read', { ids: [reply, ...Array.from({ length: 1000 }, (_, index) => `made-up-${index}`)] });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: 'bad-request', field: 'ids', message: expect.stringContaining('at most 1000') });
    for (const ids of [[7], 'one', [reply, null], undefined]) {
      const bad = await post(server, '/api/inbox/read', { ids });
      expect(bad.status, JSON.stringify(ids)).toBe(400);
      expect(bad.body.field).toBe('ids');
    }
    expect(readMarks(root)).toBeUndefined();
  });
});

describe('sending', () => {
  test('cc is delivered as `lemming send --cc` delivers it: one file read by the manager and hr; a cc the chart refuses sends nothing and says why', async () => {
    const root = defaultOrgHumanToHr();
    const server = await serveOrg(root);
    const sent = await post(server, '/api/send', { to: 'manager', cc: ['hr'], subject: 'Release', body: 'Plan the release; hr, book the room.' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ id: '000000-human-001', file: 'agents/human/outbox/000000-001-manager+1.md', message: { to: 'manager', cc: ['hr'] } });
    // The same file the CLI writes for `lemming send --to manager --cc hr`.
    expect(read(root, 'agents/human/outbox/000000-001-manager+1.md')).toMatch(/^to: manager\ncc: \[hr\]\n/m);
    // hr reads it at the next turn, as the manager does.
    const provider = new ScriptedProvider(() => ({}));
    await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    expect(provider.requests.map((request) => request.agent).sort()).toEqual(['hr', 'manager']);
    // A copy to the planner, who does not read from the human: refused with the reason, and nothing is written.
    const refused = await post(server, '/api/send', { to: 'manager', cc: ['planner'], body: 'And the planner?' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/not sent: .*planner/);
    for (const cc of ['hr', [7], [''], {}]) {
      const bad = await post(server, '/api/send', { to: 'manager', cc, body: 'Bad cc.' });
      expect(bad.status, JSON.stringify(cc)).toBe(400);
      expect(bad.body.field).toBe('cc');
    }
    expect(readdirSync(join(root, 'agents/human/outbox'))).toEqual(['000000-001-manager+1.md']);
  });

  test('to may be a list, as `lemming send --to manager,hr`: one file read by each name; a name the chart refuses sends nothing and says why; a to that is no name nor list of names is a 400 naming to', async () => {
    const root = defaultOrgHumanToHr();
    const server = await serveOrg(root);
    const sent = await post(server, '/api/send', { to: ['manager', 'hr'], subject: 'Release', body: 'Plan the release, both of you.' });
    expect(sent.status).toBe(201);
    expect(sent.body).toMatchObject({ id: '000000-human-001', file: 'agents/human/outbox/000000-001-manager+1.md', message: { to: 'manager', alsoTo: ['hr'] } });
    // The file the CLI writes for `lemming send --to manager,hr`.
    const twin = defaultOrgHumanToHr();
    expect(lemming(twin, ['send', '--to', 'manager,hr', '--subject', 'Release', 'Plan the release, both of you.']).status).toBe(0);
    const withoutTime = (text: string): string => text.replace(/^created: .*$/m, '');
    expect(withoutTime(read(root, 'agents/human/outbox/000000-001-manager+1.md'))).toBe(withoutTime(read(twin, 'agents/human/outbox/000000-001-manager+1.md')));
    const provider = new ScriptedProvider(() => ({}));
    await runEngine(root, { maxTurns: 1 }, { providerFactory: () => provider });
    expect(provider.requests.map((request) => request.agent).sort()).toEqual(['hr', 'manager']);
    // The planner, to whom the human may not write, in the list: refused with the reason, nothing written.
    const refused = await post(server, '/api/send', { to: ['manager', 'planner'], body: 'And the planner?' });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toMatch(/not sent: .*planner/);
    for (const to of [[], [7], [''], {}, '', ['manager', { name: 'hr' }]]) {
      const bad = await post(server, '/api/send', { to, body: 'Bad to.' });
      expect(bad.status, JSON.stringify(to)).toBe(400);
      expect(bad.body.field).toBe('to');
      expect(bad.body.message ?? bad.body.error).toMatch(/"to": \["manager", "hr"\]/);
    }
    // One name as before.
    expect((await post(server, '/api/send', { to: 'hr', body: 'Just you.' })).status).toBe(201);
    expect(readdirSync(join(root, 'agents/human/outbox')).sort()).toEqual(['000000-001-manager+1.md', '000001-001-hr.md']);
  });
});

describe('topping up', () => {
  test('1e308 credits (and any amount not above 0, or above the ceiling of 1,000,000) is refused with 400 naming the field; the ledger is untouched and balances stay finite', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    for (const credits of [1e308, 1_000_001, 0, -1, '0.5', null]) {
      const refused = await post(server, '/api/top-up', { agent: 'planner', credits });
      expect(refused.status, String(credits)).toBe(400);
      expect(refused.body).toMatchObject({ field: 'credits', message: expect.stringMatching(/credits must be a number above 0 and at most 1000000/) });
    }
    // JSON has no Infinity, but 1e999 parses to it.
    const infinite = await post(server, '/api/top-up', '{"agent": "planner", "credits": 1e999}');
    expect(infinite.status).toBe(400);
    expect(infinite.body.field).toBe('credits');
    // What it got is said, as for every other bad amount: JSON's 1e999 is Infinity, and the answer says so plainly.
    expect(infinite.body.message).toMatch(/credits must be a number above 0 and at most 1000000.* \(got Infinity: a number past the largest there is \(about 1\.8e308\) is read as Infinity\)$/);
    const shown = { '"0.5"': 'a string, "0.5"', null: 'null', '[1]': 'a list' };
    for (const [given, got] of Object.entries(shown)) {
      const refused = await post(server, '/api/top-up', `{"agent": "planner", "credits": ${given}}`);
      expect(refused.body.message, given).toContain(`(got ${got})`);
    }
    expect((await post(server, '/api/top-up', { agent: 'planner' })).body.message).toContain('(got nothing)');
    expect(existsSync(join(root, 'org/state/ledger.jsonl'))).toBe(false);
    expect((await post(server, '/api/top-up', { agent: 'planner', credits: 1_000_000 })).status).toBe(201);
    const status = (await getJson<{ agents: Array<{ name: string; balance: number; toppedUp: number }> }>(server, '/api/status')).body;
    expect(status.agents.find((agent) => agent.name === 'planner')).toMatchObject({ toppedUp: 1_000_000, balance: 1_000_000.5 });
    const unknown = await post(server, '/api/top-up', { agent: 'ghost', credits: 1 });
    expect(unknown.status).toBe(404);
  });

  test('a tenth of a billionth is refused for its decimals, and the refusal shows the amount as a person writes it, not as 1e-10', async () => {
    const root = defaultOrg();
    const server = await serveOrg(root);
    const refused = await post(server, '/api/top-up', { agent: 'planner', credits: 1e-10 });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe('credits');
    expect(refused.body.message).toContain('in at most 9 decimals, for example "credits": 0.5 (got 0.0000000001)');
    expect(refused.body.message).not.toContain('e-');
    expect(existsSync(join(root, 'org/state/ledger.jsonl'))).toBe(false);
  });
});

describe('query parameters of the read routes', () => {
  test('offsets, limits and turns beyond a safe whole number, and a search longer than 500 characters, are refused with 400 naming the field', async () => {
    const root = await orgWithReply();
    const server = await serveOrg(root);
    for (const [path, field] of [
      ['/api/messages?offset=99999999999999999999', 'offset'],
      ['/api/messages?limit=501', 'limit'],
      ['/api/messages?limit=0', 'limit'],
      ['/api/messages?turn_to=1e3', 'turn_to'],
      ['/api/ledger?offset=-1', 'offset'],
      [`/api/search?q=${'release '.repeat(70)}`, 'q'],
      ['/api/traces/manager/0x10', 'turn'],
      ['/api/traces/manager/99999999999999999999', 'turn'],
    ] as const) {
      const answer = await getJson<{ field: string; message: string }>(server, path);
      expect(answer.status, path).toBe(400);
      expect(answer.body.field, path).toBe(field);
    }
    expect((await getJson(server, '/api/search?q=release&offset=2&limit=3')).status).toBe(200);
  });

  test('a bad limit is told the range a limit really has, 1 to 500, whatever is wrong with it', async () => {
    const root = await orgWithReply();
    const server = await serveOrg(root);
    for (const path of ['/api/messages?limit=abc', '/api/messages?limit=0', '/api/messages?limit=501', '/api/ledger?limit=1.5', '/api/search?q=release&limit=99999999999999999999']) {
      const answer = await getJson<{ field: string; message: string }>(server, path);
      expect(answer.status, path).toBe(400);
      expect(answer.body, path).toMatchObject({ field: 'limit', message: expect.stringMatching(/^limit must be a whole number from 1 to 500, for example limit=/) });
    }
  });
});

