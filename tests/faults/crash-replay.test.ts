import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { lemmingAsync, type CliResult } from '../helpers/cli.js';
import { activityLogs, allFiles, charges } from '../helpers/org-snapshot.js';
import { errorBody } from '../helpers/vendor-bodies.js';
import { startWireServer, type ReceivedRequest, type WireReply, type WireServer } from '../helpers/wire-server.js';
import { humanSends } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { agentOf, answer, ANTHROPIC_KEY, KEYS, OPENAI_KEY, wireOrg } from './wire-org.js';

/** Message files byte for byte, `created:` times included: a replay fixes them from the cassette. */
function outboxBytes(root: string): Record<string, string> {
  return Object.fromEntries(allFiles(root).filter((file) => file.includes('/outbox/')).map((file) => [file, readFileSync(join(root, file), 'latin1')]));
}

/**
 * The manager hands the work down with a body that ends in blank lines and non-ASCII;
 * the coder's first call fails (recorded as a failure), its second reports no usage.
 */
function vendors(): (request: ReceivedRequest) => WireReply {
  let coderCalls = 0;
  return (request) => {
    const text = JSON.stringify(request.body);
    if (agentOf(request) === 'coder') {
      coderCalls += 1;
      return coderCalls === 1 ? { status: 400, body: errorBody('This request is not allowed right now', 'invalid_request_error') } : answer(request, { to: 'manager', body: 'Built — ✓.\n\n' }, false);
    }
    if (text.includes('from=\\"coder\\"')) return answer(request, { to: 'human', body: 'All done.\n' });
    if (text.includes('from=\\"human\\"')) return answer(request, { to: 'coder', body: '\n\nBuild it — carefully ✓.\n' });
    return answer(request);
  };
}

describe('a recorded run replayed into a fresh copy, killed part-way and finished', () => {
  let server: WireServer;
  let pristine: string;
  let recorded: string;
  let recording: CliResult;
  const cassette = join(scratchDir('lemming-cassette-'), 'run.jsonl');

  beforeAll(async () => {
    server = await startWireServer(vendors());
    pristine = wireOrg(server.url);
    humanSends(pristine, 'manager', 'Build the thing.');
    recorded = scratchDir();
    cpSync(pristine, recorded, { recursive: true });
    recording = await lemmingAsync(recorded, ['run', '--record', cassette], KEYS);
  });
  afterAll(() => server.close());

  function expectSameAsRecorded(root: string): void {
    expect(outboxBytes(root)).toEqual(outboxBytes(recorded));
    expect(charges(root)).toEqual(charges(recorded));
    expect(activityLogs(root)).toEqual(activityLogs(recorded));
    expect(checkInvariants(root, { secrets: [OPENAI_KEY, ANTHROPIC_KEY], alsoSearch: [cassette] })).toEqual([]);
  }

  test('the recording goes through a failure, a retry next turn and an answer without usage', () => {
    expect(recording.stderr).toBe('');
    expect(recording.status).toBe(0);
    expect(recording.stdout).toMatch(/\[turn 2\] coder error: flaky-anthropic: the server answered 400/);
    expect(recording.stdout).toMatch(/4 turn\(s\) run, now at turn 4; the org is idle/);
    expect(checkInvariants(recorded, { secrets: [OPENAI_KEY, ANTHROPIC_KEY], alsoSearch: [cassette] })).toEqual([]);
  });

  test.concurrent.each(['before-call:2', 'after-response:2', 'mid-write:1', 'after-write:2', 'mid-ledger:2', 'before-commit:3', 'after-commit:2'])(
    'killed at %s: the finished replay writes the recorded files byte for byte',
    async (point) => {
      const root = scratchDir();
      cpSync(pristine, root, { recursive: true });
      const killed = await lemmingAsync(root, ['run', '--replay', cassette], { LEMMING_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      const finished = await lemmingAsync(root, ['run', '--replay', cassette]);
      expect(finished.stderr).toBe('');
      expect(finished.status).toBe(0);
      expectSameAsRecorded(root);
    },
  );

  // A recording is not continued: `--record` on the run after a kill starts its file afresh. What that run recorded
  // replays into a copy of the org as the kill left it (its unfinished turn finished from the copy's journal).
  test.concurrent.each(['after-answer:2', 'after-commit:2'])('a recording killed at %s and continued with --record: its cassette replays into a copy of the org the kill left, byte for byte', async (point) => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    const first = join(scratchDir('lemming-cassette-'), 'first.jsonl');
    const killed = await lemmingAsync(root, ['run', '--record', first], { ...KEYS, LEMMING_CRASH_AT: point });
    expect(killed.signal).toBe('SIGKILL');
    const left = scratchDir();
    cpSync(root, left, { recursive: true });
    const rest = join(scratchDir('lemming-cassette-'), 'rest.jsonl');
    const continued = await lemmingAsync(root, ['run', '--record', rest], KEYS);
    expect(continued.status).toBe(0);
    const replayed = await lemmingAsync(left, ['run', '--replay', rest]);
    expect(replayed.stderr).toBe('');
    expect(replayed.status).toBe(0);
    expect(outboxBytes(left)).toEqual(outboxBytes(root));
    expect(charges(left)).toEqual(charges(root));
    expect(activityLogs(left)).toEqual(activityLogs(root));
  });

  test('replayed one turn per process (run-once), the files are the same too', async () => {
    const root = scratchDir();
    cpSync(pristine, root, { recursive: true });
    for (let turn = 1; turn <= 4; turn += 1) {
      const once = await lemmingAsync(root, ['run-once', '--replay', cassette]);
      expect(once.stderr, `turn ${turn}`).toBe('');
    }
    expectSameAsRecorded(root);
  });
});
