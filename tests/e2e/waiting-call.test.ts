import { afterEach, describe, expect, test } from 'vitest';
import { lemmingAsync } from '../helpers/cli.js';
import { tempDir, write } from '../helpers/org-files.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { startWatched } from '../helpers/watched-process.js';

/** A human and a coder on a local model whose server takes the request and never answers, with notices after 50 ms. */
function silentServerOrg(baseUrl: string): string {
  const root = tempDir('lemming-waiting-');
  write(
    root,
    'org/org.yaml',
    `name: waiting
engine: { waiting_notice_ms: 50 }
models:
  llama-local:
    provider: openai-compatible
    model: llama-test
    base_url: ${baseUrl}
    max_retries: 0
    timeout_ms: 600000
    input_price: 0
    output_price: 0
    context_window: 8192
`,
  );
  write(
    root,
    'org/chart.yaml',
    `agents:
  human: { reports_to: null, send_to: [coder_01], read_from: ["*"] }
  coder_01: { reports_to: human, send_to: [human], read_from: ["*"] }
`,
  );
  write(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write(root, 'agents/coder_01/resume.md', '---\ntitle: Coder\nmodel: llama-local\ncredits: 1\n---\nAnswer the human.\n');
  return root;
}

let server: WireServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The plain output's notices, in order. */
function notices(output: string): string[] {
  return output.match(/^\[turn 1\] coder_01: still waiting for llama-local after \d+(\.\d+)? s$/gm) ?? [];
}

/** Poll until a condition holds; the deadline only catches a test that would hang. */
async function until(condition: () => boolean): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > 60_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a model server that takes the request and never answers', () => {
  test('the call says it is still waiting, in the plain output and in --json, again as it goes on, and Ctrl-C still stops the run', async () => {
    server = await startWireServer(() => ({ hang: true }));
    const root = silentServerOrg(`${server.url}/v1`);
    expect((await lemmingAsync(root, ['send', 'coder_01', 'Fix the build'])).status).toBe(0);

    const plain = startWatched(root, ['run', '--plain']);
    // The server has the request (loading the SDK comes first), then the notices go on while it says nothing.
    await until(() => server?.requests.length === 1);
    const before = notices(plain.output()).length;
    await until(() => notices(plain.output()).length >= before + 2);
    await plain.stop('SIGINT');
    expect(await plain.exited()).toBe(0);
    const seconds = notices(plain.output()).map((line) => Number(/after ([\d.]+) s/.exec(line)?.[1]));
    // Each notice counts from the start of the call: the waits grow.
    expect(seconds).toEqual([...seconds].sort((a, b) => a - b));
    expect(new Set(seconds).size).toBe(seconds.length);
    expect(plain.output()).toMatch(/stopping: the next `lemming run` resumes where this one stops/);
    expect(plain.output()).toMatch(/stopped; the next `lemming run` picks up where this one left off/);
    expect(server.requests).toHaveLength(1);

    const json = startWatched(root, ['run', '--json']);
    await until(() => server?.requests.length === 2);
    const earlier = json.output().split('"agent-waiting"').length;
    await until(() => json.output().split('"agent-waiting"').length > earlier);
    await json.stop('SIGINT');
    expect(await json.exited()).toBe(0);
    const waiting = json
      .output()
      .split('\n')
      .filter((line) => line.includes('"agent-waiting"'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(waiting[0]).toMatchObject({ type: 'agent-waiting', turn: 1, agent: 'coder_01', model: 'llama-local' });
    expect(typeof waiting[0]?.seconds).toBe('number');
    expect(server.requests).toHaveLength(2);
  });
});
