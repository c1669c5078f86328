import { describe, expect, test } from 'vitest';
import { boundedFailure, FAILURE_MAX_CHARS } from '../../src/queue/answer-bound.js';
import { ProviderError } from '../../src/providers/provider-error.js';

/**
 * What a worker keeps of a failure in Redis (queue/answer-bound.ts): a server chose its words, and Redis keeps a
 * failed job for days. The HTTP agent's own error is cut where its reply is read (tests/queue/hostile-queues.test.ts);
 * this is the worker's bound on any failure, whoever made it.
 */
describe('boundedFailure', () => {
  test("an error of 900,000 characters keeps its first FAILURE_MAX_CHARS and its length, in its message and its stack; a ProviderError's fields stay", () => {
    const said = 'y'.repeat(900_000);
    const error = new ProviderError(said, { status: 502, retryable: false });
    const bounded = boundedFailure(error);
    expect(bounded).toBe(error);
    expect(bounded.message).toBe(`${said.slice(0, FAILURE_MAX_CHARS)}… (cut: ${said.length} characters in all)`);
    expect((bounded.stack ?? '').length).toBeLessThanOrEqual(FAILURE_MAX_CHARS + 40);
    expect(bounded.status).toBe(502);
    expect(bounded.retryable).toBe(false);
  });

  test('a short error and anything not an Error pass as they are', () => {
    const error = new Error('the server closed the connection');
    expect(boundedFailure(error).message).toBe('the server closed the connection');
    expect(boundedFailure('x'.repeat(10_000))).toBe('x'.repeat(10_000));
  });
});
