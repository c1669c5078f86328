import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, describe, expect, test } from 'vitest';
import { CLI, lemming, lemmingAsync } from '../helpers/cli.js';
import { proposeHire } from '../helpers/propose-hire.js';
import { defaultOrg, defaultOrgHumanToHr, resume, write } from '../helpers/temp-org.js';
import { startWatched } from '../helpers/watched-process.js';

const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/** The official MCP client, connected to `lemming mcp` over stdio. */
async function mcpClient(root: string, args: string[] = []): Promise<Client> {
  const client = new Client({ name: 'lemming-test', version: '1' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [CLI, '--root', root, 'mcp', ...args], stderr: 'pipe' }));
  clients.push(client);
  return client;
}

/** Call a tool; its text, parsed from JSON when it is JSON, and whether it is an error. */
async function call(client: Client, name: string, args: Record<string, unknown> = {}): Promise<{ value: any; isError: boolean }> {
  const result = (await client.callTool({ name, arguments: args })) as { content: Array<{ type: string; text: string }>; isError?: boolean };
  const text = result.content.map((block) => block.text).join('\n');
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Plain text.
  }
  return { value, isError: result.isError === true };
}

/** The default org with a `reviewer` seat an outside program may take: it writes to the manager and reads from it. */
function orgWithReviewerSeat(): string {
  const root = defaultOrg();
  write(root, 'agents/reviewer/resume.md', resume({ title: 'Outside reviewer', model: 'human' }, 'An outside program.'));
  const chart = readFileSync(join(root, 'org', 'chart.yaml'), 'utf8')
    .replace('  manager:\n    reports_to: human\n    send_to: [human, planner, hr, janitor]', '  manager:\n    reports_to: human\n    send_to: [human, planner, hr, janitor, reviewer]')
    .concat('  reviewer:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]\n');
  write(root, 'org/chart.yaml', chart);
  write(root, 'org/org.yaml', `${readFileSync(join(root, 'org', 'org.yaml'), 'utf8')}\noutside_seats: [reviewer]\n`);
  return root;
}

describe('lemming mcp: the org as an MCP server', () => {
  test('read_inbox gives the most urgent mail first, then the oldest, as its description says, within its limit', async () => {
    const root = defaultOrg();
    const message = (sequence: number, priority: string, subject: string): string =>
      `---\nid: 000000-manager-00${sequence}\nfrom: manager\nto: human\nturn: 0\ncreated: 2026-11-21T09:1${sequence}:00.000Z\nsubject: ${subject}\npriority: ${priority}\n---\n${subject}.\n`;
    write(root, 'agents/manager/outbox/000000-001-human.md', message(1, 'normal', 'Oldest'));
    write(root, 'agents/manager/outbox/000000-002-human.md', message(2, 'urgent', 'Urgent'));
    write(root, 'agents/manager/outbox/000000-003-human.md', message(3, 'normal', 'Newest'));
    // Mail put in an outbox by hand is the seat's once a turn has taken it in.
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);
    const client = await mcpClient(root);
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'read_inbox')?.description).toMatch(/the most urgent first, then the oldest/);
    const first = await call(client, 'read_inbox', { limit: 2 });
    expect(first.value.messages.map((shown: { subject: string }) => shown.subject)).toEqual(['Urgent', 'Oldest']);
    expect(first.value.more).toBe(1);
    expect((await call(client, 'read_inbox')).value.messages.map((shown: { subject: string }) => shown.subject)).toEqual(['Newest']);
  });

  test('as the human over stdio: send to the manager, a run answers, and the answer is in the inbox, its thread and the search; a send the chart forbids is refused', async () => {
    const root = defaultOrg();
    const client = await mcpClient(root);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['decide_approval', 'list_approvals', 'org_status', 'read_inbox', 'read_message', 'read_thread', 'search_messages', 'send_message', 'wait_for_mail']);

    const sent = await call(client, 'send_message', { to: 'manager', subject: 'Release notes', body: 'Write the release notes for 1.2' });
    expect(sent).toMatchObject({ isError: false, value: { id: '000000-human-001', to: 'manager', file: 'agents/human/outbox/000000-001-manager.md', delivery: 'no engine is running: the next `lemming run` delivers it' } });
    const refused = await call(client, 'send_message', { to: 'planner', body: 'Skip the manager.' });
    expect(refused.isError).toBe(true);
    expect(refused.value).toMatch(/^not sent: .*planner/);
    expect(await call(client, 'read_inbox')).toMatchObject({ value: { seat: 'human', messages: [], notices: [] } });

    const run = await lemmingAsync(root, ['run', '--plain']);
    expect(run.status).toBe(0);
    const inbox = await call(client, 'read_inbox');
    const [reply] = inbox.value.messages as Array<{ id: string; from: string; body: string; replyTo?: string }>;
    expect(reply).toMatchObject({ from: 'manager', replyTo: '000000-human-001' });
    // Read once: the next look finds nothing new, and `lemming inbox` agrees.
    expect((await call(client, 'read_inbox')).value.messages).toEqual([]);
    expect(lemming(root, ['inbox']).stdout).toContain('no unread mail');

    expect(await call(client, 'read_message', { id: reply?.id })).toMatchObject({ value: { id: reply?.id, from: 'manager', to: 'human', body: reply?.body } });
    const thread = await call(client, 'read_thread', { id: reply?.id ?? '' });
    expect((thread.value as Array<{ id: string }>).map((message) => message.id)).toEqual(expect.arrayContaining(['000000-human-001', reply?.id]));
    const found = await call(client, 'search_messages', { query: 'release notes', to: 'human' });
    expect(found.value.hits.map((hit: { id: string }) => hit.id)).toContain(reply?.id);
    expect((await call(client, 'org_status')).value).toMatchObject({ org: 'lemming-default', turn: expect.any(Number) });
    expect((await call(client, 'read_message', { id: '999999-nobody-001' })).isError).toBe(true);
  });

  test('send_message delivers cc as `lemming send --cc` does, one file read by each name; a cc the chart refuses sends nothing and says why', async () => {
    // The human may also write to hr, and hr reads from the human; the planner does not.
    const root = defaultOrgHumanToHr();
    const client = await mcpClient(root);
    const sent = await call(client, 'send_message', { to: 'manager', cc: ['hr'], body: 'Plan the release; hr, book the room.' });
    expect(sent).toMatchObject({ isError: false, value: { id: '000000-human-001', to: 'manager', cc: ['hr'], file: 'agents/human/outbox/000000-001-manager+1.md' } });
    expect(readFileSync(join(root, 'agents/human/outbox/000000-001-manager+1.md'), 'utf8')).toMatch(/^to: manager\ncc: \[hr\]\n/m);
    const refused = await call(client, 'send_message', { to: 'manager', cc: ['planner'], body: 'And the planner?' });
    expect(refused).toMatchObject({ isError: true, value: expect.stringMatching(/^not sent: .*planner/) });
    const notNames = await call(client, 'send_message', { to: 'manager', cc: 'hr', body: 'Not a list.' });
    expect(notNames).toMatchObject({ isError: true, value: expect.stringContaining('cc') });
    expect(readdirSync(join(root, 'agents/human/outbox'))).toEqual(['000000-001-manager+1.md']);
  });

  test('send_message takes to as a list, as `lemming send --to manager,hr`: one file read by each name; a name the chart refuses sends nothing and says why', async () => {
    const root = defaultOrgHumanToHr();
    const client = await mcpClient(root);
    const { tools } = await client.listTools();
    expect(JSON.stringify(tools.find((tool) => tool.name === 'send_message')?.inputSchema)).toContain('"array"');
    const sent = await call(client, 'send_message', { to: ['manager', 'hr'], body: 'Plan the release, both of you.' });
    expect(sent).toMatchObject({ isError: false, value: { id: '000000-human-001', to: 'manager', alsoTo: ['hr'], file: 'agents/human/outbox/000000-001-manager+1.md' } });
    expect(readFileSync(join(root, 'agents/human/outbox/000000-001-manager+1.md'), 'utf8')).toMatch(/^to: \[manager, hr\]\n/m);
    const refused = await call(client, 'send_message', { to: ['manager', 'planner'], body: 'And the planner?' });
    expect(refused).toMatchObject({ isError: true, value: expect.stringMatching(/^not sent: .*planner/) });
    for (const to of [[], [7], {}]) {
      const bad = await call(client, 'send_message', { to, body: 'Bad to.' });
      expect(bad.isError, JSON.stringify(to)).toBe(true);
      expect(String(bad.value)).toMatch(/\bto\b/);
    }
    expect(readdirSync(join(root, 'agents/human/outbox'))).toEqual(['000000-001-manager+1.md']);
  });

  test('sends are held to the cap of a turn, and wait_for_mail returns the answer a running engine delivers', async () => {
    const root = defaultOrg();
    const client = await mcpClient(root);
    for (let index = 1; index <= 5; index += 1) expect((await call(client, 'send_message', { to: 'manager', body: `Task ${index}` })).isError).toBe(false);
    const sixth = await call(client, 'send_message', { to: 'manager', body: 'Task 6' });
    expect(sixth).toMatchObject({ isError: true, value: 'not sent: human has sent 5 message(s) since turn 0, the cap per turn (org/org.yaml engine.max_messages_per_turn: 5); send again after the next turn' });

    const waiting = call(client, 'wait_for_mail', { timeout_seconds: 300 });
    const run = await lemmingAsync(root, ['run', '--plain']);
    expect(run.status).toBe(0);
    const arrived = await waiting;
    expect(arrived.value.messages.length).toBeGreaterThan(0);
    expect(arrived.value.messages[0]).toMatchObject({ from: 'manager', to: 'human' });
    // After a turn the cap starts again.
    expect((await call(client, 'send_message', { to: 'manager', body: 'Task 6' })).isError).toBe(false);
  });

  test('approvals: the human lists a proposal and approves it through MCP', async () => {
    const root = defaultOrg();
    const id = proposeHire(root, { proposer: 'hr', name: 'coder_02', reportsTo: 'planner', credits: 0.1 });
    const client = await mcpClient(root);
    expect((await call(client, 'list_approvals')).value).toEqual([{ id, status: 'pending', proposedBy: 'hr', turn: 4, what: expect.stringContaining('hire coder_02'), file: `org/proposals/${id}.md` }]);
    const decided = await call(client, 'decide_approval', { id, decision: 'approve' });
    expect(decided).toMatchObject({ isError: false, value: expect.stringContaining(`approved ${id}`) });
    expect(readFileSync(join(root, 'agents', 'coder_02', 'resume.md'), 'utf8')).toContain('title: Second engineer');
    expect((await call(client, 'list_approvals')).value).toEqual([]);
  });

  test('as a seat org.yaml grants: its edges, its own mail only, no approvals; a seat not granted is refused', async () => {
    const root = orgWithReviewerSeat();
    expect(lemming(root, ['validate']).status).toBe(0);
    const client = await mcpClient(root, ['--as', 'reviewer']);
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain('decide_approval');
    const sent = await call(client, 'send_message', { to: 'manager', subject: 'Review', body: 'The release branch looks good to me.' });
    expect(sent.value).toMatchObject({ id: '000000-reviewer-001', file: 'agents/reviewer/outbox/000000-001-manager.md' });
    const refused = await call(client, 'send_message', { to: 'human', body: 'Psst.' });
    expect(refused).toMatchObject({ isError: true, value: expect.stringMatching(/^not sent: /) });
    expect((await call(client, 'org_status')).value).toMatchObject({ seat: 'reviewer', reportsTo: 'manager', sendTo: ['manager'], readFrom: ['manager'] });

    // The engine delivers it like any send: the manager reads the reviewer's message in its next turn.
    expect((await lemmingAsync(root, ['run', '--plain'])).status).toBe(0);
    const log = readFileSync(join(root, 'agents', 'manager', 'logs', 'activity.jsonl'), 'utf8');
    expect(log).toContain('000000-reviewer-001');
    // The human's message is not the reviewer's to read.
    lemming(root, ['send', 'manager', 'A private note for the manager.']);
    expect((await call(client, 'search_messages', { query: 'private note' })).value).toEqual({ total: 0, hits: [] });
    expect((await call(client, 'read_message', { id: '000000-human-001' })).isError).toBe(true);

    const planner = await lemmingAsync(root, ['mcp', '--as', 'planner'], {}, '');
    expect(planner.status).toBe(2);
    expect(planner.stderr).toContain('"planner" is not a seat org/org.yaml grants to outside programs (outside_seats: [reviewer])');
  });

  test('a seat reads only mail delivered to it: a message the chart refused and one never taken in do not open, turn up in a search or wait in its inbox', async () => {
    const root = orgWithReviewerSeat();
    const drop = (sender: string, name: string, subject: string, body: string) => write(root, `agents/${sender}/outbox/${name}`, `---\nto: reviewer\nsubject: ${subject}\n---\n${body}\n`);
    drop('manager', '000000-001-reviewer.md', 'Delivered', 'Please review the parrot release.');
    // hr may not write to the reviewer, and the reviewer reads only from the manager: refused by the chart.
    drop('hr', '000000-001-reviewer.md', 'Refused', 'The parrot salaries, for your eyes only.');
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);
    // Dropped after the run: no turn has taken it in, so it has not been delivered.
    drop('manager', '000001-009-reviewer.md', 'Not taken in', 'The parrot plan nobody delivered.');

    const client = await mcpClient(root, ['--as', 'reviewer']);
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toMatchObject({ isError: false, value: { subject: 'Delivered' } });
    expect(await call(client, 'read_message', { id: '000000-hr-001' })).toEqual({ isError: true, value: expect.stringContaining('000000-hr-001') });
    expect(await call(client, 'read_message', { id: '000001-manager-009' })).toEqual({ isError: true, value: expect.stringContaining('000001-manager-009') });
    const found = await call(client, 'search_messages', { query: 'parrot' });
    expect(found.value).toMatchObject({ total: 1, hits: [{ id: '000000-manager-001' }] });
    expect((await call(client, 'read_thread', { id: '000000-hr-001' })).isError).toBe(true);
    const inbox = await call(client, 'read_inbox', { all: true });
    expect(inbox.value.messages.map((message: { id: string }) => message.id)).toEqual(['000000-manager-001']);
  });

  test('a seat reads a letter under the chart as it is now: one whose edge was removed after delivery opens by no tool, search, thread or inbox', async () => {
    const root = orgWithReviewerSeat();
    write(root, 'agents/manager/outbox/000000-001-reviewer.md', '---\nto: reviewer\nsubject: Parrot review\n---\nPlease review the parrot release.\n');
    write(root, 'agents/reviewer/outbox/000000-001-manager.md', '---\nto: manager\nsubject: Parrot notes\nreply_to: 000000-manager-001\n---\nMy parrot notes.\n');
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);
    const client = await mcpClient(root, ['--as', 'reviewer']);
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toMatchObject({ isError: false, value: { subject: 'Parrot review' } });

    // The reviewer no longer reads from the manager: its letter stays delivered, and is not the reviewer's to read now.
    write(root, 'org/chart.yaml', readFileSync(join(root, 'org', 'chart.yaml'), 'utf8').replace('  reviewer:\n    reports_to: manager\n    send_to: [manager]\n    read_from: [manager]', '  reviewer:\n    reports_to: manager\n    send_to: [manager]\n    read_from: []'));
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toEqual({
      isError: true,
      value: 'message 000000-manager-001 cannot be read now: reviewer does not read from manager (chart.yaml: agents.reviewer.read_from)',
    });
    const found = await call(client, 'search_messages', { query: 'parrot' });
    expect(found.value.hits.map((hit: { id: string }) => hit.id)).toEqual(['000000-reviewer-001']);
    expect(found.value.total).toBe(1);
    const thread = await call(client, 'read_thread', { id: '000000-reviewer-001' });
    expect(thread.value.map((message: { id: string }) => message.id)).toEqual(['000000-reviewer-001']);
    // Asked for by the closed letter's own id, the thread says the letter is closed, as read_message does, not the rest of its thread.
    expect(await call(client, 'read_thread', { id: '000000-manager-001' })).toEqual({
      isError: true,
      value: 'message 000000-manager-001 cannot be read now: reviewer does not read from manager (chart.yaml: agents.reviewer.read_from)',
    });
    expect((await call(client, 'read_inbox', { all: true, mark_read: false })).value.messages).toEqual([]);
  });

  test('a seat reads a list post under the lists as they are now: once the poster may no longer post, or the list is gone, the post opens by no tool', async () => {
    const root = orgWithReviewerSeat();
    write(root, 'org/lists/team.yaml', 'members: [reviewer, planner]\nmay_post: [manager]\n');
    write(root, 'org/chart.yaml', readFileSync(join(root, 'org', 'chart.yaml'), 'utf8').replace('send_to: [human, planner, hr, janitor, reviewer]', 'send_to: [human, planner, hr, janitor, reviewer, team]'));
    write(root, 'agents/manager/outbox/000000-001-team.md', '---\nto: team\nsubject: Parrot plan\n---\nThe parrot release is on Friday.\n');
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);
    const client = await mcpClient(root, ['--as', 'reviewer']);
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toMatchObject({ isError: false, value: { subject: 'Parrot plan' } });
    expect((await call(client, 'search_messages', { query: 'parrot' })).value.total).toBe(1);

    // The manager may no longer post to the list: its post waiting for a member would be refused, and it opens by no tool either.
    write(root, 'org/lists/team.yaml', 'members: [reviewer, planner]\nmay_post: [planner, hr]\n');
    const closed = 'message 000000-manager-001 cannot be read now: manager may not post to the list team (org/lists/team.yaml: may_post)';
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toEqual({ isError: true, value: closed });
    expect((await call(client, 'search_messages', { query: 'parrot' })).value).toEqual({ total: 0, hits: [] });
    expect(await call(client, 'read_thread', { id: '000000-manager-001' })).toEqual({ isError: true, value: closed });
    expect((await call(client, 'read_inbox', { all: true, mark_read: false })).value.messages).toEqual([]);

    // The list is gone: nothing of it opens.
    rmSync(join(root, 'org', 'lists', 'team.yaml'));
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toMatchObject({ isError: true });
    expect((await call(client, 'search_messages', { query: 'parrot' })).value).toEqual({ total: 0, hits: [] });
  });

  test('read_thread of a letter the seat may not read says no more than read_message does: not the rest of its thread', async () => {
    const root = orgWithReviewerSeat();
    write(root, 'agents/reviewer/outbox/000000-001-manager.md', '---\nto: manager\nsubject: Parrot notes\n---\nMy parrot notes.\n');
    // hr may not write to the reviewer: refused by the chart, though it answers the reviewer's note.
    write(root, 'agents/hr/outbox/000000-001-reviewer.md', '---\nto: reviewer\nsubject: Salaries\nreply_to: 000000-reviewer-001\n---\nThe parrot salaries.\n');
    // The manager's letter to the planner answers the human: not the human's to read.
    write(root, 'agents/manager/outbox/000000-001-planner.md', '---\nto: planner\nsubject: Between us\nreply_to: 000000-human-001\n---\nThe human asked; here is what we do.\n');
    expect(lemming(root, ['send', 'manager', 'How is the parrot release going?']).status).toBe(0);
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);

    const reviewer = await mcpClient(root, ['--as', 'reviewer']);
    const unknown = await call(reviewer, 'read_thread', { id: '999999-nobody-001' });
    expect(unknown.isError).toBe(true);
    expect(await call(reviewer, 'read_thread', { id: '000000-hr-001' })).toEqual({ isError: true, value: unknown.value.replace('999999-nobody-001', '000000-hr-001') });
    expect((await call(reviewer, 'read_thread', { id: '000000-reviewer-001' })).value.map((message: { id: string }) => message.id)).toEqual(['000000-reviewer-001']);

    const human = await mcpClient(root);
    expect(await call(human, 'read_thread', { id: '000000-manager-001' })).toEqual({ isError: true, value: unknown.value.replace('999999-nobody-001', '000000-manager-001') });
    expect((await call(human, 'read_thread', { id: '000000-human-001' })).value.map((message: { id: string }) => message.id)).not.toContain('000000-manager-001');
  });

  test("the human's seat opens by id what an agent's would: a list post its archive: names it for, and a letter it may no longer read is said to be closed, with why", async () => {
    const root = defaultOrg();
    write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [manager]\narchive: [human]\n');
    write(root, 'org/chart.yaml', readFileSync(join(root, 'org', 'chart.yaml'), 'utf8').replace('send_to: [human, planner, hr, janitor]', 'send_to: [human, planner, hr, janitor, team]'));
    write(root, 'agents/manager/outbox/000000-001-team.md', '---\nto: team\nsubject: Parrot plan\n---\nThe parrot release is on Friday.\n');
    write(root, 'agents/manager/outbox/000000-002-human.md', '---\nto: human\nsubject: Update\n---\nThe parrot release is on track.\n');
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);
    const client = await mcpClient(root);
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toMatchObject({ isError: false, value: { subject: 'Parrot plan' } });
    expect((await call(client, 'search_messages', { query: 'friday' })).value.hits.map((hit: { id: string }) => hit.id)).toEqual(['000000-manager-001']);
    // Not a member: the post waits in no inbox of the human's.
    expect((await call(client, 'read_inbox', { all: true, mark_read: false })).value.messages.map((message: { id: string }) => message.id)).not.toContain('000000-manager-001');

    write(root, 'org/lists/team.yaml', 'members: [planner, hr]\nmay_post: [planner]\narchive: [human]\n');
    const closed = 'message 000000-manager-001 cannot be read now: manager may not post to the list team (org/lists/team.yaml: may_post)';
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toEqual({ isError: true, value: closed });
    expect(await call(client, 'read_thread', { id: '000000-manager-001' })).toEqual({ isError: true, value: closed });

    write(root, 'org/chart.yaml', readFileSync(join(root, 'org', 'chart.yaml'), 'utf8').replace(/( {2}human:\n(?: {4}.*\n)*? {4}read_from: )\[[^\]]*\]/, '$1[planner]'));
    expect(await call(client, 'read_message', { id: '000000-manager-002' })).toEqual({ isError: true, value: expect.stringMatching(/^message 000000-manager-002 cannot be read now: human does not read from manager/) });
  });

  test("the human's read_inbox lists what its read_message opens: a letter put in an outbox that no turn has taken in is in neither, and in both once a turn has", async () => {
    const root = defaultOrg();
    write(root, 'agents/manager/outbox/000000-001-human.md', '---\nto: human\nsubject: Dropped\n---\nThe parrot plan, put in the outbox by hand.\n');
    const client = await mcpClient(root);
    const listed = async (): Promise<string[]> => (await call(client, 'read_inbox', { all: true, mark_read: false })).value.messages.map((message: { id: string }) => message.id);
    // Before, read_inbox listed it, body and all, and read_message said no message the human could read had that id.
    expect(await listed()).toEqual([]);
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toEqual({ isError: true, value: expect.stringContaining('no message you can read has the id "000000-manager-001"') });
    // `lemming inbox` is the person at the org's files: it shows the letter at once, as the chat does.
    expect(lemming(root, ['inbox']).stdout).toContain('Dropped');

    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);
    expect(await listed()).toContain('000000-manager-001');
    expect(await call(client, 'read_message', { id: '000000-manager-001' })).toMatchObject({ isError: false, value: { subject: 'Dropped' } });
  });

  test("the human's seat reads what the chart and lists let human read, and what it wrote: not the manager's letter to the planner, by id, search or thread", async () => {
    const root = defaultOrg();
    write(root, 'agents/manager/outbox/000000-001-planner.md', '---\nto: planner\nsubject: Salaries\n---\nThe parrot salaries, between us.\n');
    write(root, 'agents/manager/outbox/000000-002-human.md', '---\nto: human\nsubject: Update\n---\nThe parrot release is on track.\n');
    write(root, 'agents/manager/outbox/000000-003-planner+1.md', '---\nto: planner\ncc: [human]\nsubject: Tasks\n---\nPlanner: three tasks for the parrot release.\n');
    expect(lemming(root, ['send', 'manager', 'How is the parrot release going?']).status).toBe(0);
    expect((await lemmingAsync(root, ['run', '--plain', '--turns', '1'])).status).toBe(0);

    const client = await mcpClient(root);
    const inbox = (await call(client, 'read_inbox', { all: true, mark_read: false })).value.messages.map((message: { id: string }) => message.id);
    expect(inbox).toEqual(expect.arrayContaining(['000000-manager-002', '000000-manager-003']));
    expect(inbox).not.toContain('000000-manager-001');
    expect(await call(client, 'read_message', { id: '000000-manager-003' })).toMatchObject({ isError: false, value: { subject: 'Tasks' } });
    const letter = await call(client, 'read_message', { id: '000000-manager-001' });
    expect(letter).toEqual({ isError: true, value: expect.stringContaining('000000-manager-001') });
    expect(JSON.stringify(letter.value)).not.toContain('salaries');
    expect(await call(client, 'read_message', { id: '000000-manager-002' })).toMatchObject({ isError: false, value: { subject: 'Update' } });
    expect(await call(client, 'read_message', { id: '000000-human-001' })).toMatchObject({ isError: false, value: { body: 'How is the parrot release going?' } });
    const found = await call(client, 'search_messages', { query: 'parrot' });
    const ids = found.value.hits.map((hit: { id: string }) => hit.id);
    expect(ids).toEqual(expect.arrayContaining(['000000-human-001', '000000-manager-002', '000000-manager-003']));
    expect(ids).not.toContain('000000-manager-001');
    // What the turn wrote that the search finds is the human's to read too: each opens by id.
    for (const id of ids) expect((await call(client, 'read_message', { id })).isError, id).toBe(false);
    expect((await call(client, 'read_thread', { id: '000000-manager-001' })).isError).toBe(true);
    // The operator's commands read every file of the org, as the dashboard does (docs/dashboard-and-api.md).
    expect(lemming(root, ['search', 'salaries']).stdout).toContain('000000-manager-001');
  });

  test('over streamable HTTP at /mcp of `lemming serve`, behind the dashboard token', async () => {
    const root = orgWithReviewerSeat();
    const serve = startWatched(root, ['serve', '--port', '0']);
    try {
      await serve.waitFor(/dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+/);
      const url = /dashboard: (http:\/\/127\.0\.0\.1:\d+)\/\?token=(\S+)/.exec(serve.output());
      const base = url?.[1] ?? '';
      const token = decodeURIComponent(url?.[2] ?? '');
      const refusedClient = new Client({ name: 'no-token', version: '1' });
      await expect(refusedClient.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`)))).rejects.toThrow(/"error":"unauthorized"/);

      const client = new Client({ name: 'lemming-test', version: '1' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp?as=reviewer`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      clients.push(client);
      expect(await call(client, 'send_message', { to: 'manager', body: 'Over HTTP.' })).toMatchObject({ isError: false, value: { id: '000000-reviewer-001' } });
      const asHuman = new Client({ name: 'lemming-test', version: '1' });
      await asHuman.connect(new StreamableHTTPClientTransport(new URL(`${base}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
      clients.push(asHuman);
      expect((await asHuman.listTools()).tools.map((tool) => tool.name)).toContain('decide_approval');
    } finally {
      await serve.stop('SIGINT');
    }
  });
});
