import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingProcessAsync } from '../helpers/cli.js';
import { distReachable, IDENTITIES, lemmingAs } from '../helpers/lemming-as.js';
import { tempDir } from '../helpers/org-files.js';
import { proposeHire } from '../helpers/propose-hire.js';
import { defaultOrg } from '../helpers/temp-org.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import type { WireReply } from '../helpers/wire-server.js';
import { humanSends } from './fault-org.js';
import { answer, KEYS, startManagerScript, wireOrg, type ManagerScript } from './wire-org.js';

/**
 * The write side of an org's folders that are links out of it (issue 72): reading through them was
 * refused, but the engine still wrote through them. An agent's `remember` put a note of its choosing
 * (name and text) into the folder `agents/<name>/memory` led to, its mail, memory stream and logs went
 * there, a message file found there was read as the agent's mail, and `lemming reset` emptied it. Each
 * attack runs the built CLI as root and as an ordinary user (`nobody`), against a model server on
 * loopback that records every request: the run stops before any call (the org's own storage is not
 * where it must be), names the folder and where it leads, and writes nothing over there.
 */

let script: ManagerScript;
beforeAll(async () => {
  script = await startManagerScript();
});
afterAll(() => script.server.close());

/** The manager remembers a note it named, says a word to the coder: its notes, mail, stream and log are all written in the first turn. */
function remembersAndSends(): WireReply {
  return {
    body: chatCompletion({
      toolCalls: [
        { name: 'remember', arguments: { key: 'planted', text: 'agent-chosen text, written where the memory folder leads' } },
        { name: 'send_message', arguments: { to: 'coder', body: 'Please look at the release.' } },
      ],
      usage: { prompt_tokens: 200, completion_tokens: 30 },
    }),
  };
}

/** The wire org whose manager may remember and keeps a memory stream, its keys in `.env`, and the human's task for it. */
function orgWithMemory(): string {
  const root = wireOrg(script.server.url);
  appendFileSync(join(root, 'org/org.yaml'), 'memory: { keep: true }\n');
  writeFileSync(join(root, 'agents/manager/resume.md'), '---\ntitle: Manager\nmodel: flaky-openai\ncredits: 10\ntools: [send_message, remember]\n---\nHand work to the coder; report to the human.\n');
  writeFileSync(join(root, '.env'), Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
  humanSends(root, 'manager', 'Tell the coder about the release.');
  return root;
}

/** Every file below `folder`, relative to it. */
function filesBelow(folder: string): string[] {
  return (readdirSync(folder, { recursive: true }) as string[]).sort();
}

/** Replace the org's folder `link` (relative to `root`) with a link to `target`, made first. */
function linkOut(root: string, link: string, target: string): void {
  mkdirSync(target, { recursive: true });
  rmSync(join(root, link), { recursive: true, force: true });
  mkdirSync(join(root, link, '..'), { recursive: true });
  symlinkSync(target, join(root, link));
}

const FOLDERS = ['agents/manager/memory', 'agents/manager/memory/stream', 'agents/manager/outbox', 'agents/manager/logs'] as const;

describe.each(IDENTITIES)('an agent\'s own folder linked out of the org, lemming run by $name', (identity) => {
  test.skipIf(!distReachable(identity)).each(FOLDERS)('%s: the run stops before any call, naming the folder and where it leads; nothing is written over there; validate says it; a folder put back, the run goes on', async (folder) => {
    const root = orgWithMemory();
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'kept');
    // The host's folder holds something of its own, which nothing of the org's may join.
    mkdirSync(target, { recursive: true });
    writeFileSync(join(target, 'own.txt'), 'the host\'s own file\n');
    linkOut(root, folder, target);
    script.calls = 0;
    script.first = remembersAndSends;
    const before = script.server.requests.length;

    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.status).toBe(5);
    expect(run.stdout + run.stderr).toContain(`${folder} is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(run.stdout + run.stderr).toContain(`rm ${folder} && mkdir ${folder}`);
    expect(filesBelow(target)).toEqual(['own.txt']);
    // Stopped before the manager's call: nothing asked, nothing charged.
    expect(script.server.requests.length).toBe(before);

    const validated = await lemmingAs(identity, root, ['validate']);
    expect(validated.status).toBe(1);
    expect(validated.stdout + validated.stderr).toContain(`error: ${folder}: is a symbolic link (or lies below one) to ${target}, outside the org`);

    // The folder made a folder again: the run goes on, and writes in the org.
    rmSync(join(root, folder));
    mkdirSync(join(root, folder), { recursive: true });
    const again = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(readFileSync(join(root, 'agents/manager/memory/planted.md'), 'utf8')).toContain('agent-chosen text');
    expect(filesBelow(target)).toEqual(['own.txt']);
  });

  test.skipIf(!distReachable(identity))('an agent skipped for want of credits, its logs linked out: the skip is not logged over there, and the run stops naming the folder', async () => {
    const root = orgWithMemory();
    writeFileSync(join(root, 'agents/coder/resume.md'), '---\ntitle: Coder\nmodel: flaky-anthropic\ncredits: 0\n---\nDo the work; report to the manager.\n');
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'logs');
    linkOut(root, 'agents/coder/logs', target);
    script.calls = 0;
    script.first = remembersAndSends;
    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.status).toBe(5);
    expect(run.stdout + run.stderr).toContain(`agents/coder/logs is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(filesBelow(target)).toEqual([]);
  });

  test.skipIf(!distReachable(identity))('a turn cut short and a folder linked out before it is finished: the recovery stops before it writes, and finishes once the folder is back', async () => {
    const root = orgWithMemory();
    script.calls = 0;
    script.first = remembersAndSends;
    // The manager's answer is journaled; the process dies before it is applied.
    const killed = await lemmingProcessAsync(root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' });
    expect(killed.signal).toBe('SIGKILL');
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'kept');
    linkOut(root, 'agents/manager/memory', target);
    // Its workspace linked out too, holding a file shaped as a killed lemming's temporary: the recovery's sweep leaves it (the tools refuse that workspace).
    const workspace = join(outside, 'workspace');
    linkOut(root, 'agents/manager/workspace', workspace);
    writeFileSync(join(workspace, '.draft.md.lemming-999999999-0-1.tmp'), "the host's draft\n");
    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.status).toBe(5);
    expect(run.stdout + run.stderr).toContain(`agents/manager/memory is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(filesBelow(target)).toEqual([]);
    rmSync(join(root, 'agents/manager/memory'));
    const again = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('finishing an interrupted turn');
    // The journaled answer applied (asked again, the manager would answer in text): its note is in the org's own folder.
    expect(readFileSync(join(root, 'agents/manager/memory/planted.md'), 'utf8')).toContain('agent-chosen text');
    expect(filesBelow(workspace)).toEqual(['.draft.md.lemming-999999999-0-1.tmp']);
  });

  test.skipIf(!distReachable(identity))("an outbox linked out of the org is not read: a message file over there never reaches a prompt", async () => {
    const root = orgWithMemory();
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'mail');
    linkOut(root, 'agents/coder/outbox', target);
    // A file over there shaped as the coder's message to the manager.
    writeFileSync(join(target, '000000-001-manager.md'), '---\nid: 000000-coder-001\nfrom: coder\nto: manager\nturn: 0\ncreated: 2026-11-21T09:14:03.120Z\n---\nThe deploy key is outbox-secret-6621.\n');
    script.calls = 0;
    script.first = (request) => answer(request);
    const before = script.server.requests.length;
    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.status).toBe(5);
    expect(run.stdout + run.stderr).toContain(`agents/coder/outbox is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(script.server.requests.slice(before).map((request) => JSON.stringify(request.body)).join('\n')).not.toContain('outbox-secret-6621');
    expect(run.stdout).not.toContain('outbox-secret-6621');
  });

  test.skipIf(!distReachable(identity))('lemming send into a human outbox linked out of the org writes nothing over there, and says why', async () => {
    const root = orgWithMemory();
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'sent');
    linkOut(root, 'agents/human/outbox', target);
    const sent = await lemmingAs(identity, root, ['send', 'manager', 'One more thing.'], [outside]);
    expect(sent.status).toBe(5);
    expect(sent.stderr).toContain(`agents/human/outbox is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(filesBelow(target)).toEqual([]);
  });

  test.skipIf(!distReachable(identity))("lemming run on a human outbox linked out of the org: stopped at its start, before the start's sweep removes a file over there shaped as lemming's leftover", async () => {
    const root = orgWithMemory();
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'sent');
    linkOut(root, 'agents/human/outbox', target);
    // A name a killed lemming's temporary has (a process long gone): the start's sweep of the human's outbox removes such files.
    writeFileSync(join(target, '.draft.md.lemming-999999999-0-1.tmp'), "the host's draft\n");
    const run = await lemmingAs(identity, root, ['run', '--plain'], [outside]);
    expect(run.status).toBe(5);
    expect(run.stderr).toContain(`agents/human/outbox is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(filesBelow(target)).toEqual(['.draft.md.lemming-999999999-0-1.tmp']);
  });

  test.skipIf(!distReachable(identity))('lemming reset empties no folder a link leads to outside the org, and removes nothing of the org either', async () => {
    const root = orgWithMemory();
    const outside = realpathSync(tempDir('lemming-outside-'));
    const target = join(outside, 'notes');
    mkdirSync(target, { recursive: true });
    for (const name of ['thesis.md', 'taxes.md']) writeFileSync(join(target, name), `the host's ${name}\n`);
    linkOut(root, 'agents/coder/memory', target);
    const reset = await lemmingAs(identity, root, ['reset', '--yes'], [outside]);
    expect(reset.status).toBe(5);
    expect(reset.stderr).toContain(`agents/coder/memory is a symbolic link (or lies below one) to ${target}, outside the org`);
    expect(filesBelow(target)).toEqual(['taxes.md', 'thesis.md']);
    // The human's message is still there: nothing was removed.
    expect(readdirSync(join(root, 'agents/human/outbox'))).toHaveLength(1);
  });
});

describe.each(IDENTITIES)('a hire whose folder is a link out of the org, approved by $name', (identity) => {
  test.skipIf(!distReachable(identity))('the approval writes no resume over there, and says why', async () => {
    const root = defaultOrg();
    const outside = realpathSync(tempDir('lemming-outside-'));
    symlinkSync(outside, join(root, 'agents/tester_01'));
    const id = proposeHire(root, { proposer: 'hr', name: 'tester_01', reportsTo: 'manager', credits: 0.2, balance: 0.49 });
    const approved = await lemmingAs(identity, root, ['approve', id], [outside]);
    expect(approved.status).toBe(5);
    expect(approved.stderr).toContain(`agents/tester_01 is a symbolic link (or lies below one) to ${outside}, outside the org`);
    expect(filesBelow(outside)).toEqual([]);
  });
});

describe('a link that stays inside the org', () => {
  test('is the org\'s own: an agent\'s memory kept in another folder of the org is written there, and the run goes on', async () => {
    const [identity] = IDENTITIES;
    if (!identity) throw new Error('no identity');
    const root = orgWithMemory();
    mkdirSync(join(root, 'kept-memory'));
    rmSync(join(root, 'agents/manager/memory'), { recursive: true, force: true });
    symlinkSync('../../kept-memory', join(root, 'agents/manager/memory'));
    script.calls = 0;
    script.first = remembersAndSends;
    const run = await lemmingAs(identity, root, ['run', '--plain']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(readFileSync(join(root, 'kept-memory/planted.md'), 'utf8')).toContain('agent-chosen text');
    expect(existsSync(join(root, 'kept-memory/stream'))).toBe(true);
    expect((await lemmingAs(identity, root, ['validate'])).status).toBe(0);
  });
});
