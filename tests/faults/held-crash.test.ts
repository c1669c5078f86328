import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ANSWER_MAX_BYTES } from '../../src/providers/provider-error.js';
import { lemmingAsync, type CliResult } from '../helpers/cli.js';
import { keptFiles } from '../helpers/org-snapshot.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { startWireServer, type WireServer } from '../helpers/wire-server.js';
import { humanSends, writeFile } from './fault-org.js';
import { checkInvariants } from './invariants.js';
import { scratchDir } from './scratch.js';
import { agentOf, answer, KEYS, wireOrg } from './wire-org.js';

/*
 * A run killed (SIGKILL) at each journaled point of a turn in which a call is refused unread and its
 * agent held at once (an answer past 16 MiB), outside a meeting and in round 1 of a meeting of three
 * rounds, and started again, ends with the files of a run never killed: the messages, the ledger (each
 * call charged once), the activity logs, the transcript, the held state (failing-agents.json) and the
 * human's notices, every file under the root but the wall-clock times and the engine's own caches.
 */

const huge = chatCompletion({ content: 'x'.repeat(ANSWER_MAX_BYTES + 1024), usage: { prompt_tokens: 200, completion_tokens: 30 } });
const APPENDIX_MARK = 'Appendix to the release plan.';
/** A letter of some 8,000 characters: with the task, a prompt lemming estimates within the manager's 4,096-token window (3,072 beside the answer), which the server says is 3,400 tokens. */
const APPENDIX = `${APPENDIX_MARK}\n${'The release notes list every change since the last version. '.repeat(130)}\n`;
/** In the manager's letter to the coder, when the seed says so: the coder's server refuses every prompt showing it, stating its sizes. */
const TOO_LONG_MARK = 'Its plan runs long.';
const MEETING = ['attendees: [manager, coder]', 'rounds: 3', 'agenda: Agree who takes the release tasks', 'turn: 1', ''].join('\n');

let server: WireServer;
beforeAll(async () => {
  // The coder's server sends an answer lemming refuses unread; the manager hands the work to the coder once.
  server = await startWireServer((request) => {
    const sent = JSON.stringify(request.body);
    // The coder's prompt showing a letter marked too long is refused each time, stating its sizes: its call fails, having taught the ratios.
    if (agentOf(request) === 'coder' && sent.includes(TOO_LONG_MARK)) return { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'request (1500 tokens) exceeds the available context size (2048 tokens), try increasing it' } } };
    if (agentOf(request) === 'coder') return { body: huge };
    // The manager's prompt showing both the task and its appendix is refused, stating its sizes; the retry, showing less, is answered.
    if (sent.includes('Please ship the release.') && sent.includes(APPENDIX_MARK)) return { status: 400, body: { error: { code: 400, message: 'request (3400 tokens) exceeds the available context size (4096 tokens), try increasing it', type: 'exceed_context_size_error' } } };
    if (!sent.includes('from=\\"human\\"')) return answer(request);
    // Counted at 3,000 prompt tokens, more than lemming estimates (its learned ratio above 1), when the seed says so.
    const counted = sent.includes('Count it large.') ? 3000 : 200;
    const body = sent.includes('Refuse the coder.') ? `Build the release. ${TOO_LONG_MARK}\n` : 'Build the release.\n';
    return { body: chatCompletion({ toolCalls: [{ name: 'send_message', arguments: { to: 'coder', body } }], usage: { prompt_tokens: counted, completion_tokens: 30 } }) };
  });
});
afterAll(() => server.close());

function seedOf(meeting: boolean, sameModel = false, refusal = false, coderRefused = false): string {
  const root = wireOrg(server.url);
  // The manager's model with a 4,096-token window, which its server refuses the first prompt of.
  if (refusal) writeFile(root, 'org/org.yaml', readFileSync(join(root, 'org/org.yaml'), 'utf8').replace('context_window: 32000', 'context_window: 4096'));
  writeFile(root, '.env', Object.entries(KEYS).map(([name, value]) => `${name}=${value}\n`).join(''));
  // With the coder refused, the agenda (shown in every speech's prompt) is marked too long: its speech of round 1 fails.
  if (meeting) writeFile(root, 'org/meetings/sync.yaml', coderRefused ? MEETING.replace('agenda: Agree who takes the release tasks', `agenda: Agree who takes the release tasks. ${TOO_LONG_MARK}`) : MEETING);
  // The coder on the manager's model: its refused answer is charged at the ratio the manager's answer taught.
  if (sameModel) writeFile(root, 'agents/coder/resume.md', '---\ntitle: Coder\nmodel: flaky-openai\ncredits: 10\n---\nDo the work; report to the manager.\n');
  humanSends(root, 'manager', sameModel ? 'Please ship the release. Count it large.' : coderRefused ? 'Please ship the release. Refuse the coder.' : 'Please ship the release.');
  if (refusal) humanSends(root, 'manager', APPENDIX);
  return root;
}

async function runOf(seed: string, env: Record<string, string> = {}): Promise<{ root: string; run: CliResult }> {
  const root = scratchDir();
  cpSync(seed, root, { recursive: true });
  return { root, run: await lemmingAsync(root, ['run', '--until', '4'], env) };
}

/** Points of a turn (crash-points.ts) at their first and second times: the refused call is the coder's first. */
const POINTS = ['before-call', 'after-answer', 'after-response', 'after-write', 'after-apply', 'mid-ledger', 'after-ledger', 'before-commit', 'after-taken', 'mid-state', 'after-commit'].flatMap((point) => [`${point}:1`, `${point}:2`]).concat('mid-write:1');
/** The same model's two calls, the first teaching the ratio, the second (turn 2) refused unread: each point before the first turn's commit, and in the second. */
const RATIO_POINTS = ['after-response:1', 'after-write:1', 'after-apply:1', 'mid-ledger:1', 'after-ledger:1', 'before-commit:1', 'mid-state:1', 'before-call:2', 'after-ledger:2'];
/** Points of the turn in which the manager's first prompt is refused stating its sizes and its retry answered, before that turn commits. */
const REFUSAL_POINTS = ['after-response:1', 'after-write:1', 'after-apply:1', 'mid-ledger:1', 'after-ledger:1', 'before-commit:1'];
/** Points of the turns in which the coder's call fails after its server refused its prompt twice, stating its sizes: after its failure is journaled, before the ratios are saved, and after. */
const FAILED_POINTS = ['after-write:2', 'mid-ledger:2', 'after-ledger:2', 'before-commit:2', 'mid-state:2', 'after-write:3'];
const SPEECHES = [1, 2, 3, 4, 5, 6].map((count) => `after-speech:${count}`);

describe.each([
  { name: 'an answer refused unread and its agent held', meeting: false, points: POINTS },
  { name: 'a meeting speaker held in round 1 by an answer refused unread', meeting: true, points: [...POINTS, ...SPEECHES] },
  { name: 'an answer that taught a ratio above 1 before a later one is refused unread on the same model', meeting: false, sameModel: true, points: RATIO_POINTS },
  { name: 'a prompt refused as too long, stating its sizes, before its retry is answered', meeting: false, refusal: true, points: REFUSAL_POINTS },
  { name: 'a call that failed after its server refused its prompt twice, stating its sizes', meeting: false, coderRefused: true, points: FAILED_POINTS },
  { name: 'a meeting speech that failed after its server refused its prompt twice, stating its sizes', meeting: true, coderRefused: true, points: ['after-speech:1', 'after-speech:2', 'after-speech:3', 'after-ledger:1', 'before-commit:1'] },
])('a run killed at a journaled point of a turn with $name, and started again', ({ meeting, sameModel, refusal, coderRefused, points }) => {
  let seed = '';
  let reference: { root: string; run: CliResult };
  beforeAll(async () => {
    seed = seedOf(meeting, sameModel, refusal, coderRefused);
    reference = await runOf(seed);
  });

  test('the run never killed holds the coder with its mail waiting, and keeps every promise', () => {
    expect(reference.run.status).toBe(1);
    if (coderRefused) {
      expect(reference.run.stdout).toContain('coder error: flaky-anthropic: the server answered 400 Bad Request: request (1500 tokens) exceeds the available context size (2048 tokens)');
      // What the failed calls' refusals taught is kept: the coder's endpoint, at 1,500 stated tokens of each refused prompt, and the window it stated.
      const learned = JSON.parse(readFileSync(join(reference.root, 'org/state/token-ratios.json'), 'utf8')) as { endpoints: Record<string, { seen: number[]; window?: number }> };
      const coder = Object.entries(learned.endpoints).find(([endpoint]) => endpoint.includes('claude-test'))?.[1];
      expect(coder?.seen.length).toBeGreaterThan(0);
      expect(coder?.window).toBe(2048);
    } else {
      expect(reference.run.stdout).toMatch(/coder error: flaky-\w+: the server's answer was longer than 16 MiB/);
      expect(JSON.parse(readFileSync(join(reference.root, 'org/state/cache/failing-agents.json'), 'utf8'))).toMatchObject({ agents: { coder: { held: true, heldFor: 'answer' } } });
    }
    if (meeting && !coderRefused) expect(readFileSync(join(reference.root, 'org/meetings/sync/000001.md'), 'utf8')).toContain('(did not speak: held since round 1: lemming refused its answer unread');
    if (meeting && coderRefused) expect(readFileSync(join(reference.root, 'org/meetings/sync/000001.md'), 'utf8')).toContain('exceeds the available context size (2048 tokens)');
    expect(checkInvariants(reference.root, { idle: false })).toEqual([]);
    if (refusal) {
      expect(reference.run.stdout).toContain('exceeds the available context size (4096 tokens), try increasing it); asked again showing 1 of 2 message(s)');
      // The refusal taught first: its 3,400 stated tokens of a prompt of some 10,600 bytes; then the answers' 200 tokens of smaller prompts.
      const learned = JSON.parse(readFileSync(join(reference.root, 'org/state/token-ratios.json'), 'utf8')) as { endpoints: Record<string, { seen: number[] }> };
      const [seen] = Object.values(learned.endpoints).map((counts) => counts.seen);
      expect(seen).toHaveLength(3);
      expect(seen?.[0]).toBeGreaterThan(0.3);
      expect(seen?.slice(1).every((ratio) => ratio < 0.1)).toBe(true);
    }
  });

  test.concurrent.each(points)('killed at %s: every file as the run never killed wrote it', async (point) => {
    const killed = await runOf(seed, { LEMMING_CRASH_AT: point });
    expect(killed.run.signal).toBe('SIGKILL');
    const resumed = await lemmingAsync(killed.root, ['run', '--until', '4']);
    expect(resumed.stderr).toBe('');
    expect(resumed.status).toBe(reference.run.status);
    const [after, before] = [keptFiles(killed.root), keptFiles(reference.root)];
    expect(Object.keys({ ...after, ...before }).filter((file) => after[file] !== before[file])).toEqual([]);
    expect(after).toEqual(before);
    expect(checkInvariants(killed.root, { idle: false })).toEqual([]);
  }, 30_000);
});
