import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemming, lemmingAsync, lemmingProcessAsync, startLemming, type CliResult } from '../helpers/cli.js';
import { activityLogs, allFiles, charges, messageFiles, workspaceFiles } from '../helpers/org-snapshot.js';
import { startWireServer, type ReceivedRequest, type WireServer } from '../helpers/wire-server.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { twoTasksOrg } from './two-tasks-org.js';
import { KEYS } from './wire-org.js';

/** lemming's temporary files: `.<name>.lemming-<pid>-<thread>-<n>.tmp`. */
const TEMPORARY = /(^|\/)\.[^/]+\.lemming-\d+-\d+-\d+\.tmp$/;

function temporaries(root: string): string[] {
  return allFiles(root).filter((file) => file.endsWith('.tmp'));
}

function expectSame(root: string, reference: string): void {
  expect(messageFiles(root)).toEqual(messageFiles(reference));
  expect(charges(root)).toEqual(charges(reference));
  expect(activityLogs(root)).toEqual(activityLogs(reference));
  expect(workspaceFiles(root)).toEqual(workspaceFiles(reference));
}

/** A text of about `size` characters, the same for the same seed (lines, so a diff of two is readable). */
function bigText(seed: number, size: number): string {
  const lines: string[] = [];
  let state = seed;
  let length = 0;
  while (length < size) {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    const line = `${String(lines.length).padStart(6, '0')} ${state.toString(36).repeat(12)}`;
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join('\n')}\n`;
}

/** What the coder writes: two files in its first step, one in a subfolder in its second, then it reports. */
const BIG_FILES: Array<{ path: string; content: string }> = [
  { path: 'big/a.md', content: bigText(1, 900_000) },
  { path: 'big/b.md', content: bigText(2, 900_000) },
  { path: 'big/nested/c.md', content: bigText(3, 900_000) },
];

/** The coder's model: answers by how many tool results it has been shown, so a step asked again is answered the same. */
function coderModel(request: ReceivedRequest) {
  // Tool results go back as `<tool_result>` elements in the conversation (engine/turn/step-conversation.ts).
  const results = JSON.stringify(request.body?.messages ?? []).split('<tool_result ').length - 1;
  const write = (file: { path: string; content: string }) => ({ name: 'write_file', arguments: { path: file.path, content: file.content } });
  const usage = { prompt_tokens: 1_000 + results, completion_tokens: 200 };
  if (results === 0) return { body: chatCompletion({ toolCalls: [write(BIG_FILES[0]!), write(BIG_FILES[1]!)], usage }) };
  if (results === 2) return { body: chatCompletion({ toolCalls: [write(BIG_FILES[2]!)], usage }) };
  return { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'human', body: 'The three files are written.' } }], usage }) };
}

function bigWritesOrg(url: string): string {
  const root = mkdtempSync(join(tmpdir(), 'lemming-big-writes-'));
  const write = (file: string, text: string) => {
    mkdirSync(join(root, file, '..'), { recursive: true });
    writeFileSync(join(root, file), text);
  };
  write(
    'org/org.yaml',
    `name: big-writes
engine: { max_turns: 4, concurrency: 1, max_steps: 6 }
models:
  wire:
    provider: openai
    model: gpt-test
    base_url: ${url}/v1
    api_key_env: FAULT_OPENAI_KEY
    max_retries: 0
    timeout_ms: 30000
    input_price: 1
    output_price: 4
    context_window: 4000000
`,
  );
  write('org/chart.yaml', 'agents:\n  human: { reports_to: null, send_to: [coder], read_from: ["*"] }\n  coder: { reports_to: human, send_to: [human], read_from: [human] }\n');
  write('agents/human/resume.md', '---\ntitle: The person\nmodel: human\n---\nThe person.\n');
  write('agents/coder/resume.md', '---\ntitle: Coder\nmodel: wire\ncredits: 100\ntools: [send_message, write_file]\n---\nWrite the files asked for.\n');
  write('agents/coder/workspace/.keep', '');
  lemming(root, ['send', 'coder', 'Write the three big files, then tell me.']);
  return root;
}

describe('a run killed during large write_file calls, and run again', () => {
  let server: WireServer;
  let seed: string;
  let reference: string;
  beforeAll(async () => {
    server = await startWireServer(coderModel);
    seed = bigWritesOrg(server.url);
    reference = scratchDir();
    cpSync(seed, reference, { recursive: true });
    const run = await lemmingAsync(reference, ['run'], KEYS);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
  afterAll(async () => {
    await server.close();
    rmSync(seed, { recursive: true, force: true });
  });

  test('the reference run writes the three files and reports', () => {
    expect(Object.keys(workspaceFiles(reference)).sort()).toEqual(['agents/coder/workspace/.keep', ...BIG_FILES.map((file) => `agents/coder/workspace/${file.path}`)]);
    expect(workspaceFiles(reference)['agents/coder/workspace/big/nested/c.md']).toBe(BIG_FILES[2]!.content);
    expect(checkInvariants(reference, { secrets: Object.values(KEYS) })).toEqual([]);
  });

  async function resume(root: string): Promise<void> {
    const resumed = await lemmingAsync(root, ['run'], KEYS);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(temporaries(root)).toEqual([]);
    expectSame(root, reference);
    expect(checkInvariants(root, { secrets: Object.values(KEYS) })).toEqual([]);
  }

  test.each([1, 2, 3])('killed half-way through writing workspace file %i: the half-written temporary is removed, and the files are as if never killed', async (n) => {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run'], { ...KEYS, LEMMING_STORAGE_FAULT: `/agents/coder/workspace/:${n}:SIGKILL` });
    expect(killed.signal).toBe('SIGKILL');
    const left = temporaries(root);
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(TEMPORARY);
    await resume(root);
  });

  test.each([1, 2, 3, 4, 5])('killed at a random moment %i after a write_file starts: nothing is left behind', async (attempt) => {
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const workspace = join(root, 'agents/coder/workspace');
    const child = startLemming(root, ['run'], KEYS);
    // The kill follows the first sight of a temporary of the attempt's write: wherever the run is by then.
    let seen = 0;
    const watcher = watch(workspace, { recursive: true }, (_event, name) => {
      if (typeof name === 'string' && TEMPORARY.test(name) && ++seen === Math.min(attempt, 3)) child.kill('SIGKILL');
    });
    const exited = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (status, signal) => resolve({ status, signal })));
    watcher.close();
    expect(exited.status === 0 || exited.signal === 'SIGKILL').toBe(true);
    await resume(root);
  });
});


describe('temporaries left by a kill in any of the writers of a turn', () => {
  const seed = twoTasksOrg();
  const reference = scratchDir();
  cpSync(seed, reference, { recursive: true });
  const referenceRun = lemming(reference, ['run']);
  afterAll(() => rmSync(seed, { recursive: true, force: true }));

  test.concurrent.each([
    ['a message', '/outbox/:3'],
    ['a note', '/memory/:2'],
    ['a shared workspace file', 'workspace/plans/:1'],
    ["a trace's part", '/traces/parts/:4'],
    ['the engine state', 'engine.json:2'],
    ['the outbox hints', 'outbox-hints.json:1'],
  ])('killed half-way through writing %s: the next run removes the temporary and finishes as if never killed', async (_kind, where) => {
    expect(referenceRun.status).toBe(0);
    const root = scratchDir();
    cpSync(seed, root, { recursive: true });
    const killed = await lemmingAsync(root, ['run'], { LEMMING_STORAGE_FAULT: `${where}:SIGKILL` });
    expect(killed.signal).toBe('SIGKILL');
    expect(temporaries(root).filter((file) => TEMPORARY.test(file))).toHaveLength(1);
    const resumed: CliResult = await lemmingAsync(root, ['run']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(0);
    expect(temporaries(root)).toEqual([]);
    expectSame(root, reference);
    expect(checkInvariants(root)).toEqual([]);
  });
});

describe('what a start removes, and what it leaves', () => {
  /** A process id that is surely gone: a child that has exited. */
  function deadPid(): number {
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    return Number(child.stdout);
  }

  test("lemming's temporaries of processes that are gone are removed from org/, org/proposals and org/state at every start; a live process's, and files that only look temporary, stay", async () => {
    const root = scratchDir();
    lemming(root, ['bootstrap']);
    const dead = deadPid();
    const planted = {
      gone: [
        `org/.chart.yaml.lemming-${dead}-1.tmp`,
        `org/proposals/.000001-hr-001.md.lemming-${dead}-2.tmp`,
        `org/state/.engine.json.lemming-${dead}-3.tmp`,
        `org/state/cache/.outbox-hints.json.lemming-${dead}-4.tmp`,
        `agents/human/outbox/.000000-001-manager.md.lemming-${dead}-5.tmp`,
      ],
      kept: [
        // A `lemming approve` or `send` writing right now.
        `org/proposals/.000001-hr-001.md.lemming-${process.pid}-6.tmp`,
        // A model's own files, named as it liked.
        'agents/coder_01/workspace/build.tmp',
        'agents/coder_01/workspace/.cache.tmp',
        'workspace/.draft.md.tmp',
      ],
    };
    for (const file of [...planted.gone, ...planted.kept]) {
      mkdirSync(join(root, file, '..'), { recursive: true });
      writeFileSync(join(root, file), 'x');
    }
    // As a process of its own: the live writer it must leave alone is this one, whose pid a run in this process would share.
    const run = await lemmingProcessAsync(root, ['run']);
    expect(run.status).toBe(0);
    for (const file of planted.gone) expect(existsSync(join(root, file)), file).toBe(false);
    for (const file of planted.kept) expect(existsSync(join(root, file)), file).toBe(true);
    expect(readdirSync(join(root, 'org/state'))).not.toContainEqual(expect.stringMatching(/\.tmp$/));
  });
});
