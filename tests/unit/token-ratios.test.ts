import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TokenRatios } from '../../src/engine/record/token-ratios.js';
import { checkRatios, endpointOf, readRatiosFile } from '../../src/engine/record/token-ratios-file.js';
import { assertPromptFits, promptBytes } from '../../src/providers/context-fit.js';
import { CONTEXT_LENGTH_CODE, isContextLengthText, ProviderError, statedSizes } from '../../src/providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import type { ModelEntry } from '../../src/org/schema.js';
import { tempDir } from '../helpers/org-files.js';
import { toolsFor } from '../../src/engine/turn/tools.js';
import { systemWithTextReply } from '../../src/providers/text-tools/text-reply-format.js';

const LOCAL: ModelEntry = { provider: 'openai-compatible', model: 'small', base_url: 'http://127.0.0.1:1/v1', context_window: 4096, input_price: 0, output_price: 0 };
const MODELS = { local: LOCAL };
const ENDPOINT = 'openai-compatible http://127.0.0.1:1/v1 small';

/** A request of exactly `bytes` bytes of prompt (a system prompt and no tools). */
function requestOf(bytes: number): ProviderRequest {
  return { modelKey: 'local', model: 'small', system: 'x'.repeat(bytes), messages: [], tools: [], agent: 'coder', turn: 1 };
}

function answered(inputTokens: number, outputTokens = 5): ProviderResponse {
  return { text: 'ok', toolCalls: [], usage: { inputTokens, outputTokens, estimated: false }, modelKey: 'local' };
}

function orgRoot(): string {
  const root = tempDir('lemming-ratios-');
  mkdirSync(join(root, 'org/state'), { recursive: true });
  return root;
}

function learnedOf(root: string): Record<string, unknown> | undefined {
  return JSON.parse(readFileSync(join(root, 'org/state/token-ratios.json'), 'utf8')).endpoints[ENDPOINT];
}

/** Each turn teaches one call of `bytes` bytes that counted `tokens`. */
function teach(root: string, calls: Array<[number, number]>, models: Record<string, ModelEntry> = MODELS): void {
  calls.forEach(([bytes, tokens], index) => {
    const ratios = TokenRatios.load(root, models, index + 1);
    ratios.learn(requestOf(bytes), answered(tokens), index + 1);
    ratios.save(index + 1);
  });
}

/** An org whose turn 1 taught 0.6 tokens a byte and a stated context of 2,048 tokens. */
function learnedRatioAndWindow(): string {
  const root = orgRoot();
  const ratios = TokenRatios.load(root, MODELS, 1);
  ratios.learn(requestOf(1000), answered(600), 1);
  ratios.learnRefusal(requestOf(10_000), { promptTokens: 6000, window: 2048 }, 1);
  ratios.save(1);
  return root;
}

describe("the estimate of a local server's prompt tokens where it has no tokenizer", () => {
  test('starts from the prior with 25% to spare, takes the highest of its first calls, and narrows the margin to 10% after three reports', () => {
    const root = orgRoot();
    expect(TokenRatios.load(root, MODELS, 1).sizing('local')).toMatchObject({ tokensPerByte: 0.375, source: expect.stringContaining('the prior of 0.3 tokens a byte with 25% to spare') });
    const ratios = TokenRatios.load(root, MODELS, 1);
    // Two calls: 0.2 and 0.25 tokens a byte; the highest is taken.
    ratios.learn(requestOf(1000), answered(200), 1);
    ratios.learn(requestOf(2000), answered(500), 1);
    ratios.save(1);
    expect(TokenRatios.load(root, MODELS, 2).sizing('local').tokensPerByte).toBeCloseTo(0.25 * 1.25);
    const third = TokenRatios.load(root, MODELS, 2);
    third.learn(requestOf(1000), answered(230), 2);
    third.save(2);
    // Three calls: their second highest, 0.23, with 10% to spare.
    expect(TokenRatios.load(root, MODELS, 3).sizing('local').tokensPerByte).toBeCloseTo(0.23 * 1.1);
    // Sized so from the next turn: 4 characters a token at its tokens a byte.
    expect(TokenRatios.load(root, MODELS, 3).scale('local', LOCAL)).toBeCloseTo(4 * 0.23 * 1.1);
    // A hosted API's entry keeps the averaged scale: its prompts are not held to its window.
    expect(TokenRatios.load(root, MODELS, 3).scale('local', { provider: 'openai' })).toBe(1);
  });

  test('one call does not size every prompt: from three calls on one high count is outvoted, and each is forgotten once eight came after it', () => {
    const root = orgRoot();
    // A server that once counted 0.9 tokens a byte (believable: under a token a byte), then 0.25 again.
    teach(root, [[1000, 250], [1000, 900], [1000, 250]]);
    expect(TokenRatios.load(root, MODELS, 4).sizing('local').tokensPerByte).toBeCloseTo(0.25 * 1.1);
    // Two that agree are believed: the prompts are sized by them at once.
    teach(root, [[1000, 250], [1000, 900], [1000, 250], [1000, 880]]);
    expect(TokenRatios.load(root, MODELS, 5).sizing('local').tokensPerByte).toBeCloseTo(0.88 * 1.1);
    // Eight calls later both are forgotten.
    teach(root, [[1000, 250], [1000, 900], [1000, 250], [1000, 880], ...Array.from({ length: 8 }, (): [number, number] => [1000, 260])]);
    expect(learnedOf(root)?.seen).toEqual(Array.from({ length: 8 }, () => 0.26));
    expect(TokenRatios.load(root, MODELS, 13).sizing('local').tokensPerByte).toBeCloseTo(0.26 * 1.1);
  });

  test('an answer read as text teaches the ratio of what was sent: the tools described in the system prompt, not their definitions', () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root, MODELS, 1);
    const request = { ...requestOf(1000), tools: toolsFor(['send_message', 'read_file']) };
    ratios.learn(request, { ...answered(600), toolsAsText: true }, 1);
    ratios.save(1);
    const sent = promptBytes({ system: systemWithTextReply(request.system, request.tools), messages: [], tools: [] });
    expect(sent).not.toBe(promptBytes(request));
    expect((learnedOf(root)?.seen as number[])[0]).toBeCloseTo(600 / sent);
  });

  test("a report at the window's size is a prompt cut silently: said the first time, the ratio raised to at least the window a byte, the margin widened again", () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root, MODELS, 1);
    expect(ratios.learn(requestOf(8000), answered(4096), 1)).toEqual({ cutSilently: { window: 4096, reported: 4096, first: true }, notes: [] });
    expect(ratios.learn(requestOf(8000), answered(4096), 1)).toEqual({ cutSilently: { window: 4096, reported: 4096, first: false }, notes: [] });
    ratios.save(1);
    expect(learnedOf(root)).toMatchObject({ seen: [4096 / 8000, 4096 / 8000], reports: 0, cutSilently: 1, tokens: 0 });
    expect(TokenRatios.load(root, MODELS, 2).sizing('local').tokensPerByte).toBeCloseTo((4096 / 8000) * 1.25);
    // Told once: a later turn's cut is not the first.
    expect(TokenRatios.load(root, MODELS, 2).learn(requestOf(8000), answered(4096), 2)?.cutSilently?.first).toBe(false);
  });

  test('a hostile count (NaN, 0, negative, 1e9) teaches no ratio, and no file is written', () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root, MODELS, 1);
    for (const tokens of [Number.NaN, 0, -5, 1e9]) ratios.learn(requestOf(3000), answered(tokens), 1);
    ratios.save(1);
    expect(existsSync(join(root, 'org/state/token-ratios.json'))).toBe(false);
    expect(TokenRatios.load(root, MODELS, 2).scale('local')).toBe(1);
  });

  test('a count past 8 tokens a token of the estimate is not summed into the ratio estimated charges scale by, so the file it writes is read back whole', () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root, MODELS, 1);
    // 1,000 characters of 3 bytes: the estimate is 254 tokens, and 2,900 is within what a tokenizer could make of 3,000 bytes.
    const wide: ProviderRequest = { ...requestOf(0), system: '字'.repeat(1000) };
    expect(ratios.learn(wide, answered(2900), 1)?.notes).toEqual([expect.stringMatching(/^local's server reported 2900 prompt tokens where lemming estimated 254: more than 8 a token, so not counted in the ratio its calls are reserved and charged at/)]);
    ratios.save(1);
    expect(readRatiosFile(join(root, 'org/state/token-ratios.json')).problems).toEqual([]);
    expect(learnedOf(root)).toMatchObject({ characters: 0, tokens: 0, estimated: 0, seen: [expect.closeTo(2900 / 3000, 5)] });
    expect(TokenRatios.load(root, MODELS, 2).scale('local')).toBe(1);
  });

  test('a count no tokenizer could make of what was sent teaches nothing, and is said: the whole window claimed for a short prompt, or far too few tokens', () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root, MODELS, 1);
    // 3,000 bytes are at most 3,032 tokens: 4,096 is no cut of them.
    expect(ratios.learn(requestOf(3000), answered(4096), 1)).toEqual({ notes: [expect.stringMatching(/^local's server reported 4096 prompt tokens for a prompt of 3000 bytes \(at most 3032 by any tokenizer, at least 150\): not a count lemming learns from/)] });
    expect(ratios.learn(requestOf(3000), answered(10), 1)?.notes).toEqual([expect.stringContaining('reported 10 prompt tokens for a prompt of 3000 bytes')]);
    ratios.save(1);
    expect(existsSync(join(root, 'org/state/token-ratios.json'))).toBe(false);
    expect(TokenRatios.load(root, MODELS, 2).sizing('local').tokensPerByte).toBe(0.375);
  });

  test("a refusal's stated sizes teach the ratio and the smaller window; ones no server could mean are said, not kept", () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root, MODELS, 1);
    const refusal = new ProviderError('local: the server answered 400: request (5000 tokens) exceeds the available context size (3072 tokens), try increasing it', { retryable: false, code: CONTEXT_LENGTH_CODE });
    const stated = statedSizes(refusal);
    expect(stated).toEqual({ promptTokens: 5000, window: 3072 });
    expect(ratios.learnRefusal(requestOf(10_000), stated!, 1)).toEqual([]);
    // 5,000 tokens of 100 bytes, and a context of 256 tokens: neither is kept.
    expect(ratios.learnRefusal(requestOf(100), { promptTokens: 5000, window: 256 }, 1)).toEqual([
      "local's server stated 5000 tokens for a prompt of 100 bytes, which no tokenizer counts of it: not learned",
      "local's server stated a context of 256 tokens, less than the 1024 lemming believes a server holds: not kept (if the server's context is so small, set org/org.yaml models.local.context_window to it)",
    ]);
    ratios.save(1);
    const next = TokenRatios.load(root, MODELS, 2);
    expect(next.window('local')).toBe(3072);
    expect(next.sizing('local').tokensPerByte).toBeCloseTo(0.5 * 1.25);
    expect(statedSizes(new ProviderError('local: the server answered 400: input (5120 tokens) is larger than the max context size (4096 tokens). skipping', { retryable: false, code: CONTEXT_LENGTH_CODE }))).toEqual({ promptTokens: 5120, window: 4096 });
    expect(isContextLengthText('input (5120 tokens) is larger than the max context size (4096 tokens). skipping')).toBe(true);
    expect(statedSizes(new ProviderError("This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4864 in the messages, 256 in the completion).", { retryable: false, code: CONTEXT_LENGTH_CODE }))).toEqual({ promptTokens: 4864, window: 4096 });
  });

  test("a refusal's lesson, as a journal keeps it, teaches what the refusal taught; sizes no refusal could state teach nothing", () => {
    const [live, journaled] = [orgRoot(), orgRoot()];
    const asItCame = TokenRatios.load(live, MODELS, 1);
    const lesson = asItCame.refusalLessonOf(requestOf(10_000), { promptTokens: 5000, window: 3072 });
    expect(lesson).toEqual({ modelKey: 'local', stated: { promptTokens: 5000, window: 3072 }, bytes: 10_000, bound: expect.any(Number) });
    asItCame.learnFrom(lesson!, 1);
    asItCame.save(1);
    const readBack = TokenRatios.load(journaled, MODELS, 1);
    readBack.learnFrom(JSON.parse(JSON.stringify(lesson)), 1);
    readBack.save(1);
    expect(learnedOf(journaled)).toEqual(learnedOf(live));
    // A journal edited to hold sizes no server states (a window of NaN, text, none, a negative count): nothing is learned, nothing written.
    const edited = orgRoot();
    const ratios = TokenRatios.load(edited, MODELS, 1);
    for (const stated of [{ promptTokens: 5000, window: Number.NaN }, { promptTokens: 5000, window: '3072' }, null, { promptTokens: -5, window: 3072 }]) {
      expect(ratios.learnFrom({ ...lesson!, stated } as never, 1)).toBeUndefined();
    }
    ratios.save(1);
    expect(existsSync(join(edited, 'org/state/token-ratios.json'))).toBe(false);
  });

  test('a stated context is unlearned by an answer that took a larger prompt, by a refusal stating the declared window, and ten turns after it was stated', () => {
    const stateWindow = (root: string, turn: number): void => {
      const ratios = TokenRatios.load(root, MODELS, turn);
      ratios.learnRefusal(requestOf(10_000), { promptTokens: 5000, window: 2048 }, turn);
      ratios.save(turn);
    };
    // An answer that took 3,000 prompt tokens: the server holds more than 2,048.
    const answeredMore = orgRoot();
    stateWindow(answeredMore, 1);
    const second = TokenRatios.load(answeredMore, MODELS, 2);
    expect(second.window('local')).toBe(2048);
    expect(second.learn(requestOf(10_000), answered(3000), 2)?.notes).toEqual([expect.stringMatching(/^local's server took a prompt of 3000 tokens, more than the 2048-token context it stated in turn 1: that context is forgotten \(org\/state\/token-ratios\.json\)/)]);
    second.save(2);
    expect(TokenRatios.load(answeredMore, MODELS, 3).window('local')).toBeUndefined();
    // A refusal stating the declared context.
    const refusedLarger = orgRoot();
    stateWindow(refusedLarger, 1);
    const refused = TokenRatios.load(refusedLarger, MODELS, 2);
    expect(refused.learnRefusal(requestOf(20_000), { promptTokens: 6000, window: 4096 }, 2)).toEqual([expect.stringContaining('not the 2048 it stated before: that smaller context is forgotten')]);
    refused.save(2);
    expect(TokenRatios.load(refusedLarger, MODELS, 3).window('local')).toBeUndefined();
    // Ten turns on, no answer could show it (prompts were sized to it): forgotten, and the file says so.
    const aged = orgRoot();
    stateWindow(aged, 1);
    expect(TokenRatios.load(aged, MODELS, 11).window('local')).toBe(2048);
    const later = TokenRatios.load(aged, MODELS, 12);
    expect(later.window('local')).toBeUndefined();
    later.save(12);
    expect(learnedOf(aged)).not.toHaveProperty('window');
  });

  test('what is learned is kept with its endpoint: another server or model sizes from the prior, two entries of one endpoint learn together, and a context_window at or below the stated context wins', () => {
    const root = learnedRatioAndWindow();
    expect(endpointOf(LOCAL)).toBe(ENDPOINT);
    // The URL's user, password and query may hold a key: left out.
    expect(endpointOf({ ...LOCAL, base_url: 'http://me:secret@127.0.0.1:1/v1?key=abc' })).toBe(ENDPOINT);
    const models = { local: { ...LOCAL, base_url: 'http://127.0.0.1:2/v1' }, other: { ...LOCAL, model: 'large' }, same: { ...LOCAL, context_window: 8192 }, lowered: { ...LOCAL, context_window: 2048 } };
    const next = TokenRatios.load(root, models, 2);
    for (const key of ['local', 'other']) {
      expect(next.sizing(key).tokensPerByte).toBe(0.375);
      expect(next.window(key)).toBeUndefined();
    }
    expect(next.sizing('same').tokensPerByte).toBeCloseTo(0.6 * 1.25);
    expect(next.window('same')).toBe(2048);
    expect(next.window('lowered')).toBeUndefined();
  });

  test('what a learned value holds back names it, the file and how to forget it', () => {
    const root = learnedRatioAndWindow();
    const next = TokenRatios.load(root, MODELS, 2);
    expect(next.sizing('local').source).toBe(
      `0.6 tokens a byte, the highest of the last 2 call(s) its server counted, with 25% to spare; learned and kept in org/state/token-ratios.json endpoints["${ENDPOINT}"].seen: remove that record, or the file, to forget it`,
    );
    expect(next.windowSaid('local')).toBe(
      `the 2048-token context local's server stated in turn 1 (org/org.yaml models.local.context_window says 4096), learned and kept in org/state/token-ratios.json endpoints["${ENDPOINT}"].window: remove that record, or the file, to forget it`,
    );
  });

  test('a turn finished after a crash sizes its prompts as the interrupted attempt did, whatever that attempt taught', () => {
    const root = orgRoot();
    const first = TokenRatios.load(root, MODELS, 1);
    first.learn(requestOf(1000), answered(300), 1);
    first.save(1);
    const before = TokenRatios.load(root, MODELS, 2).sizing('local');
    // Turn 2 learns a higher ratio and a smaller window, saves, and is killed before it commits.
    const interrupted = TokenRatios.load(root, MODELS, 2);
    interrupted.learn(requestOf(1000), answered(600), 2);
    interrupted.learnRefusal(requestOf(10_000), { promptTokens: 5000, window: 2048 }, 2);
    interrupted.save(2);
    expect(TokenRatios.load(root, MODELS, 2, []).sizing('local')).toEqual(before);
    expect(TokenRatios.load(root, MODELS, 2, []).window('local')).toBeUndefined();
    // A recovered turn teaches nothing twice; the next turn sizes with what turn 2 taught.
    expect(TokenRatios.load(root, MODELS, 3).window('local')).toBe(2048);
  });

  test('a local entry without a tokenizer is held by the estimate the request carries, saying where it comes from', async () => {
    const request = { ...requestOf(10_000), promptSizing: { local: { tokensPerByte: 0.375, source: 'the prior of 0.3 tokens a byte with 25% to spare: the server has reported no usage yet' } } };
    // 3,750 estimated tokens: more than the 3,072 a 4,096 window leaves beside the answer.
    await expect(assertPromptFits(request, { modelKey: 'local', entry: { context_window: 4096 } })).rejects.toThrow(
      /^local: the prompt is about 3750 tokens of 10000 bytes by lemming's estimate \(the server offers no \/tokenize to count with; the prior of 0\.3 tokens a byte with 25% to spare: the server has reported no usage yet\), more than the 3072 that org\/org\.yaml models\.local\.context_window: 4096 leaves it/,
    );
    // 7,000 bytes: 2,625 estimated tokens fit, though a token a byte would not.
    expect(promptBytes(requestOf(7000))).toBe(7000);
    await expect(assertPromptFits({ ...request, system: 'x'.repeat(7000) }, { modelKey: 'local', entry: { context_window: 4096 } })).resolves.toBeUndefined();
  });
});

describe('org/state/token-ratios.json as it is read back', () => {
  const good = { characters: 4000, tokens: 1100, estimated: 1000, seen: [0.27, 0.31], reports: 2, window: 4096, windowTurn: 3, cutSilently: 2 };
  const file = (counts: unknown) => ({ version: 2, turn: 3, endpoints: { [ENDPOINT]: counts } });

  test('a record within the bounds is read as it is', () => {
    expect(checkRatios(file(good))).toEqual({ file: file(good), problems: [] });
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['window: 0', { ...good, window: 0 }, /window: 0 is not a context a server is believed to hold \(a whole number of tokens from 1024, e\.g\. 4096\)/],
    ['a window without its turn', { ...good, windowTurn: undefined }, /window and windowTurn go together/],
    ['tokens: "many"', { ...good, tokens: 'many' }, /tokens: "many" is not a count \(a whole number from 0, e\.g\. 4000\)/],
    ['a ratio "big"', { ...good, seen: ['big'] }, /seen: \["big"\] is not a list of at most 8 tokens a byte, each from 0\.05 to 2/],
    ['a ratio of 50 tokens a byte', { ...good, seen: [50] }, /seen: \[50\]/],
    ['nine ratios', { ...good, seen: Array.from({ length: 9 }, () => 0.3) }, /seen: .* is not a list of at most 8/],
    ['a negative count', { ...good, characters: -1 }, /characters: -1 is not a count/],
    ['a fraction of a report', { ...good, reports: 1.5 }, /reports: 1\.5 is not a count/],
    ['a turn 0 cut', { ...good, cutSilently: 0 }, /cutSilently: 0 is not a turn/],
    ['a field of its own', { ...good, highest: 2 }, /"highest" is not a field of an endpoint's record/],
    ['a number for a record', 7, /7 is not an object like/],
    // A planted file: ratios no server teaches (tokens an estimated token), which every estimated charge would scale by.
    ['a ratio of 1e9 tokens an estimated token', { ...good, tokens: 1_000_000_000, estimated: 1 }, /tokens: 1000000000 for estimated: 1 is 1000000000 tokens a token of lemming's estimate, more than the 8 a server is believed to count \(e\.g\. "tokens": 1100, "estimated": 1000\)/],
    ['tokens with no estimate (a ratio of infinity)', { ...good, tokens: 1100, estimated: 0 }, /tokens and estimated go together: a server's count of prompts lemming estimated, both 0 or both above \(e\.g\. "tokens": 1100, "estimated": 1000\)/],
    ['tokens: NaN', { ...good, tokens: Number.NaN }, /tokens: null is not a count/],
    ['a negative estimate', { ...good, estimated: -1000 }, /estimated: -1000 is not a count/],
  ];
  for (const [name, counts, said] of bad) {
    test(`${name}: the record is left out and said, with the file and the field`, () => {
      const checked = checkRatios(file(counts));
      expect(checked.file.endpoints).toEqual({});
      expect(checked.problems).toEqual([{ file: 'org/state/token-ratios.json', field: `endpoints[${JSON.stringify(ENDPOINT)}]`, message: expect.stringMatching(said), severity: 'warning' }]);
      expect(checked.problems[0]?.message).toMatch(/this endpoint's record is ignored, and learned again from its server's next answers$/);
    });
  }

  test('a file lemming cannot read as a whole is ignored, said once with the field, and written afresh by the next turn', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ version: 1, turn: 0, models: {} }, 'version', /^version 1 was written before lemming kept what it learns with the endpoint it came from; the file is ignored/],
      [{ version: 3, turn: 0, endpoints: {} }, 'version', /^3 is not a version this lemming reads \(2\)/],
      [{ version: 2, turn: 'ten', endpoints: {} }, 'turn', /^"ten" is not a turn/],
      [{ version: 2, turn: 1, endpoints: [] }, 'endpoints', /^\[\] is not an object of endpoints/],
      [[1, 2], 'version', /^the file is \[1,2\], not an object/],
    ];
    for (const [data, field, said] of cases) expect(checkRatios(data).problems).toEqual([{ file: 'org/state/token-ratios.json', field, message: expect.stringMatching(said), severity: 'warning' }]);
    const root = orgRoot();
    const path = join(root, 'org/state/token-ratios.json');
    writeFileSync(path, 'not json');
    expect(readRatiosFile(path).problems).toEqual([expect.objectContaining({ message: expect.stringMatching(/^is not JSON; ignored/) })]);
    const ratios = TokenRatios.load(root, MODELS, 1);
    expect(ratios.problems).toHaveLength(1);
    ratios.save(1);
    expect(readRatiosFile(path)).toEqual({ file: { version: 2, turn: 1, endpoints: {}, sizedWith: {} }, problems: [] });
    // Larger than lemming reads of it, or a link: not read.
    writeFileSync(path, ' '.repeat((1 << 20) + 1));
    expect(readRatiosFile(path).problems[0]?.message).toMatch(/^is 1048577 bytes, more than the 1048576 lemming reads of it; ignored/);
    const elsewhere = join(root, 'elsewhere.json');
    writeFileSync(elsewhere, JSON.stringify(file(good)));
    const linked = join(root, 'org/state/linked.json');
    symlinkSync(elsewhere, linked);
    expect(readRatiosFile(linked).problems[0]?.message).toMatch(/symbolic link/);
  });
});

describe('a lesson read back from the journal by a turn finished after a crash', () => {
  test('one edited to hold what no answer teaches (text, a negative or a huge count) teaches nothing: the file lemming writes is one its reader takes, its record kept', () => {
    const root = orgRoot();
    teach(root, [[1000, 300]]);
    const before = learnedOf(root);
    const good = { modelKey: 'local', reported: 300, bytes: 1000, bound: 2000, estimated: 250, characters: 1000 };
    const edited = [
      { ...good, estimated: '250' },
      { ...good, characters: 'x' },
      { ...good, estimated: -1_000_000_000 },
      { ...good, reported: 1e300, bytes: 1e300, bound: 1e301, estimated: 1e300 },
      { ...good, reported: 300.5 },
    ];
    for (const lesson of edited) {
      const ratios = TokenRatios.load(root, MODELS, 2, [lesson as never]);
      expect(ratios.scale('local')).toBeGreaterThanOrEqual(1);
      ratios.save(2);
      // Before: the file was written with "0x", "250250", -999999750 or 1e300 in the record, which its reader refused (the record dropped, said every turn).
      expect(readRatiosFile(join(root, 'org/state/token-ratios.json')).problems).toEqual([]);
      expect(learnedOf(root)).toEqual(before);
    }
  });
});
