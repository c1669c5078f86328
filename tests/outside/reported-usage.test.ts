import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { createProviderFactory } from '../../src/providers/create-provider.js';
import { checkInvariants } from '../faults/invariants.js';
import { lemming, lemmingAsync } from '../helpers/cli.js';
import { recordingSleep } from '../helpers/provider-requests.js';
import { humanSends, runEngine } from '../helpers/temp-org.js';
import { chatCompletion } from '../helpers/vendor-bodies.js';
import { wireServerPerTest } from '../helpers/wire-server.js';
import { tempDir } from '../helpers/org-files.js';
import { chargeLines, outsideOrg } from './outside-org.js';

// Usage an agent program or a server reports is validated where it enters lemming: whole counts of
// 0 or more, at most what a call to the model could have used (its context window, plus its maximum
// output), every charge at least the price per call, and every line the engine writes is one it counts.

const WINDOW = 32_000;
const serve = wireServerPerTest();
/** Every call keeps its trace. */
const TRACED = 'traces: { keep: 10 }';

function runInstantly(root: string, run: { maxTurns?: number; stopWhenIdle?: boolean } = {}) {
  return runEngine(root, run, { providerFactory: createProviderFactory({ root, sleep: recordingSleep().sleep }) });
}

/** The manager is called every turn, mail or none. */
function everyTurn(root: string): void {
  const file = join(root, 'agents/manager/resume.md');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^credits: (.*)$/m, 'credits: $1\nschedule: { every: 1 }'));
}

interface StatusJson {
  agents: Array<{ name: string; balance: number; spent: number; inputTokens: number; outOfCredits?: true }>;
}

function managerStatus(root: string): StatusJson['agents'][number] | undefined {
  const status = lemming(root, ['status', '--json']);
  expect(status.stderr).toBe('');
  return (JSON.parse(status.stdout) as StatusJson).agents.find((agent) => agent.name === 'manager');
}

/** Every call trace of the manager, as text. */
function traces(root: string): string {
  const folder = join(root, 'agents/manager/logs/traces');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.json'))
    .map((name) => readFileSync(join(folder, name), 'utf8'))
    .join('\n');
}

/** 10,000 characters: lemming's estimate is 2,500 tokens, 1 in 8 of them 313 (312.5, rounded up). */
const LONG_ANSWER = `Noted. ${'All is well here. '.repeat(600)}`.slice(0, 10_000);

/** Copies of an org not yet run, each for a run of its own. */
function copiesOf(root: string, count: number): string[] {
  return Array.from({ length: count }, () => {
    const copy = join(tempDir(), 'org');
    cpSync(root, copy, { recursive: true });
    return copy;
  });
}

/** The charge lines without their times: what two runs of the same calls must share. */
function untimed(root: string) {
  return chargeLines(root).map((line) => ({ ...line, at: undefined }));
}

describe('an agent program that reports more tokens than a call can use', () => {
  test('is charged its price per call for each answer and stops being called when its credits run out', async () => {
    // The attack as reported: price_per_call 0.5, budget 1, 9007199254740993 input tokens with each answer, five turns.
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 0, output_price: 0, price_per_call: 0.5, context_window: WINDOW }, { credits: 1, engine: TRACED });
    everyTurn(org.root);
    const answer = { say: 'Working on it.\n{"usage": {"input_tokens": 9007199254740993, "output_tokens": 1}}\n' };
    org.plan({ manager: [answer, answer, answer, answer, answer] });
    humanSends(org.root, 'manager', 'Go.');
    await runInstantly(org.root, { maxTurns: 5, stopWhenIdle: false });

    // Two answers pay for the budget; the third call is not made.
    expect(org.calls()).toHaveLength(2);
    const lines = chargeLines(org.root);
    expect(lines).toEqual([
      expect.objectContaining({ turn: 1, input_tokens: WINDOW, output_tokens: 1, credits: 0.5 }),
      expect.objectContaining({ turn: 2, input_tokens: WINDOW, output_tokens: 1, credits: 0.5 }),
    ]);
    expect(managerStatus(org.root)).toMatchObject({ balance: 0, spent: 1, inputTokens: 2 * WINDOW, outOfCredits: true });
    expect(lemming(org.root, ['status']).stdout).toMatch(/manager\s+agent\s+0\.0000 \/ 1\.0000/);
    // Said where a person looks: the call's trace, and the human's inbox.
    expect(traces(org.root)).toContain(`reported 9007199254740992 input tokens; counted as ${WINDOW}`);
    const inbox = lemming(org.root, ['inbox']).stdout;
    expect(inbox).toMatch(/from lemming: manager's reported usage was corrected/);
    expect(inbox).toContain(`reported 9007199254740992 input tokens; counted as ${WINDOW}, the most a call to it can use (org/org.yaml models.agent.context_window)`);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('fractional token counts are counted as whole tokens, rounded up', async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1_000_000, output_price: 1_000_000, price_per_call: 0, context_window: WINDOW }, { credits: 100_000, engine: TRACED });
    org.plan({ manager: [{ say: 'Done.\n{"usage": {"input_tokens": 2000.4, "output_tokens": 2.5}}\n' }] });
    humanSends(org.root, 'manager', 'Go.');
    await runInstantly(org.root);
    expect(chargeLines(org.root).filter((line) => line.turn === 1)).toEqual([expect.objectContaining({ input_tokens: 2001, output_tokens: 3, credits: 2004 })]);
    expect(traces(org.root)).toContain('reported 2000.4 input tokens; counted as 2001 (token counts are whole)');
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('a failed run that reports a huge usage is charged what a call can use, not skipped', async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, price_per_call: 0.5, context_window: WINDOW }, { credits: 100 });
    org.plan({ manager: [{ exit: 1, stdout: '{"usage": {"input_tokens": 1e300, "output_tokens": -4}}\n' }] });
    humanSends(org.root, 'manager', 'Go.');
    await runInstantly(org.root);
    const lines = chargeLines(org.root);
    expect(lines[0]).toMatchObject({ turn: 1, input_tokens: WINDOW, output_tokens: 0, credits: 0.532 });
    // The balance counts every line the engine wrote, that one included.
    const spent = lines.reduce((sum, line) => sum + Math.round(line.credits * 1e9), 0) / 1e9;
    expect(managerStatus(org.root)?.balance).toBe(Math.round((100 - spent) * 1e9) / 1e9);
    expect(lemming(org.root, ['inbox']).stdout).toContain(`reported 1e+300 input tokens; counted as ${WINDOW}`);
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test("a failed run that reports 0 tokens for a long prompt is charged its price per call and at least 1 token for every 8 of lemming's estimate of the prompt", async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1_000_000, output_price: 1_000_000, price_per_call: 0.5, context_window: WINDOW }, { credits: 10_000 });
    org.plan({ manager: [{ exit: 1, stdout: '{"usage": {"input_tokens": 0, "output_tokens": 0}}\n' }] });
    humanSends(org.root, 'manager', `Read this through. ${'The plan has many parts. '.repeat(400)}`);
    await runInstantly(org.root, { maxTurns: 1 });
    const [line, ...more] = chargeLines(org.root);
    expect(more).toEqual([]);
    // Before: 0 input tokens, 0.5 credits, whatever the prompt.
    expect(line?.input_tokens).toBeGreaterThan(312);
    expect(line).toMatchObject({ turn: 1, output_tokens: 0, estimated: true, credits: 0.5 + (line?.input_tokens ?? 0) });
    expect(managerStatus(org.root)).toMatchObject({ spent: line?.credits, inputTokens: line?.input_tokens });
    expect(lemming(org.root, ['inbox']).stdout).toContain(`agent reported 0 input tokens; counted as ${line?.input_tokens}, the fewest a server is believed to count for the request`);
    expect(checkInvariants(org.root, { idle: false })).toEqual([]);
  });
});

describe('an OpenAI-compatible server that answers 1e300 tokens', () => {
  test('the charge is capped at the context window plus the output cap, the balance shows it, and the agent is not called again', async () => {
    const server = await serve(() => ({ body: chatCompletion({ content: 'Noted.', usage: { prompt_tokens: 1e300, completion_tokens: 1e300 } }) }));
    // 1,000 credits a million prompt tokens: a call that really used the whole window costs 32 credits, more than the 10 held.
    const org = outsideOrg(
      { provider: 'openai-compatible', model: 'test-model', base_url: `${server.url}/v1`, max_retries: 0, input_price: 1000, output_price: 1000, price_per_call: 0, context_window: WINDOW, max_output_tokens: 500 },
      { credits: 10 },
    );
    humanSends(org.root, 'manager', 'Go.');
    await runInstantly(org.root);
    expect(server.requests).toHaveLength(1);
    expect(chargeLines(org.root)).toEqual([expect.objectContaining({ input_tokens: WINDOW, output_tokens: 500, credits: 32.5 })]);
    expect(managerStatus(org.root)).toMatchObject({ balance: -22.5, spent: 32.5, outOfCredits: true });

    humanSends(org.root, 'manager', 'And again.');
    await runInstantly(org.root);
    expect(server.requests).toHaveLength(1);
    expect(managerStatus(org.root)).toMatchObject({ balance: -22.5, outOfCredits: true });
    const inbox = lemming(org.root, ['inbox']).stdout;
    expect(inbox).toContain('reported 1e+300 output tokens; counted as 500, the most a call to it can use (org/org.yaml models.agent.max_output_tokens)');
    expect(checkInvariants(org.root)).toEqual([]);
  });

  test('1e999 tokens (Infinity to JSON) is a count too: the answer is used and charged the most a call can use, not refused as unusable and free', async () => {
    const body = JSON.stringify(chatCompletion({ content: 'Noted.', usage: { prompt_tokens: 7, completion_tokens: 5 } })).replace('"prompt_tokens":7', '"prompt_tokens":1e999');
    const server = await serve(() => ({ body }));
    const org = outsideOrg({ provider: 'openai-compatible', model: 'test-model', base_url: `${server.url}/v1`, max_retries: 0, input_price: 1, output_price: 1, price_per_call: 0, context_window: WINDOW }, { credits: 10 });
    humanSends(org.root, 'manager', 'Go.');
    const events = await runInstantly(org.root, { maxTurns: 1 });
    expect(events.filter((event) => event.type === 'agent-error')).toEqual([]);
    expect(chargeLines(org.root)).toEqual([expect.objectContaining({ input_tokens: WINDOW, output_tokens: 5, credits: 0.032005 })]);
  });
});

describe('an OpenAI-compatible server that reports 0 tokens for a long prompt and a long answer', () => {
  test("each answer is charged at least 1 token for every 8 of lemming's estimate of it, turn after turn, said in the trace and to the human", async () => {
    // 10,000 characters: lemming's estimate is 2,500 tokens (4 characters a token), 1 in 8 of them 313 (312.5, rounded up).
    const long = `Noted. ${'All is well here. '.repeat(600)}`.slice(0, 10_000);
    const server = await serve(() => ({ body: chatCompletion({ content: long, usage: { prompt_tokens: 0, completion_tokens: 0 } }) }));
    const org = outsideOrg(
      { provider: 'openai-compatible', model: 'test-model', base_url: `${server.url}/v1`, max_retries: 0, input_price: 100, output_price: 100, price_per_call: 0, context_window: WINDOW, max_output_tokens: 1000 },
      { credits: 10, engine: TRACED },
    );
    everyTurn(org.root);
    humanSends(org.root, 'manager', `Read this through. ${'The plan has many parts. '.repeat(400)}`);
    const run = await lemmingAsync(org.root, ['run', '--plain', '--turns', '3', '--keep-going']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);

    expect(server.requests).toHaveLength(3);
    const lines = chargeLines(org.root);
    expect(lines.map((line) => line.turn)).toEqual([1, 2, 3]);
    const said = traces(org.root);
    for (const line of lines) {
      expect(line).toMatchObject({ output_tokens: 313, estimated: true });
      expect(line.input_tokens).toBeGreaterThan(0);
      expect(line.credits).toBe(Math.round((line.input_tokens + 313) * 100) / 1e6);
      expect(said).toContain(`agent reported 0 input tokens; counted as ${line.input_tokens}, the fewest a server is believed to count for the request: 1 token for every 8 of lemming's estimate of it`);
    }
    // Turn 1's prompt holds the human's 10,000 characters: 1 in 8 tokens of lemming's estimate of it is more than 300 tokens.
    expect(lines[0]?.input_tokens).toBeGreaterThan(300);
    expect(said).toContain("agent reported 0 output tokens; counted as 313, the fewest a server is believed to count for the answer: 1 token for every 8 of lemming's estimate of it (2500 tokens)");
    const spent = lines.reduce((sum, line) => sum + Math.round(line.credits * 1e9), 0) / 1e9;
    expect(spent).toBeGreaterThan(3 * 313 * 100 / 1e6);
    expect(managerStatus(org.root)).toMatchObject({ balance: Math.round((10 - spent) * 1e9) / 1e9, spent });
    const inbox = lemming(org.root, ['inbox']).stdout;
    expect(inbox).toMatch(/from lemming: manager's reported usage was corrected/);
    expect(inbox).toContain("agent reported 0 output tokens; counted as 313, the fewest a server is believed to count for the answer: 1 token for every 8 of lemming's estimate of it (2500 tokens)");
    expect(checkInvariants(org.root)).toEqual([]);
  });
});

describe("a cassette's usage passes the gate on replay", () => {
  test("a recorded failure's charge replays as it was charged; a cassette edited to claim 1e300 tokens is charged what a call can use", async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1, output_price: 1, price_per_call: 0.5, context_window: WINDOW }, { credits: 100 });
    org.plan({ manager: [{ exit: 1, stdout: '{"usage": {"input_tokens": 3000, "output_tokens": 4}}\n' }, { say: 'Done.\n{"usage": {"input_tokens": 2000, "output_tokens": 2}}\n' }] });
    humanSends(org.root, 'manager', 'Go.');
    const [fresh = '', edited = ''] = copiesOf(org.root, 2);
    const cassette = join(tempDir(), 'run.jsonl');
    await runEngine(org.root, {}, { providerFactory: createProviderFactory({ root: org.root, record: cassette }) });
    const recorded = untimed(org.root);
    expect(recorded[0]).toMatchObject({ turn: 1, input_tokens: 3000, output_tokens: 4, credits: 0.503004 });

    await runEngine(fresh, {}, { providerFactory: createProviderFactory({ root: fresh, replay: cassette }) });
    expect(untimed(fresh)).toEqual(recorded);

    const claimed = join(tempDir(), 'claimed.jsonl');
    writeFileSync(claimed, readFileSync(cassette, 'utf8').replace('"inputTokens":3000', '"inputTokens":1e300').replace('"inputTokens":2000', '"inputTokens":1e300'));
    await runEngine(edited, {}, { providerFactory: createProviderFactory({ root: edited, replay: claimed }) });
    expect(chargeLines(edited).slice(0, 2)).toEqual([
      expect.objectContaining({ turn: 1, input_tokens: WINDOW, output_tokens: 4 }),
      expect.objectContaining({ turn: 2, input_tokens: WINDOW, output_tokens: 2 }),
    ]);
    expect(checkInvariants(edited)).toEqual([]);
  });
});

describe("a cassette recorded below the floor", () => {
  test("replays exactly what a recording charged; one an earlier lemming recorded at 0 tokens is charged the floor on replay, said naming the cassette", async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1_000_000, output_price: 1_000_000, price_per_call: 0, context_window: WINDOW }, { credits: 100_000 });
    org.plan({ manager: [{ say: `${LONG_ANSWER}\n{"usage": {"input_tokens": 4000, "output_tokens": 0}}\n` }] });
    humanSends(org.root, 'manager', 'Go.');
    const [fresh = '', older = ''] = copiesOf(org.root, 2);
    const cassette = join(tempDir(), 'run.jsonl');
    await runEngine(org.root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: org.root, record: cassette }) });
    expect(untimed(org.root)).toEqual([expect.objectContaining({ turn: 1, input_tokens: 4000, output_tokens: 313, estimated: true })]);

    // Recorded through the gate: the replay charges what the recording charged.
    await runEngine(fresh, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: fresh, replay: cassette }) });
    expect(untimed(fresh)).toEqual(untimed(org.root));

    // As a lemming before the floor recorded it: 0 output tokens, nothing said.
    const earlier = join(tempDir(), 'earlier.jsonl');
    const lines = readFileSync(cassette, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { response?: { usage?: Record<string, unknown> } });
    for (const line of lines) if (line.response?.usage) line.response.usage = { inputTokens: 4000, outputTokens: 0, estimated: false };
    writeFileSync(earlier, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    await runEngine(older, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: older, replay: earlier }) });
    expect(untimed(older)).toEqual(untimed(org.root));
    // Before: said as if the agent had reported it in this run; now the cassette is named.
    expect(lemming(older, ['inbox']).stdout).toContain(`${earlier} recorded: agent reported 0 output tokens; counted as 313, the fewest a server is believed to count for the answer`);
  });
});

/**
 * The manager, an agent program that prints `printed`, asked `prompt` by the human: the run killed once its answer is journaled,
 * `kept` edited to `edited` in the journal, and the turn finished by the next run (its model not asked again).
 */
function recoveredWithJournalEdited(printed: string, prompt: string, kept: string, edited: string) {
  const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1_000_000, output_price: 1_000_000, price_per_call: 0, context_window: WINDOW }, { credits: 100_000 });
  org.plan({ manager: [{ say: printed }] });
  humanSends(org.root, 'manager', prompt);
  expect(lemming(org.root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-response:1' }).signal).toBe('SIGKILL');
  const journal = join(org.root, 'org/state/journal.jsonl');
  const text = readFileSync(journal, 'utf8');
  expect(text).toContain(kept);
  writeFileSync(journal, text.replace(kept, edited));
  const run = lemming(org.root, ['run', '--plain', '--turns', '1']);
  expect(run.status).toBe(0);
  expect(org.calls()).toHaveLength(1);
  return { org, run };
}

describe("a journaled answer's usage is held to its text when a recovered turn reads it back", () => {
  test("an answer edited to 0 output tokens in the crash journal is charged at least 1 token for every 8 of lemming's estimate of its journaled text, said naming the journal", () => {
    const { org, run } = recoveredWithJournalEdited(`${LONG_ANSWER}\n{"usage": {"input_tokens": 4000, "output_tokens": 2600}}\n`, 'Go.', '"outputTokens":2600', '"outputTokens":0');
    // Before: 0 output tokens charged, the 10,000 characters it wrote free.
    expect(chargeLines(org.root)).toEqual([expect.objectContaining({ turn: 1, input_tokens: 4000, output_tokens: 313, estimated: true, credits: 4313 })]);
    const said = "agent reported 0 output tokens; counted as 313, the fewest a server is believed to count for the answer: 1 token for every 8 of lemming's estimate of it (2500 tokens)";
    expect(run.stdout + run.stderr).toContain('org/state/journal.jsonl');
    expect(lemming(org.root, ['inbox']).stdout).toContain(said);
    expect(managerStatus(org.root)).toMatchObject({ spent: 4313 });
    expect(checkInvariants(org.root, { idle: false })).toEqual([]);
  });
});

describe("a journaled answer's input is held to the request it was to when a recovered turn reads it back", () => {
  test("an answer edited to 0 input tokens in the crash journal is charged at least 1 token for every 8 of lemming's estimate of its request, said naming the journal", () => {
    const { org, run } = recoveredWithJournalEdited(`Noted.\n{"usage": {"input_tokens": 4000, "output_tokens": 2}}\n`, LONG_ANSWER, '"inputTokens":4000', '"inputTokens":0');
    // The prompt holds the 10,000 characters the human sent: lemming's estimate is over 2,500 tokens, 1 in 8 of them over 313.
    // Before: 0 input tokens charged, the prompt free.
    const [line] = chargeLines(org.root);
    expect(line).toMatchObject({ turn: 1, output_tokens: 2, estimated: true });
    expect(line?.input_tokens).toBeGreaterThan(313);
    expect(line?.input_tokens).toBeLessThan(4000);
    expect(run.stdout + run.stderr).toContain('org/state/journal.jsonl');
    expect(lemming(org.root, ['inbox']).stdout).toMatch(/agent reported 0 input tokens; counted as \d+, the fewest a server is believed to count for the request: 1 token for every 8 of lemming's estimate of it \(\d+ tokens\)/);
    expect(managerStatus(org.root)).toMatchObject({ spent: (line?.input_tokens ?? 0) + 2 });
    expect(checkInvariants(org.root, { idle: false })).toEqual([]);
  });
});

describe("a journaled input that is no count is charged as the usage gate would have charged it, never 0 nor past the window", () => {
  test.each([
    ['-5', '"inputTokens":-5'],
    ['a string', '"inputTokens":"4000"'],
    ['removed', ''],
  ])("an answer's input edited to %s in the crash journal is charged lemming's estimate of its request, said naming the journal", (_what, edited) => {
    const { org, run } = recoveredWithJournalEdited(`Noted.\n{"usage": {"input_tokens": 4000, "output_tokens": 2}}\n`, LONG_ANSWER, edited === '' ? '"inputTokens":4000,' : '"inputTokens":4000', edited);
    // The prompt holds the 10,000 characters the human sent: lemming's estimate is over 2,500 tokens.
    // Before: 0 input tokens charged, the prompt free.
    const [line] = chargeLines(org.root);
    expect(line).toMatchObject({ turn: 1, output_tokens: 2, estimated: true });
    expect(line?.input_tokens).toBeGreaterThan(2500);
    expect(line?.input_tokens).toBeLessThan(4000);
    expect(run.stdout + run.stderr).toContain('org/state/journal.jsonl');
    expect(lemming(org.root, ['inbox']).stdout).toMatch(new RegExp(`counted as ${line?.input_tokens} input and 2 output tokens, as the usage gate counts what comes in \\(a count that is no number counts as lemming's estimate\\)`));
    expect(managerStatus(org.root)).toMatchObject({ spent: (line?.input_tokens ?? 0) + 2 });
    expect(checkInvariants(org.root, { idle: false })).toEqual([]);
  });

  test("an answer's input edited to 1e300 in the crash journal is charged what one call can use, the context window", () => {
    const { org } = recoveredWithJournalEdited(`Noted.\n{"usage": {"input_tokens": 4000, "output_tokens": 2}}\n`, LONG_ANSWER, '"inputTokens":4000', '"inputTokens":1e300');
    expect(chargeLines(org.root)).toEqual([expect.objectContaining({ turn: 1, input_tokens: WINDOW, output_tokens: 2 })]);
    expect(managerStatus(org.root)).toMatchObject({ spent: WINDOW + 2 });
    expect(checkInvariants(org.root, { idle: false })).toEqual([]);
  });
});

describe("an unusable answer marked estimated passes the floor too", () => {
  test("a cassette's failed run edited to 1 input token marked estimated is charged the floor of its prompt on replay; one with no count (0 and 0) is charged none", async () => {
    const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1_000_000, output_price: 1_000_000, price_per_call: 0, context_window: WINDOW }, { credits: 100_000 });
    org.plan({ manager: [{ exit: 1, stdout: '{"usage": {"input_tokens": 3000, "output_tokens": 4}}\n' }] });
    humanSends(org.root, 'manager', LONG_ANSWER);
    const [forged = '', none = ''] = copiesOf(org.root, 2);
    const cassette = join(tempDir(), 'run.jsonl');
    await runEngine(org.root, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: org.root, record: cassette }) });
    expect(untimed(org.root)).toEqual([expect.objectContaining({ turn: 1, input_tokens: 3000, output_tokens: 4 })]);
    const recorded = readFileSync(cassette, 'utf8');
    expect(recorded).toContain('"inputTokens":3000');

    const edited = join(tempDir(), 'edited.jsonl');
    writeFileSync(edited, recorded.replace(/"usage":\{"inputTokens":3000,"outputTokens":4,"estimated":false\}/, '"usage":{"inputTokens":1,"outputTokens":4,"estimated":true}'));
    expect(readFileSync(edited, 'utf8')).toContain('"inputTokens":1,');
    await runEngine(forged, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: forged, replay: edited }) });
    // The prompt holds the 10,000 characters the human sent: lemming's estimate is over 2,500 tokens, 1 in 8 of them over 313.
    // Before: 1 input token charged, as the edit said.
    const [line] = untimed(forged);
    expect(line).toMatchObject({ turn: 1, output_tokens: 4, estimated: true });
    expect(line?.input_tokens).toBeGreaterThan(313);
    expect(lemming(forged, ['inbox']).stdout).toMatch(/recorded: agent reported 1 input tokens; counted as \d+, the fewest a server is believed to count for the request/);
    expect(checkInvariants(forged, { idle: false })).toEqual([]);

    // A run that gave no count is lemming's own none: charged no tokens, as docs/outside-agents.md says.
    const nothing = join(tempDir(), 'nothing.jsonl');
    writeFileSync(nothing, recorded.replace(/"usage":\{"inputTokens":3000,"outputTokens":4,"estimated":false\}/, '"usage":{"inputTokens":0,"outputTokens":0,"estimated":true}'));
    await runEngine(none, { maxTurns: 1 }, { providerFactory: createProviderFactory({ root: none, replay: nothing }) });
    expect(chargeLines(none).filter((charge) => charge.turn === 1 && (charge.input_tokens ?? 0) > 0)).toEqual([]);
    expect(checkInvariants(none, { idle: false })).toEqual([]);
  });
});

/**
 * A run killed after its turn's `done` records went into the journal and before their charges went into the ledger (crash point
 * after-ledger, its charge then cut from the ledger: the two writes are one after the other, and a kill can fall between them),
 * with the manager's `done` edited: `edit` turns the journaled charge's credits of 4002 into something else.
 */
function recoveredWithDoneEdited(edit: string) {
  const org = outsideOrg({ provider: 'command', max_retries: 0, input_price: 1_000_000, output_price: 1_000_000, price_per_call: 0, context_window: WINDOW }, { credits: 100_000 });
  org.plan({ manager: [{ say: 'Noted.\n{"usage": {"input_tokens": 4000, "output_tokens": 2}}\n' }] });
  humanSends(org.root, 'manager', 'Go.');
  expect(lemming(org.root, ['run', '--plain'], { LEMMING_CRASH_AT: 'after-ledger:1' }).signal).toBe('SIGKILL');
  const ledger = join(org.root, 'org/state/ledger.jsonl');
  writeFileSync(ledger, readFileSync(ledger, 'utf8').split('\n').filter((line) => !line.startsWith('{"type":"charge","turn":1,')).join('\n'));
  const journal = join(org.root, 'org/state/journal.jsonl');
  const text = readFileSync(journal, 'utf8');
  const done = /"type":"done".*"credits":4002/;
  expect(text).toMatch(done);
  writeFileSync(journal, text.replace(/("type":"done".*"credits":)4002/, `$1${edit}`));
  const run = lemming(org.root, ['run', '--plain', '--turns', '1']);
  expect(run.status).toBe(0);
  expect(org.calls()).toHaveLength(1);
  return { org, run };
}

describe("a journaled agent's charge is what its answer prices at when a recovered turn reads it back", () => {
  test.each([
    ['0', '0'],
    ['a negative number', '-5'],
    ['a string', '"4002"'],
    ['less', '1'],
  ])("a done's charge edited to %s in the crash journal is charged what the answer's counts price at, said naming the journal", (_what, edit) => {
    const { org, run } = recoveredWithDoneEdited(edit);
    // Before: 0 and 1 were written to the ledger as the journal held them (0 credits for 4,002 tokens: the call free); -5 and "4002", which the ledger cannot write, were set aside already.
    expect(chargeLines(org.root)).toEqual([expect.objectContaining({ turn: 1, agent: 'manager', input_tokens: 4000, output_tokens: 2, credits: 4002 })]);
    expect(managerStatus(org.root)).toMatchObject({ spent: 4002, balance: 100_000 - 4002 });
    expect(run.stdout + run.stderr).toContain('org/state/journal.jsonl');
    expect(checkInvariants(org.root, { idle: false })).toEqual([]);
  });
});
