import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { RUN_AGAIN_NOTE } from '../../src/engine/turn/step-loop.js';
import { lemmingAsync, startLemming } from '../helpers/cli.js';
import { activityLogs, charges, messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { SANDBOX_PROBLEM } from '../helpers/sandbox-ready.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { humanSends, writeFile } from './fault-org.js';

const KEY = { CMD_FAULT_KEY: 'sk-test-command-crash-1234567890' };

/**
 * The coder's command: it says it started (a line in starts.log), works until the test lets it
 * finish (a `go` file in the workspace: the test makes it before a run that must finish, and never
 * during the run it kills, so that run's command is still at work whenever the kill lands), then
 * leaves its mark. The test finds it on the host by its loop. `stamp` is the same command as an
 * org tool marked idempotent.
 */
const WAIT = 'until [ -e go ]; do sleep 0.05; done';
const WORK = `echo started >> starts.log; ${WAIT}; echo finished > mark.txt`;

/** Let the command of the next run in `root` finish. */
function letFinish(root: string): void {
  writeFile(root, 'agents/coder/workspace/go', '');
}

/** A coder on a model at the local server: one command, then a report to the human. */
function commandOrg(server: string, tool: 'run_command' | 'stamp'): string {
  const root = scratchDir();
  writeFile(
    root,
    'org/org.yaml',
    `name: command-crash
engine: { max_turns: 5 }
models:
  wire:
    provider: openai
    model: gpt-test
    base_url: ${server}/v1
    api_key_env: CMD_FAULT_KEY
    max_retries: 0
    timeout_ms: 20000
    input_price: 1000
    output_price: 4000
    context_window: 32000
command_tools:
  stamp:
    description: Stamp the workspace.
    command: [sh, -c, "${WORK}"]
    idempotent: true
`,
  );
  writeFile(root, 'org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [coder], read_from: ["*"] }\n  coder: { reports_to: human, send_to: [human], read_from: [human] }\n');
  writeFile(root, 'agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  writeFile(root, 'agents/coder/resume.md', `---\ntitle: Coder\nmodel: wire\ncredits: 10\ntools: [send_message, ${tool}]\n---\nDo the work.\n`);
  humanSends(root, 'coder', 'Please do the work.');
  return root;
}

/** Step 1 calls the tool; step 2, shown its result, reports. Deterministic whatever the result says. */
function answer(request: ReceivedRequest, tool: string) {
  const messages = request.body.messages as Array<{ content: string }>;
  const last = messages.at(-1)?.content ?? '';
  if (!last.includes('<tool_result')) {
    const args = tool === 'run_command' ? { command: WORK } : {};
    return { body: chatCompletion({ toolCalls: [{ name: tool, arguments: args }], usage: { prompt_tokens: 200, completion_tokens: 30 } }) };
  }
  return { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'human', subject: 'Done', body: 'The work is done.' } }], usage: { prompt_tokens: 300, completion_tokens: 20 } }) };
}

/** Host processes whose command line has the command's wait in it (the sandbox's, and the shell's inside it). */
function sleepers(): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
        return line.includes(WAIT) ? [line] : [];
      } catch {
        return [];
      }
    });
}

async function waitFor(check: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 600; tries += 1) {
    if (check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

let server: WireServer;
let tool = 'run_command';
beforeAll(async () => {
  server = await startWireServer((request) => answer(request, tool));
});
afterAll(() => server.close());

function expectSameAs(root: string, reference: string): void {
  expect(messageFiles(root)).toEqual(messageFiles(reference));
  expect(charges(root)).toEqual(charges(reference));
  expect(activityLogs(root)).toEqual(activityLogs(reference));
}

/** SIGKILL the engine while the command runs, then `lemming run` again; what the model was shown after. */
async function killMidCommand(root: string): Promise<string[]> {
  const child = startLemming(root, ['run', '--plain'], KEY);
  await waitFor(() => existsSync(join(root, 'agents/coder/workspace/starts.log')) && sleepers().length > 0, 'the command to start');
  const exited = new Promise((resolve) => child.once('close', resolve));
  child.kill('SIGKILL');
  await exited;
  // The sandbox went with the engine (bwrap --die-with-parent, and its pid namespace with it): nothing finishes the work.
  await waitFor(() => sleepers().length === 0, 'the killed engine\'s command to be gone');
  expect(existsSync(join(root, 'agents/coder/workspace/mark.txt'))).toBe(false);
  letFinish(root);
  const before = server.requests.length;
  const resumed = await lemmingAsync(root, ['run', '--plain'], KEY);
  expect(resumed.stderr).toBe('');
  expect(resumed.status).toBe(0);
  return server.requests.slice(before).map((request) => JSON.stringify(request.body.messages));
}

describe.skipIf(SANDBOX_PROBLEM !== undefined)('the engine killed with SIGKILL in the middle of a command', () => {
  test('run_command (not idempotent) runs again on recovery, and the model is told it may have run twice; messages and charges are an uninterrupted run\'s', async () => {
    tool = 'run_command';
    const seed = commandOrg(server.url, 'run_command');
    const reference = scratchDir();
    cpSync(seed, reference, { recursive: true });
    letFinish(reference);
    expect((await lemmingAsync(reference, ['run', '--plain'], KEY)).status).toBe(0);
    expect(readFileSync(join(reference, 'agents/coder/workspace/starts.log'), 'utf8')).toBe('started\n');

    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const shown = await killMidCommand(root);
    // At least once: it started twice, and finished once.
    expect(readFileSync(join(root, 'agents/coder/workspace/starts.log'), 'utf8')).toBe('started\nstarted\n');
    expect(readFileSync(join(root, 'agents/coder/workspace/mark.txt'), 'utf8')).toBe('finished\n');
    expect(shown.some((messages) => messages.includes(JSON.stringify(RUN_AGAIN_NOTE).slice(1, -1)))).toBe(true);
    expectSameAs(root, reference);
    expect(checkInvariants(root)).toEqual([]);
  });

  test('an idempotent command tool runs again with no warning to the model: the run ends exactly as an uninterrupted one, workspace included', async () => {
    tool = 'stamp';
    const seed = commandOrg(server.url, 'stamp');
    const reference = scratchDir();
    cpSync(seed, reference, { recursive: true });
    letFinish(reference);
    const before = server.requests.length;
    expect((await lemmingAsync(reference, ['run', '--plain'], KEY)).status).toBe(0);
    const referenceShown = server.requests.slice(before).map((request) => JSON.stringify(request.body.messages));

    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const shown = await killMidCommand(root);
    expect(shown.some((messages) => messages.includes('was run again'))).toBe(false);
    // The model's last request is the uninterrupted run's, but for how long the command ran.
    const withoutTimes = (text: string | undefined): string => (text ?? '').replace(/ran \d+\.\d\d s/g, 'ran _ s');
    expect(withoutTimes(shown.at(-1))).toBe(withoutTimes(referenceShown.at(-1)));
    expectSameAs(root, reference);
    expect(readFileSync(join(root, 'agents/coder/workspace/mark.txt'), 'utf8')).toBe('finished\n');
    expect(workspaceFiles(root)['agents/coder/workspace/mark.txt']).toBe(workspaceFiles(reference)['agents/coder/workspace/mark.txt']);
    expect(checkInvariants(root)).toEqual([]);
  });
});

describe.skipIf(SANDBOX_PROBLEM !== undefined)('record and replay with commands', () => {
  test('--replay answers commands from the tape, with no sandbox and no model: the messages are the recording\'s, byte for byte', async () => {
    tool = 'run_command';
    const seed = commandOrg(server.url, 'run_command');
    const recorded = scratchDir();
    cpSync(seed, recorded, { recursive: true });
    letFinish(recorded);
    const cassette = join(scratchDir(), 'run.jsonl');
    expect((await lemmingAsync(recorded, ['run', '--plain', '--record', cassette], KEY)).status).toBe(0);
    const tape = readFileSync(`${cassette}.tools.jsonl`, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { kind: string; key: string });
    expect(tape.map((entry) => entry.kind)).toEqual(['local-offer', 'run']);

    const replayed = scratchDir();
    cpSync(seed, replayed, { recursive: true });
    const asked = server.requests.length;
    // No bwrap to be found and no key: anything that tried to run a command or ask the model would fail.
    const replay = await lemmingAsync(replayed, ['run', '--plain', '--replay', cassette], { LEMMING_BWRAP: '/nonexistent/bwrap' });
    expect(replay.stderr).toBe('');
    expect(replay.status).toBe(0);
    expect(replay.stdout).not.toContain('not installed');
    expect(server.requests.length).toBe(asked);
    for (const [file, text] of Object.entries(messageFiles(recorded))) expect(messageFiles(replayed)[file]).toBe(text);
    // What the command did to the workspace is not made again by a replay.
    expect(existsSync(join(replayed, 'agents/coder/workspace/mark.txt'))).toBe(false);
    expect(existsSync(join(recorded, 'agents/coder/workspace/mark.txt'))).toBe(true);
  });
});
