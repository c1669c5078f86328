import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { list } from 'tar';
import { describe, expect, test } from 'vitest';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { charges, messageFiles } from '../helpers/org-snapshot.js';
import { tempDir, write } from '../helpers/org-files.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { wireServerPerTest, type ReceivedRequest } from '../helpers/wire-server.js';
import { startWatched } from '../helpers/watched-process.js';
import { checkInvariants } from '../faults/invariants.js';
import { besidesProgress } from '../helpers/progress-lines.js';

const startServer = wireServerPerTest();
const KEY = 'relay-key-0123456789abcdef';

/** A human and two agents, ping and pong, on a local model that passes a numbered hop between them until hop 6. */
function relayOrg(baseUrl: string): string {
  const root = tempDir('lemming-backup-');
  write(
    root,
    'org/org.yaml',
    `name: relay
models:
  relay:
    provider: openai-compatible
    model: relay-test
    base_url: ${baseUrl}
    api_key_env: RELAY_KEY
    max_retries: 0
    input_price: 1
    output_price: 2
    context_window: 16384
`,
  );
  write(
    root,
    'org/chart.yaml',
    `agents:
  human: { reports_to: null, send_to: [ping], read_from: ["*"] }
  ping: { reports_to: human, send_to: [pong, human], read_from: ["*"] }
  pong: { reports_to: ping, send_to: [ping], read_from: ["*"] }
`,
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/ping/resume.md', '---\ntitle: Ping\nmodel: relay\ncredits: 10\n---\nPING-AGENT: pass the hop on.\n');
  write(root, 'agents/pong/resume.md', '---\ntitle: Pong\nmodel: relay\ncredits: 10\n---\nPONG-AGENT: pass the hop on.\n');
  write(root, '.env', `RELAY_KEY=${KEY}\n`);
  return root;
}

/** The next hop for a request: one more than the highest the prompt shows; a tool's result, or no hop, is answered in words. */
function nextHop(request: ReceivedRequest): number | undefined {
  const messages = request.body.messages as Array<{ role: string }>;
  if (messages.at(-1)?.role === 'tool') return undefined;
  const hops = [...JSON.stringify(messages).matchAll(/hop (\d+)/g)].map((match) => Number(match[1]));
  // Mail with no hop in it (a notice that the last hop was not acted on) ends the relay too.
  return hops.length === 0 ? undefined : Math.max(...hops) + 1;
}

/** The model: deterministic from what it is shown, so a restored org asks the same and is answered the same. */
function relayAnswer(request: ReceivedRequest): ReturnType<typeof chatCompletion> {
  const hop = nextHop(request);
  if (hop === undefined || hop > 6) return chatCompletion({ content: 'Done.', usage: { prompt_tokens: 50, completion_tokens: 2 } });
  const to = JSON.stringify(request.body.messages).includes('PING-AGENT') ? 'pong' : 'ping';
  return chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to, body: `hop ${hop}` } }], usage: { prompt_tokens: 100 + hop, completion_tokens: 10 } });
}

async function until(condition: () => boolean): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 90_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The files each message-delivered event of a `--json` run names, in order. */
function delivered(output: string): string[] {
  return output
    .split('\n')
    .filter((line) => line.includes('"message-delivered"'))
    .map((line) => (JSON.parse(line) as { message: { file: string } }).message.file);
}

async function entriesOf(file: string): Promise<string[]> {
  const paths: string[] = [];
  await list({ file, onReadEntry: (entry) => paths.push(entry.path) });
  return paths;
}

describe('lemming backup while lemming run goes on', () => {
  test('the copy is taken at a turn boundary without stopping the run; restored and continued, it ends as the original did, nothing delivered twice', async () => {
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await startServer(async (request) => {
      // Hop 3's call waits until the test lets it go: the run is then in the middle of turn 3.
      if (nextHop(request) === 3) await held;
      return { body: relayAnswer(request) };
    });
    const original = relayOrg(`${server.url}/v1`);
    expect(lemming(original, ['send', 'ping', 'hop 0: start the relay']).status).toBe(0);

    const run = startWatched(original, ['run', '--json']);
    await until(() => server.requests.some((request) => nextHop(request) === 3));
    const archive = join(tempDir('lemming-backup-file-'), 'mid-run.tar.gz');
    const backup = lemmingAsync(original, ['backup', archive]);
    // The backup waits at the turn gate, and says so, while turn 3 is still in progress.
    await until(() => existsSync(join(original, 'org/state/lock.turn.wanted')));
    expect(existsSync(archive)).toBe(false);
    release();
    const backedUp = await backup;
    expect(besidesProgress(backedUp.stderr)).toBe('');
    expect(backedUp.status).toBe(0);
    expect(backedUp.stdout).toMatch(/backed up org "relay" at turn 3 to .*mid-run\.tar\.gz: \d+ file\(s\), between turns 3 and 4 of the run going on/);
    expect(await run.exited()).toBe(0);
    const originalDelivered = delivered(run.output());
    expect(run.output()).toMatch(/"type":"run-finished","reason":"idle"/);

    // Whole turns only: turn 3's hop is in, turn 4's is not, and no journal of a turn in progress.
    const entries = await entriesOf(archive);
    expect(entries.filter((path) => /outbox\/.+\.md$/.test(path)).sort()).toEqual([
      'agents/human/outbox/000000-001-ping.md',
      'agents/ping/outbox/000001-001-pong.md',
      'agents/pong/outbox/000002-001-ping.md',
      'agents/ping/outbox/000003-001-pong.md',
    ].sort());
    expect(entries.filter((path) => /journal|lock|cache/.test(path))).toEqual([]);

    const restored = join(tempDir('lemming-restored-'), 'relay');
    const imported = lemming(restored, ['import', archive]);
    expect(imported.status).toBe(0);
    expect(imported.stdout).toMatch(/goes on with turn 4/);
    expect(imported.stdout).toMatch(/secrets do not travel: the org names RELAY_KEY/);
    write(restored, '.env', `RELAY_KEY=${KEY}\n`);
    const continued = startWatched(restored, ['run', '--json']);
    expect(await continued.exited()).toBe(0);

    // The restored run delivers exactly what the original delivered after turn 3: nothing twice.
    const restoredDelivered = delivered(continued.output());
    expect(restoredDelivered.length).toBeGreaterThan(0);
    expect(originalDelivered.slice(-restoredDelivered.length)).toEqual(restoredDelivered);
    expect(restoredDelivered.some((file) => /00000[0-2]-/.test(file))).toBe(false);
    expect(messageFiles(restored)).toEqual(messageFiles(original));
    expect(charges(restored)).toEqual(charges(original));
    const status = (root: string) => (JSON.parse(lemming(root, ['status', '--json']).stdout) as { agents: Array<{ name: string; balance?: number }> }).agents.map((agent) => [agent.name, agent.balance]);
    expect(status(restored)).toEqual(status(original));
    expect(checkInvariants(restored, { env: { RELAY_KEY: KEY } })).toEqual([]);
  });

  test("the archive holds no secret: no .env, and the value of a key the org names is cut from every file it was in", async () => {
    const server = await startServer((request) => ({ body: relayAnswer(request) }));
    const root = relayOrg(`${server.url}/v1`);
    write(root, 'agents/ping/workspace/notes.txt', `the relay key is ${KEY}, keep it safe\n`);
    write(root, 'workspace/config.json', JSON.stringify({ token: KEY }));
    write(root, 'agents/pong/.env.local', `OTHER=${KEY}\n`);
    const archive = join(tempDir('lemming-secret-'), 'org.tar.gz');
    const exported = lemming(root, ['export', archive]);
    expect(exported.status).toBe(0);
    expect(exported.stdout).toMatch(/secret values cut from: agents\/ping\/workspace\/notes\.txt, workspace\/config\.json/);
    const bytes = gunzipSync(readFileSync(archive));
    expect(bytes.includes(KEY)).toBe(false);
    expect(bytes.includes('[secret RELAY_KEY]')).toBe(true);
    const entries = await entriesOf(archive);
    expect(entries.filter((path) => path.includes('.env'))).toEqual([]);
    expect(entries).toContain('agents/ping/workspace/notes.txt');
  });
});
