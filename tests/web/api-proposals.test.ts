import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { acquireLock } from '../../src/engine/record/lock.js';
import { retirementLeavingMeetingOfOne } from '../helpers/propose-hire.js';
import { defaultOrg, humanSends, read, runEngine, write } from '../helpers/temp-org.js';
import { getJson, loginCookie, readEvents, serveOrg } from './web-server.js';

interface Proposals {
  pending: Array<{ id: string; kind: string; proposed_by: string; description: string; note?: string; file: string; hire?: { name: string } }>;
  decided: Array<{ id: string; status: string; reason?: string }>;
  problems: string[];
}

/** The default org after the human asked for a hire: hr has proposed coder_02 (offline model). */
async function orgWithHireProposal(): Promise<string> {
  const root = defaultOrg();
  humanSends(root, 'manager', 'Hiring: please hire another coder for the release', 'Hiring: hire a coder');
  await runEngine(root);
  return root;
}

describe('proposals through the API', () => {
  test('pending proposals are listed with what they would do; approving one as `lemming approve` does hires the agent, and the stream says so', async () => {
    const root = await orgWithHireProposal();
    const server = await serveOrg(root);
    const listed = (await getJson<Proposals>(server, '/api/proposals')).body;
    expect(listed.pending).toMatchObject([{ id: '000002-hr-002', kind: 'hire', proposed_by: 'hr', file: 'org/proposals/000002-hr-002.md', hire: { name: 'coder_02' } }]);
    expect(listed.pending[0]?.description).toContain('hire coder_02 (Coder: writes and tests code');
    expect(listed.decided).toEqual([]);

    const cookie = await loginCookie(server);
    const stream = await fetch(`${server.base}/api/events`, { headers: { cookie } });
    const reading = readEvents(stream, (events) => events.some((event) => event.event === 'proposals'));
    const approve = (headers: Record<string, string>, id = '000002-hr-002') =>
      fetch(`${server.base}/api/proposals/${id}/approve`, { method: 'POST', headers: { cookie, 'content-type': 'application/json', ...headers }, body: '{}' });
    // From another site: refused, nothing carried out.
    expect((await approve({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await fetch(`${server.base}/api/proposals/000002-hr-002/approve`, { method: 'POST', body: '{}' })).status).toBe(401);
    expect(existsSync(join(root, 'agents/coder_02'))).toBe(false);

    const approved = await approve({ origin: server.base });
    expect(approved.status).toBe(200);
    expect(await approved.json()).toMatchObject({ id: '000002-hr-002', status: 'done', summary: expect.stringContaining('coder_02 joins at the next turn') });
    expect(read(root, 'org/chart.yaml')).toContain('  coder_02:\n    reports_to: manager\n');
    expect((await reading).find((event) => event.event === 'proposals')?.data).toEqual({ kind: 'proposals', pending: 0 });
    // The chart and the agents list show the new agent at once.
    const chart = (await getJson<{ nodes: Array<{ name: string }> }>(server, '/api/chart')).body;
    expect(chart.nodes.map((node) => node.name)).toContain('coder_02');
    const after = (await getJson<Proposals>(server, '/api/proposals')).body;
    expect(after.pending).toEqual([]);
    expect(after.decided).toMatchObject([{ id: '000002-hr-002', status: 'done' }]);

    // A decision cannot be changed; an unknown id names what waits.
    const again = await fetch(`${server.base}/api/proposals/000002-hr-002/reject`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: '{}' });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { message: string }).message).toContain('000002-hr-002 was already done');
    const unknown = await approve({ origin: server.base }, '000009-hr-001');
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toContain('there is no proposal 000009-hr-001; waiting: none');
  });

  test('approved while another approval holds the org\'s lock (the page beside `lemming approve`, or a second dashboard): it waits for that one and says what is true, with no engine running', async () => {
    const root = await orgWithHireProposal();
    const server = await serveOrg(root);
    // What another process approving at that moment holds for as long as it carries its decision out.
    const other = acquireLock(root, 'approve');
    const answer = fetch(`${server.base}/api/proposals/000002-hr-002/approve`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: '{}' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    other.release();
    const approved = await answer;
    expect(approved.status).toBe(200);
    const body = (await approved.json()) as { status: string; summary: string };
    expect(body.summary).not.toContain('running engine');
    expect(body).toMatchObject({ status: 'done', summary: expect.stringContaining('coder_02 joins at the next turn') });
    expect(read(root, 'org/chart.yaml')).toContain('  coder_02:\n    reports_to: manager\n');
    expect(read(root, 'org/state/ledger.jsonl').split('\n').filter((line) => line.includes('"type":"transfer"') && line.includes('000002-hr-002'))).toHaveLength(2);
  });

  test('rejecting with a reason keeps the org as it was and records the reason for the proposer', async () => {
    const root = await orgWithHireProposal();
    const server = await serveOrg(root);
    const rejected = await fetch(`${server.base}/api/proposals/000002-hr-002/reject`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ reason: 'no budget this quarter' }),
    });
    expect(rejected.status).toBe(200);
    expect(await rejected.json()).toMatchObject({ status: 'rejected' });
    expect(existsSync(join(root, 'agents/coder_02'))).toBe(false);
    expect(read(root, 'org/proposals/000002-hr-002.md')).toContain('reason: no budget this quarter');
    expect((await getJson<Proposals>(server, '/api/proposals')).body.decided).toMatchObject([{ id: '000002-hr-002', status: 'rejected', reason: 'no budget this quarter' }]);
    const badReason = await fetch(`${server.base}/api/proposals/000002-hr-002/reject`, { method: 'POST', headers: { authorization: `Bearer ${server.token}` }, body: JSON.stringify({ reason: 7 }) });
    expect(badReason.status).toBe(400);
    expect(((await badReason.json()) as { field: string }).field).toBe('reason');
  });

  test('a waiting retirement is listed with what approving it edits, or why it cannot be approved; approved when it cannot, it is closed with the reason', async () => {
    const { root, id } = retirementLeavingMeetingOfOne();
    const server = await serveOrg(root);
    const refusal = 'cannot be approved: retiring janitor would leave org/meetings/pair.yaml invalid (attendees: must be a list of at least two agent names';
    const listed = (await getJson<Proposals>(server, '/api/proposals')).body.pending[0];
    expect(listed?.note).toContain(refusal);
    expect(listed?.description).toContain(`retire janitor: idle; the credits janitor holds when it is retired go to manager (0.1000 now); ${refusal}`);

    // Mended: the listing says what approving it edits.
    write(root, 'org/meetings/pair.yaml', 'attendees: [manager, planner, janitor]\nrounds: 1\nagenda: Tidy up\nturn: 9\n');
    expect((await getJson<Proposals>(server, '/api/proposals')).body.pending[0]?.note).toBe('approving it removes janitor from org/meetings/pair.yaml attendees');
    // Broken again, then approved: closed with the reason, nothing written.
    write(root, 'org/meetings/pair.yaml', 'attendees: [manager, janitor]\nrounds: 1\nagenda: Tidy up\nturn: 9\n');
    const approved = await fetch(`${server.base}/api/proposals/${id}/approve`, { method: 'POST', headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' }, body: '{}' });
    // Not a success to a client: 409, as `lemming approve` exits 1, with the reason and the file marked failed.
    expect(approved.status).toBe(409);
    const refused = (await approved.json()) as { error: string; message: string };
    expect(refused.error).toBe('approval-failed');
    expect(refused.message).toContain(`approved ${id}, but ${id} cannot be carried out: retiring janitor would leave org/meetings/pair.yaml invalid`);
    expect(refused.message).toContain(`org/proposals/${id}.md is marked failed with that reason`);
    expect(read(root, `org/proposals/${id}.md`)).toContain('status: failed');
    expect((await getJson<Proposals>(server, '/api/proposals')).body.decided).toMatchObject([{ id, status: 'failed', reason: expect.stringContaining('retiring janitor would leave') }]);
    expect(existsSync(join(root, 'agents/janitor/resume.md'))).toBe(true);
  });
});
