import { ANSWER_MAX_BYTES } from '../providers/provider-error.js';

/** The most an answer stored in Redis may hold, in MiB, as messages say it. */
export const ANSWER_MAX_MIB = ANSWER_MAX_BYTES / 1024 / 1024;

/**
 * Whether a job's answer, as BullMQ stores it (JSON), is past the most lemming reads of a server's
 * answer (ANSWER_MAX_BYTES). A worker stores none of such an answer, and an engine takes none. Pure.
 */
export function pastAnswerBound(answer: unknown): boolean {
  return Buffer.byteLength(JSON.stringify(answer) ?? '') > ANSWER_MAX_BYTES;
}

/**
 * The most of a failure's words a worker keeps in Redis, in a job's reason and in its stack alike: a
 * person reads them, and a server chose them (an HTTP agent's error page of a megabyte, kept for days).
 */
export const FAILURE_MAX_CHARS = 4_000;

/** `text`, or its first FAILURE_MAX_CHARS characters and how long it was. Pure. */
function boundedText(text: string): string {
  return text.length <= FAILURE_MAX_CHARS ? text : `${text.slice(0, FAILURE_MAX_CHARS)}… (cut: ${text.length} characters in all)`;
}

/**
 * A worker's failure as Redis may keep it: an Error's message and stack each bounded (boundedText),
 * the error itself kept (a ProviderError's status, code and charged answers go on to the engine); the
 * stack repeats the message, so both are cut. Anything else as it is.
 */
export function boundedFailure<T>(error: T): T {
  if (!(error instanceof Error)) return error;
  error.message = boundedText(error.message);
  if (error.stack !== undefined) error.stack = boundedText(error.stack);
  return error;
}

/**
 * The error a worker throws for BullMQ to keep a failure as: `reason` whole as its message (an engine reads
 * it back: call-job.ts, decodeFailure), and its stack, which repeats the reason and adds where it was
 * thrown, bounded as a whole (boundedText), as a bounded failure's is.
 */
export function storedFailure(reason: string): Error {
  const error = new Error(reason);
  if (error.stack !== undefined) error.stack = boundedText(error.stack);
  return error;
}
