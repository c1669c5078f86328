import { mkdirSync, readFileSync, realpathSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { writeMemories } from '../../src/memory/memory-stream.js';
import { searchMemories } from '../../src/memory/search-memories.js';
import { lemming } from '../helpers/cli.js';
import { distReachable, IDENTITIES, lemmingAs } from '../helpers/lemming-as.js';
import { tempDir } from '../helpers/org-files.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import type { ReceivedRequest, WireReply } from '../helpers/wire-server.js';
import { humanSends } from './fault-org.js';
import { answer, OPENAI_KEY, ANTHROPIC_KEY, startManagerScript, wireOrg, type ManagerScript } from './wire-org.js';

/**
 * An org is a folder people clone and unpack, and a file of it may be a symbolic link. One that
 * leads out of the org must not bring the host's files into what lemming prints or sends: a list
 * file linked to /etc/shadow put root's line into the poster's next prompt, sent to the model
 * server, because the list's problem quoted the "field" it could not read. Each attack runs the
 * built CLI as root and as an ordinary user (`nobody`), against a model server on loopback that
 * records every request.
 */

let script: ManagerScript;
beforeAll(async () => {
  script = await startManagerScript();
});
afterAll(() => script.server.close());
/** The manager's first call posts to the list `team`. */
const postsToTeam = (request: ReceivedRequest): WireReply => answer(request, { to: 'team', body: 'Please all look at the release.' });

/** The wire org whose manager may post to the list `team` (org/lists/team.yaml, as `list` says), its keys in `.env`, and a task for the manager. */
function orgWithList(list: (path: string) => void): string {
  const root = wireOrg(script.server.url);
  const chart = join(root, 'org/chart.yaml');
  writeFileSync(chart, readFileSync(chart, 'utf8').replace('send_to: [human, coder]', 'send_to: [human, coder, team]'));
  mkdirSync(join(root, 'org/lists'), { recursive: true });
  list(join(root, 'org/lists/team.yaml'));
  writeFileSync(join(root, '.env'), `FAULT_OPENAI_KEY=${OPENAI_KEY}\nFAULT_ANTHROPIC_KEY=${ANTHROPIC_KEY}\n`);
  humanSends(root, 'manager', 'Tell the team about the release.');
  return root;
}

/** Every request the server was sent since `from`, as one text. */
function sentSince(from: number): string {
  return script.server.requests
    .slice(from)
    .map((request: ReceivedRequest) => JSON.stringify(request.body))
    .join('\n');
}

describe.each(IDENTITIES)('a file of the org that is a link out of it, lemming run by $name', (identity) => {
  test.skipIf(!distReachable(identity))('a list file linked to a secret outside the org: validate and the poster\'s notice name the link, and not a line of the secret reaches a prompt or the screen', async () => {
    // Root's own secret, and an ordinary user's: a file of theirs in the same form (a name, then fields joined by colons).
    const outside = tempDir('lemming-outside-');
    const secretFile = identity.prefix.length === 0 && process.getuid?.() === 0 ? '/etc/shadow' : join(outside, 'credentials');
    if (secretFile !== '/etc/shadow') writeFileSync(secretFile, 'deploy:ghp_nobodysSecretToken4242:19000:0:::\n');
    const secretLine = (readFileSync(secretFile, 'utf8').split('\n')[0] ?? '').slice(0, 20);
    expect(secretLine.length).toBeGreaterThan(10);
    const root = orgWithList((path) => symlinkSync(secretFile, path));
    const before = script.server.requests.length;
    script.calls = 0;
    script.first = postsToTeam;

    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const sent = sentSince(before);
    expect(sent).not.toContain(secretLine);
    expect(run.stdout).not.toContain(secretLine);
    // The post was refused, and the manager's next prompt says why: the link, named.
    expect(sent).toContain('org/lists/team.yaml: is a symbolic link (or lies below one) that leads out of the org');

    const validated = await lemmingAs(identity, root, ['validate']);
    expect(validated.status).toBe(1);
    expect(validated.stdout + validated.stderr).toContain('org/lists/team.yaml: is a symbolic link (or lies below one) that leads out of the org');
    expect(validated.stdout + validated.stderr).not.toContain(secretLine);
  });
});

describe.each(IDENTITIES)("an org's own folders linked out of it, lemming run by $name", (identity) => {
  test.skipIf(!distReachable(identity))("the agent's workspace and the shared one: read_file is refused naming the folder, and no secret reaches a prompt; notes linked out are not shown by inspect (a run stops on them: org-links-out-writes.test.ts)", async () => {
    const outside = tempDir('lemming-outside-');
    const secrets = { workspace: 'workspace-secret-7731', shared: 'shared-secret-5512', memory: 'memory-secret-9043' };
    for (const [folder, secret] of Object.entries(secrets)) {
      mkdirSync(join(outside, folder));
      writeFileSync(join(outside, folder, folder === 'memory' ? 'launch.md' : 'secret.txt'), `${secret}\n`);
    }
    const root = orgWithList((path) => writeFileSync(path, 'members: [coder]\nmay_post: [manager]\n'));
    writeFileSync(join(root, 'agents/manager/resume.md'), '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\ntools: [send_message, read_file]\n---\nHand work to the coder; report to the human.\n');
    for (const [folder, link] of [['workspace', 'agents/manager/workspace'], ['shared', 'workspace']] as const) {
      rmSync(join(root, link), { recursive: true, force: true });
      symlinkSync(join(outside, folder), join(root, link));
    }
    const before = script.server.requests.length;
    script.calls = 0;
    script.first = () => ({
      body: chatCompletion({
        toolCalls: [
          { name: 'read_file', arguments: { path: 'secret.txt' } },
          { name: 'read_file', arguments: { path: 'shared/secret.txt' } },
        ],
        usage: { prompt_tokens: 200, completion_tokens: 30 },
      }),
    });

    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const sent = sentSince(before);
    expect(script.calls).toBeGreaterThan(1);
    for (const secret of Object.values(secrets)) expect(sent).not.toContain(secret);
    // The tool results the model read name each folder and why.
    expect(sent).toContain('agents/manager/workspace is a symbolic link (or lies below one) that leads out of the org');
    expect(sent).toContain('workspace is a symbolic link (or lies below one) that leads out of the org');
    // validate warns of each workspace: the tools refuse it, and the org runs.
    const validated = await lemmingAs(identity, root, ['validate']);
    expect(validated.status).toBe(0);
    expect(validated.stdout).toContain(`warning: agents/manager/workspace: is a symbolic link (or lies below one) to ${join(realpathSync(outside), 'workspace')}, outside the org`);
    expect(validated.stdout).toContain(`warning: workspace: is a symbolic link (or lies below one) to ${join(realpathSync(outside), 'shared')}, outside the org`);
    rmSync(join(root, 'agents/manager/memory'), { recursive: true, force: true });
    symlinkSync(join(outside, 'memory'), join(root, 'agents/manager/memory'));
    const inspected = await lemmingAs(identity, root, ['inspect', 'manager']);
    expect(inspected.status).toBe(0);
    expect(inspected.stdout).not.toContain(secrets.memory);
  });
});

describe('a name of a megabyte in a list file', () => {
  test('validate, the run and the poster\'s prompt say it as a short excerpt', async () => {
    const name = 'a'.repeat(1024 * 1024);
    const root = orgWithList((path) => writeFileSync(path, `members: [coder, ${name}]\nmay_post: [manager]\n`));
    const before = script.server.requests.length;
    script.calls = 0;
    script.first = postsToTeam;
    const [identity] = IDENTITIES;
    if (!identity) throw new Error('no identity');
    const run = await lemmingAs(identity, root, ['run', '--plain']);
    expect(run.status).toBe(0);
    expect(run.stdout.length + run.stderr.length).toBeLessThan(20_000);
    const sent = sentSince(before);
    // The refusal the manager reads next quotes the name's first 57 characters (JSON of the request escapes its quotes).
    expect(sent).toContain(`${'a'.repeat(57)}...`);
    expect(sent).not.toContain('a'.repeat(58));
    expect(run.stdout).toContain(`refused manager -> team: the list team cannot be used until its file is fixed (org/lists/team.yaml: names "${'a'.repeat(57)}...", which is not an agent name`);

    const validated = await lemmingAs(identity, root, ['validate']);
    expect(validated.status).toBe(1);
    expect(validated.stdout + validated.stderr).toContain(`org/lists/team.yaml:1: members.1: names "${'a'.repeat(57)}...", which is not an agent name`);
    expect(validated.stdout.length + validated.stderr.length).toBeLessThan(20_000);
  });
});

describe("the org's own files, read through the one loader", () => {
  test('a resume linked out of the org is refused by name, unread; a file linked to another inside the org is read', () => {
    const root = defaultOrg();
    const outside = tempDir('lemming-outside-');
    // Another project's markdown, with front matter a resume would take, and a secret below it.
    writeFileSync(join(outside, 'notes.md'), '---\ntitle: Planner\nmodel: offline\ncredits: 10\n---\nThe staging password is hunter2-outside.\n');
    rmSync(join(root, 'agents/planner/resume.md'));
    symlinkSync(join(outside, 'notes.md'), join(root, 'agents/planner/resume.md'));
    // The chart kept beside, and linked from where lemming reads it: the org's own business.
    renameSync(join(root, 'org/chart.yaml'), join(root, 'org/chart-kept.yaml'));
    symlinkSync('chart-kept.yaml', join(root, 'org/chart.yaml'));
    const validated = lemming(root, ['validate']);
    expect(validated.status).toBe(1);
    expect(validated.stdout + validated.stderr).toContain('agents/planner/resume.md: is a symbolic link (or lies below one) that leads out of the org');
    expect(validated.stdout + validated.stderr).not.toContain('hunter2');
    expect(validated.stdout + validated.stderr).not.toContain('org/chart.yaml');
  });
});

describe("an agent's memory stream linked out of the org", () => {
  test('is never read: a look at the stream finds none of the memories over there', () => {
    const root = defaultOrg();
    const elsewhere = tempDir('lemming-outside-');
    writeMemories(elsewhere, 'planner', [{ id: '000001-001', turn: 1, kind: 'observation', importance: 5, sources: [], text: 'The vault code is 0451-outside.' }]);
    // Made there as lemming makes it: the same stream, seen from the org's own folder before the link.
    expect(searchMemories(elsewhere, 'planner', { turn: 2, limit: 5 }).total).toBe(1);
    rmSync(join(root, 'agents/planner/memory'), { recursive: true, force: true });
    symlinkSync(join(elsewhere, 'agents/planner/memory'), join(root, 'agents/planner/memory'));
    const found = searchMemories(root, 'planner', { turn: 2, limit: 5 });
    expect(found.total).toBe(0);
    expect(JSON.stringify(found)).not.toContain('0451-outside');
  });
});
