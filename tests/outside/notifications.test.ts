import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { startWatched } from '../helpers/watched-process.js';
import { defaultOrg, humanSends, write } from '../helpers/temp-org.js';
import { startWireServer, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from '../faults/invariants.js';
import { eventually, outsideOrg } from './outside-org.js';

const servers: WireServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function hook(reply: (index: number) => WireReply | Promise<WireReply>): Promise<WireServer> {
  const server = await startWireServer((_request, index) => reply(index));
  servers.push(server);
  return server;
}

/** Append `notify:` entries to the org's org.yaml. */
function notify(root: string, entries: string[]): void {
  const file = join(root, 'org', 'org.yaml');
  write(root, 'org/org.yaml', `${readFileSync(file, 'utf8')}\nnotify:\n${entries.map((entry) => `  - ${entry}`).join('\n')}\n`);
}

interface Delivery {
  target: string;
  event: string;
  title: string;
  attempt: number;
  attempts: number;
  outcome: string;
  status?: number;
  error?: string;
}

function deliveries(root: string): Delivery[] {
  const file = join(root, 'org', 'state', 'notifications.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Delivery);
}

describe('notifications to people (org.yaml notify:)', () => {
  test('a reply to the human and a proposal reach a webhook that fails twice and then accepts; every attempt is logged and the URL, a secret, is in no file', async () => {
    // Each notification is refused twice (503), then accepted.
    const tries = new Map<string, number>();
    const server = await startWireServer((request) => {
      const title = (request.body as { title: string }).title;
      tries.set(title, (tries.get(title) ?? 0) + 1);
      return (tries.get(title) ?? 0) <= 2 ? { status: 503, body: { error: 'warming up' } } : { status: 200, body: { ok: true } };
    });
    servers.push(server);
    const url = `${server.url}/hooks/lemming?key=hook-secret-4d2a9f61`;
    const root = defaultOrg();
    notify(root, ['{ url_env: PEOPLE_HOOK, headers: { Authorization: HOOK_AUTH } }']);
    const env = { PEOPLE_HOOK: url, HOOK_AUTH: 'Bearer hook-auth-e41b77c0' };
    humanSends(root, 'manager', 'Hiring: please hire another coder for the release', 'Hiring: hire a coder');
    const run = await lemmingAsync(root, ['run', '--plain'], env);
    expect(run.status).toBe(0);

    const received = server.requests.map((request) => request.body as { event: string; title: string; org: string; details: Record<string, unknown> });
    expect(server.requests.every((request) => request.path === '/hooks/lemming?key=hook-secret-4d2a9f61' && request.headers.authorization === env.HOOK_AUTH)).toBe(true);
    expect(received).toHaveLength(6);
    const accepted = [...new Map(received.map((body) => [body.title, body])).values()];
    expect(accepted.map((body) => body.event).sort()).toEqual(['human-message', 'proposal']);
    expect(accepted.find((body) => body.event === 'proposal')).toMatchObject({
      org: 'lemming-default',
      title: 'hr asks for your approval: hire coder_02 (Coder: writes and tests code), reporting to manager, 0.05 credits from hr',
      details: { proposal: '000002-hr-002', agent: 'hr', tool: 'hire_agent' },
    });
    const message = accepted.find((body) => body.event === 'human-message') as { text: string; details: { id: string } } | undefined;
    expect(message).toMatchObject({ title: expect.stringMatching(/^manager wrote to you/), details: { from: 'manager' } });
    // The notification is read far from the run's folder: its commands work as written from any folder.
    for (const body of [message, accepted.find((body) => body.event === 'proposal')] as Array<{ text: string } | undefined>) {
      expect(body?.text).toContain(`--root ${root}`);
    }
    const inbox = /`([^`]* inbox[^`]*)`/.exec(message?.text ?? '')?.[1] ?? '';
    const read = spawnSync('sh', ['-c', inbox], { cwd: tmpdir(), encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    expect(read.status, read.stderr).toBe(0);
    expect(read.stdout).toContain(message?.details.id ?? 'no id');
    // Each delivery was tried three times: 503, 503, accepted.
    for (const body of accepted) {
      const attempts = deliveries(root).filter((record) => record.title === body.title);
      expect(attempts.map((record) => [record.attempt, record.outcome, record.status])).toEqual([
        [1, 'retrying', 503],
        [2, 'retrying', 503],
        [3, 'delivered', 200],
      ]);
    }
    expect(deliveries(root).filter((record) => record.outcome === 'delivered')).toHaveLength(2);
    expect(checkInvariants(root, { secrets: [url, env.HOOK_AUTH] })).toEqual([]);
  });

  test('Slack-compatible payloads for a held agent and a run that ends on it; a target whose URL is not set is skipped, logged', async () => {
    const slack = await hook(() => ({ status: 200, body: 'ok' }));
    const org = outsideOrg({ provider: 'command', max_retries: 0 }, { engine: 'max_failed_turns: 1' });
    org.plan({ manager: [{ exit: 4, stderr: 'no network <here> & there' }] });
    notify(org.root, ['{ url_env: SLACK_HOOK, format: slack, on: [agent-held, run-error] }', '{ url_env: UNSET_HOOK_URL }']);
    humanSends(org.root, 'manager', 'Work.');
    const run = await lemmingAsync(org.root, ['run', '--plain'], { SLACK_HOOK: `${slack.url}/services/T000/B000/XXXX` });
    expect(run.status).toBe(1);

    const texts = slack.requests.map((request) => (request.body as { text: string; blocks: Array<{ type: string; text: { type: string; text: string } }> }));
    expect(texts).toHaveLength(2);
    expect(texts[0]?.text).toMatch(/^\*manager is held: its model agent failed in 1 turns in a row\*\nThe last failure: .*no network &lt;here&gt; &amp; there/);
    expect(texts[0]?.blocks).toEqual([{ type: 'section', text: { type: 'mrkdwn', text: texts[0]?.text } }]);
    expect(texts[1]?.text).toMatch(/^\*The run stopped at turn 1: mail waits for agents whose models keep failing\*\nWaiting: manager\./);
    expect(deliveries(org.root).filter((record) => record.target === 'notify.1')).toMatchObject([
      { outcome: 'skipped', error: 'UNSET_HOOK_URL is not set', event: 'agent-held' },
      { outcome: 'skipped', event: 'run-error' },
    ]);
  });

  test('a run that stops with an error (a replay that meets a call it did not record) is told, with the error', async () => {
    const server = await hook(() => ({ status: 200, body: {} }));
    const root = defaultOrg();
    notify(root, ['{ url_env: ERRORS_HOOK, on: [run-error] }']);
    write(root, 'empty.jsonl', '');
    humanSends(root, 'manager', 'Plan the release.');
    const run = await lemmingAsync(root, ['run', '--plain', '--replay', join(root, 'empty.jsonl')], { ERRORS_HOOK: server.url });
    expect(run.status).toBe(1);
    expect(server.requests.map((request) => request.body)).toEqual([
      expect.objectContaining({ event: 'run-error', title: 'The run stopped with an error after turn 0', text: expect.stringContaining("has no answer for manager's call in turn 1"), details: expect.objectContaining({ reason: 'error' }) }),
    ]);
  });

  test('a webhook that redirects is not followed: neither the notification nor its headers reach the host it names, and the log says what to set', async () => {
    const elsewhere = await hook(() => ({ status: 200, body: { ok: true } }));
    const moved = `${elsewhere.url.replace('127.0.0.1', 'localhost')}/collect`;
    const redirecting = await hook(() => ({ status: 307, headers: { location: moved } }));
    const root = defaultOrg();
    notify(root, ['{ url_env: MOVED_HOOK, on: [human-message], headers: { X-Hook-Token: HOOK_TOKEN } }']);
    const env = { MOVED_HOOK: `${redirecting.url}/hooks/lemming`, HOOK_TOKEN: 'hook-token-5c1e09aa' };
    humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
    const run = await lemmingAsync(root, ['run', '--plain'], env);
    expect(run.status).toBe(0);

    expect(redirecting.requests.length).toBeGreaterThan(0);
    expect(elsewhere.requests).toEqual([]);
    // A redirect is no answer worth trying again: one attempt each, failed, naming where it pointed and the variable to set.
    const attempts = deliveries(root);
    expect(attempts.length).toBe(redirecting.requests.length);
    for (const attempt of attempts) {
      expect(attempt).toMatchObject({
        attempt: 1,
        outcome: 'failed',
        status: 307,
        error: `the webhook redirected the notification to ${moved}; lemming posts only to the URL MOVED_HOOK holds, so it did not follow: set MOVED_HOOK to where the webhook points`,
      });
    }
    expect(checkInvariants(root, { secrets: [env.MOVED_HOOK, env.HOOK_TOKEN] })).toEqual([]);
  });

  test('a webhook that takes its time never holds a turn: the run finishes its turns while the delivery waits, and the process waits for it after', async () => {
    let release: () => void = () => undefined;
    const answered = new Promise<WireReply>((resolve) => {
      release = () => resolve({ status: 204 });
    });
    const slow = await hook(() => answered);
    const root = defaultOrg();
    notify(root, ['{ url_env: SLOW_HOOK, on: [human-message], timeout_ms: 120000 }']);
    humanSends(root, 'manager', 'Write the release notes for 1.2', 'Release notes');
    const run = startWatched(root, ['run', '--plain'], { SLOW_HOOK: slow.url });
    // Every turn ran to the end while the webhook had not answered.
    await run.waitFor(/the org is idle/);
    expect(await eventually(() => slow.requests.length > 0)).toBe(true);
    // The run is over and waits for its delivery, which the webhook has not answered.
    expect(run.child.exitCode).toBeNull();
    expect(deliveries(root).filter((record) => record.outcome === 'delivered')).toEqual([]);
    release();
    expect(await run.exited()).toBe(0);
    expect(deliveries(root).filter((record) => record.outcome === 'delivered').length).toBe(slow.requests.length);
  });
});
