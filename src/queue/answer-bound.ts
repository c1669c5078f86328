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
