import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { humanSends, tempDir, write } from '../helpers/temp-org.js';
import { chatCompletion, errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';

/** A loopback port nothing listens on: taken from the system, then let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A human and a manager on a local OpenAI-compatible model at `baseUrl`. The tests write the
 * human's request in this process, as `lemming send` does (tests/e2e/cli.test.ts runs send itself):
 * the runs and the commands after them are what they test.
 */
function localModelOrg(baseUrl: string): string {
  const root = tempDir('lemming-failing-');
  write(
    root,
    'org/org.yaml',
    `name: failing
engine: { max_turns: 20, max_failed_turns: 3 }
models:
  local:
    provider: openai-compatible
    model: llama-test
    base_url: ${baseUrl}
    max_retries: 1
    timeout_ms: 5000
    input_price: 0
    output_price: 0
    context_window: 8192
`,
  );
  write(
    root,
    'org/chart.yaml',
    `agents:
  human: { reports_to: null, send_to: [manager], read_from: ["*"] }
  manager: { reports_to: human, send_to: [human], read_from: ["*"] }
`,
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: local\ncredits: 1\n---\nAnswer the human.\n');
  return root;
}

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('when a model server fails', () => {
  test('nothing listening: run stops before turn 1 with one line and exit 1, and the human inbox names the model and the cause', async () => {
    const root = localModelOrg(`http://127.0.0.1:${await closedPort()}/v1`);
    humanSends(root, 'manager', 'Plan the release');

    const run = await lemmingAsync(root, ['run', '--plain']);
    expect(run.status).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^lemming: org\/org\.yaml models\.local: cannot reach http:\/\/127\.0\.0\.1:\d+\/v1 \(connection refused: nothing listens there; needed by manager\)/);
    expect(run.stdout).not.toMatch(/turn 1/);
    expect(existsSync(join(root, 'agents/manager/logs/activity.jsonl'))).toBe(false);

    const inbox = await lemmingAsync(root, ['inbox']);
    expect(inbox.stdout).toMatch(/Cannot reach the server of model local/);
    expect(inbox.stdout).toMatch(/models\.local: http:\/\/127\.0\.0\.1:\d+\/v1: connection refused/);

    // Trying again does not pile up notices.
    expect((await lemmingAsync(root, ['run', '--plain'])).status).toBe(1);
    expect((await lemmingAsync(root, ['inbox', '--all'])).stdout.match(/Cannot reach the server/g)).toHaveLength(1);
  });

  test('a server that keeps failing: retries shown as they happen, the agent held after 3 turns, the human told, exit 1; `lemming retry` calls it again', async () => {
    let healthy = false;
    server = await startWireServer(() =>
      healthy
        ? { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'human', body: 'The plan is ready.' } }] }) }
        : { status: 503, headers: { 'retry-after-ms': '5' }, body: errorBody('model is loading') },
    );
    const root = localModelOrg(`${server.url}/v1`);
    humanSends(root, 'manager', 'Plan the release');

    const run = await lemmingAsync(root, ['run', '--plain']);
    expect(run.status).toBe(1);
    // One retry per call (max_retries: 1), each said when it happens, with the attempt, the wait and the cause.
    const retries = run.stdout.split('\n').filter((line) => /attempt 2 of 2 in 0\.0 s/.test(line));
    expect(retries).toHaveLength(3);
    expect(retries[0]).toMatch(/^\[turn 1\] manager: local failed \(local: the server answered 503 Service Unavailable: model is loading\)/);
    expect(run.stdout).toMatch(/\[turn 3\] manager error: .*gave up after 2 attempts/);
    expect(run.stdout).not.toMatch(/\[turn 4\]/);
    expect(run.stdout).toMatch(/Mail waits for agents whose models keep failing: manager/);
    expect(run.stdout).toMatch(/nothing left to do but mail for agents whose models keep failing: manager/);
    expect(server.requests).toHaveLength(6);

    const inbox = await lemmingAsync(root, ['inbox']);
    expect(inbox.stdout).toMatch(/manager is not called: its model local keeps failing/);
    expect(inbox.stdout).toMatch(/failed in 3 turns in a row \(turns 1 to 3\); the last failure: local: the server answered 503/);
    expect(inbox.stdout).toMatch(/lemming retry manager/);

    expect((await lemmingAsync(root, ['status'])).stdout).toMatch(/manager is held: its model local failed in 3 turns in a row \(local: the server answered 503.*\); `(npx )?lemming retry manager( --root \S+)?` calls it again/);

    // Held: another run calls nobody and says so.
    const again = await lemmingAsync(root, ['run', '--plain']);
    expect(again.status).toBe(1);
    expect(server.requests).toHaveLength(6);

    healthy = true;
    const retry = await lemmingAsync(root, ['retry', 'manager']);
    expect(retry.stdout).toMatch(/manager will be called again at the next turn/);
    const recovered = await lemmingAsync(root, ['run', '--plain']);
    expect(recovered.status).toBe(0);
    expect(recovered.stdout).toMatch(/\[turn 4\] manager: called again: a person asked to try again/);
    expect(recovered.stdout).toMatch(/\[turn 4\] manager -> human: The plan is ready\./);
  });

  test('a refused key (401, 403) cannot heal by itself: no retry, the agent held in the turn it was refused, and the notice names the variable', async () => {
    for (const status of [401, 403]) {
      const refusing = await startWireServer(() => ({ status, body: errorBody('Incorrect API key provided: sk-wr...ong') }));
      try {
        const root = localModelOrg(`${refusing.url}/v1`);
        write(root, 'org/org.yaml', `${readFileSync(join(root, 'org/org.yaml'), 'utf8')}    api_key_env: LOCAL_MODEL_KEY\n`);
        humanSends(root, 'manager', 'Plan the release');
        const run = await lemmingAsync(root, ['run', '--plain'], { LOCAL_MODEL_KEY: 'sk-wrong-key-for-this-test' });
        expect(run.status).toBe(1);
        expect(refusing.requests).toHaveLength(1);
        expect(run.stdout).not.toMatch(/attempt 2 of/);
        expect(run.stdout).toMatch(new RegExp(`\\[turn 1\\] manager error: local: the server refused the API key in LOCAL_MODEL_KEY \\(${status}`));
        expect(run.stdout).toMatch(/\[turn 1\] manager not called|Mail waits for agents whose models keep failing: manager/);
        expect(run.stdout).not.toMatch(/\[turn 2\]/);
        const inbox = await lemmingAsync(root, ['inbox']);
        expect(inbox.stdout).toMatch(/manager is not called: its model local refused the key in LOCAL_MODEL_KEY/);
        expect(inbox.stdout).toMatch(/Set LOCAL_MODEL_KEY to a key the server accepts/);
        expect(inbox.stdout).not.toContain('sk-wrong-key-for-this-test');
      } finally {
        await refusing.close();
      }
    }
  });

  test('held in the last turn --turns allows: the run still exits 1 and says whose mail waits', async () => {
    server = await startWireServer(() => ({ status: 503, headers: { 'retry-after-ms': '5' }, body: errorBody('model is loading') }));
    const root = localModelOrg(`${server.url}/v1`);
    humanSends(root, 'manager', 'Plan the release');
    const run = await lemmingAsync(root, ['run', '--plain', '--turns', '3']);
    expect(run.stdout).toMatch(/\[turn 3\] manager error: .*gave up after 2 attempts/);
    expect(run.stdout).toMatch(/ran the 3 turns asked for; mail waits for agents whose models keep failing: manager/);
    expect(run.status).toBe(1);
    const json = await lemmingAsync(root, ['run', '--json', '--turns', '1']);
    expect(json.status).toBe(1);
  });

  test('an edit to the resume ends the hold', async () => {
    let healthy = false;
    server = await startWireServer(() =>
      healthy
        ? { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'human', body: 'Done.' } }] }) }
        : { status: 400, body: errorBody('bad request') },
    );
    const root = localModelOrg(`${server.url}/v1`);
    humanSends(root, 'manager', 'Plan the release');
    expect((await lemmingAsync(root, ['run', '--plain'])).status).toBe(1);
    expect(server.requests).toHaveLength(3);

    healthy = true;
    write(root, 'agents/manager/resume.md', '---\ntitle: Manager\nmodel: local\ncredits: 1\n---\nAnswer the human, briefly.\n');
    const run = await lemmingAsync(root, ['run', '--plain']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/manager: called again: its resume or model entry changed/);
    expect(run.stdout).toMatch(/manager -> human: Done\./);
  });
});
