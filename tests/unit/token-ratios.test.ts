import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { TokenRatios } from '../../src/engine/record/token-ratios.js';
import { assertPromptFits, promptBytes } from '../../src/providers/context-fit.js';
import { CONTEXT_LENGTH_CODE, isContextLengthText, ProviderError, statedSizes } from '../../src/providers/provider-error.js';
import type { ProviderRequest, ProviderResponse } from '../../src/providers/provider.js';
import { tempDir } from '../helpers/org-files.js';
import { toolsFor } from '../../src/engine/turn/tools.js';
import { systemWithTextReply } from '../../src/providers/text-tools/text-reply-format.js';

const LOCAL = { provider: 'openai-compatible' as const, base_url: 'http://127.0.0.1:1/v1', context_window: 4096 };

/** A request of exactly `bytes` bytes of prompt (a system prompt and no tools). */
function requestOf(bytes: number): ProviderRequest {
  return { modelKey: 'local', model: 'small', system: 'x'.repeat(bytes), messages: [], tools: [], agent: 'coder', turn: 1 };
}

function answered(inputTokens: number): ProviderResponse {
  return { text: 'ok', toolCalls: [], usage: { inputTokens, outputTokens: 5, estimated: false }, modelKey: 'local' };
}

function orgRoot(): string {
  const root = tempDir('lemming-ratios-');
  mkdirSync(join(root, 'org/state'), { recursive: true });
  return root;
}

describe("the estimate of a local server's prompt tokens where it has no tokenizer", () => {
  test('starts from the prior with 25% to spare, keeps the highest ratio reported, and narrows the margin to 10% after three reports', () => {
    const root = orgRoot();
    expect(TokenRatios.load(root).sizing('local')).toMatchObject({ tokensPerByte: 0.375, source: expect.stringContaining('the prior of 0.3 tokens a byte with 25% to spare') });
    const ratios = TokenRatios.load(root);
    // Two calls: 0.2 and 0.25 tokens a byte; the highest is kept.
    ratios.learn(requestOf(1000), answered(200), 1, LOCAL);
    ratios.learn(requestOf(2000), answered(500), 1, LOCAL);
    ratios.save(1);
    expect(TokenRatios.load(root).sizing('local').tokensPerByte).toBeCloseTo(0.25 * 1.25);
    const third = TokenRatios.load(root);
    third.learn(requestOf(1000), answered(210), 2, LOCAL);
    third.save(2);
    expect(TokenRatios.load(root).sizing('local').tokensPerByte).toBeCloseTo(0.25 * 1.1);
    // Sized so from the next turn: 4 characters a token at its tokens a byte.
    expect(TokenRatios.load(root).scale('local', LOCAL)).toBeCloseTo(4 * 0.25 * 1.1);
    // A hosted API's entry keeps the averaged scale: its prompts are not held to its window.
    expect(TokenRatios.load(root).scale('local', { provider: 'openai' })).toBe(1);
  });

  test('an answer read as text teaches the ratio of what was sent: the tools described in the system prompt, not their definitions', () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root);
    const request = { ...requestOf(1000), tools: toolsFor(['send_message', 'read_file']) };
    ratios.learn(request, { ...answered(600), toolsAsText: true }, 1, LOCAL);
    ratios.save(1);
    const sent = promptBytes({ system: systemWithTextReply(request.system, request.tools), messages: [], tools: [] });
    expect(sent).not.toBe(promptBytes(request));
    expect(JSON.parse(readFileSync(join(root, 'org/state/token-ratios.json'), 'utf8')).models.local.highest).toBeCloseTo(600 / sent);
  });

  test("a report at the window's size is a prompt cut silently: said the first time, the ratio raised to at least the window a byte, the margin widened again", () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root);
    expect(ratios.learn(requestOf(8000), answered(4096), 1, LOCAL)).toEqual({ cutSilently: { window: 4096, reported: 4096, first: true } });
    expect(ratios.learn(requestOf(8000), answered(4096), 1, LOCAL)).toEqual({ cutSilently: { window: 4096, reported: 4096, first: false } });
    ratios.save(1);
    const learned = JSON.parse(readFileSync(join(root, 'org/state/token-ratios.json'), 'utf8')).models.local;
    expect(learned).toMatchObject({ highest: 4096 / 8000, reports: 0, cutSilently: 1, tokens: 0 });
    expect(TokenRatios.load(root).sizing('local').tokensPerByte).toBeCloseTo((4096 / 8000) * 1.25);
    // Told once: a later turn's cut is not the first.
    expect(TokenRatios.load(root).learn(requestOf(8000), answered(4096), 2, LOCAL)?.cutSilently.first).toBe(false);
  });

  test("a refusal's stated sizes teach the ratio and the smaller window; absurd ones are not believed", () => {
    const root = orgRoot();
    const ratios = TokenRatios.load(root);
    const refusal = new ProviderError('local: the server answered 400: request (5000 tokens) exceeds the available context size (3072 tokens), try increasing it', { retryable: false, code: CONTEXT_LENGTH_CODE });
    const stated = statedSizes(refusal);
    expect(stated).toEqual({ promptTokens: 5000, window: 3072 });
    ratios.learnRefusal(requestOf(10_000), stated!, 1, LOCAL);
    // A server that says it holds 10 tokens, or counts 50 tokens a byte, is not believed past the bounds.
    ratios.learnRefusal(requestOf(100), { promptTokens: 5000, window: 10 }, 1, LOCAL);
    ratios.save(1);
    const next = TokenRatios.load(root);
    expect(next.window('local')).toBe(3072);
    expect(next.sizing('local')).toMatchObject({ window: 3072, tokensPerByte: 2 * 1.25 });
    expect(statedSizes(new ProviderError('local: the server answered 400: input (5120 tokens) is larger than the max context size (4096 tokens). skipping', { retryable: false, code: CONTEXT_LENGTH_CODE }))).toEqual({ promptTokens: 5120, window: 4096 });
    expect(isContextLengthText('input (5120 tokens) is larger than the max context size (4096 tokens). skipping')).toBe(true);
    expect(statedSizes(new ProviderError("This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4864 in the messages, 256 in the completion).", { retryable: false, code: CONTEXT_LENGTH_CODE }))).toEqual({ promptTokens: 4864, window: 4096 });
  });

  test('a turn finished after a crash sizes its prompts as the interrupted attempt did, whatever that attempt taught', () => {
    const root = orgRoot();
    const first = TokenRatios.load(root);
    first.learn(requestOf(1000), answered(300), 1, LOCAL);
    first.save(1);
    const before = TokenRatios.load(root).sizing('local');
    // Turn 2 learns a higher ratio and a smaller window, saves, and is killed before it commits.
    const interrupted = TokenRatios.load(root);
    interrupted.learn(requestOf(1000), answered(600), 2, LOCAL);
    interrupted.learnRefusal(requestOf(1000), { promptTokens: 5000, window: 2048 }, 2, LOCAL);
    interrupted.save(2);
    expect(TokenRatios.load(root, 2).sizing('local')).toEqual(before);
    expect(TokenRatios.load(root, 2).window('local')).toBeUndefined();
    // A recovered turn teaches nothing twice; the next turn sizes with what turn 2 taught.
    expect(TokenRatios.load(root).sizing('local')).toMatchObject({ window: 2048 });
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
