import { existsSync, statSync, writeFileSync } from 'node:fs';
import { readOwnText } from '../../storage/read-own-file.js';
import { dirname } from 'node:path';
import { errorMessage, EXIT, LemmingError } from '../../errors.js';
import type { AnsweredUsage, ProviderResponse } from '../provider.js';
import type { NormalisedRequest } from './normalise-request.js';
import { appendText } from '../../storage/write-bytes.js';
import { requireFolderFor } from '../../storage/named-destination.js';
import type { EmbeddingAnswer } from '../embedding-gate.js';

/** One line of a cassette (JSONL): a model request and what came back, an answer or a failure. */
export interface CassetteEntry {
  version: 1;
  /** sha256 of the normalised request (see `requestKey`). */
  key: string;
  request: NormalisedRequest;
  /** The answer, with `receivedAt` fixed so a replay writes the same `created` times. */
  response?: ProviderResponse;
  /**
   * The failure, when the call failed after its retries, with the answers it is charged for though
   * they could not be used (ProviderError.unusable), so a replay charges what the recorded run did.
   */
  error?: { message: string; retryable: boolean; status?: number; unusable?: AnsweredUsage[]; /** Kept when the engine acts on it (RECORDED_CODES): a prompt too long, a refused key. */ code?: string };
}

/**
 * One embedding request of a recorded run (org.yaml `memory.embeddings`), as a cassette line beside its
 * chat calls: which model was asked to embed which texts, and the vectors and tokens it answered. A
 * replay answers the same request from it, so a run that ranked its memories by their meaning replays
 * so, with no embedding server.
 */
export interface EmbeddingEntry {
  version: 1;
  /** sha256 of `embedding` (embedding-tape.ts, embeddingKey). */
  key: string;
  embedding: { modelKey: string; model: string; input: string[] };
  /** As recorded (what the gate admitted); read back, as untrusted as a server's answer: it passes the gate again. */
  answer: EmbeddingAnswer;
}

/** Appends entries to a cassette, one JSON object per line. Starting a recording replaces the file. */
export class CassetteWriter {
  constructor(readonly file: string) {
    requireFolderFor('--record', file);
    try {
      writeFileSync(file, '');
    } catch (error) {
      throw new LemmingError('cassette-unwritable', `--record ${file}: ${whyUnwritable(file, error)}`, { exitCode: EXIT.usage, cause: error });
    }
  }

  /** A chat call, or an embedding request of the run's retrieval (embedding-tape.ts). */
  append(entry: CassetteEntry | EmbeddingEntry): void {
    appendText(this.file, `${JSON.stringify(entry)}\n`);
  }
}

/** Why a cassette cannot be written, in the words a person needs to fix it. */
function whyUnwritable(file: string, error: unknown): string {
  const folder = dirname(file);
  if (existsSync(file) && statSync(file).isDirectory()) return 'is a folder; give a file name, for example runs/release.jsonl';
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'EACCES' || code === 'EPERM' ? `no permission to write in ${folder}` : `cannot be written (${errorMessage(error)})`;
}

/** Read every chat entry of a cassette; a missing file or a broken line is an error naming the file and line. */
export function readCassette(file: string): CassetteEntry[] {
  return readCassetteFile(file).calls;
}

/** Read a cassette: its chat calls and its embedding requests (embedding-tape.ts), each in recorded order. */
export function readCassetteFile(file: string): { calls: CassetteEntry[]; embeddings: EmbeddingEntry[] } {
  const text = recordedText(file);
  if (text === undefined) {
    throw new LemmingError('cassette-missing', `--replay ${file}: there is no such file; record one with \`lemming run --record ${file}\``, { exitCode: EXIT.usage });
  }
  const entries: CassetteEntry[] = [];
  const embeddings: EmbeddingEntry[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      throw new LemmingError('cassette-invalid', `${file}:${index + 1}: is not JSON; a cassette holds one JSON object per line, as \`lemming run --record\` writes them`);
    }
    if (isEmbeddingEntry(entry)) {
      embeddings.push(entry);
      return;
    }
    if (!isEntry(entry)) {
      throw new LemmingError('cassette-invalid', `${file}:${index + 1}: is not a cassette entry (expected {"version":1,"key":...,"request":{...},"response":{"text":"...","toolCalls":[...],...}} or, for a failure, "error":{"message":"...",...} in place of "response")`);
    }
    entries.push(entry);
  });
  return { calls: entries, embeddings };
}

/**
 * The text of a file `--record` wrote (a cassette, the tools tape beside it), read as lemming's own
 * file (readOwnText: no link followed, no pipe waited on, bounded); undefined when
 * there is none. Anything else in its place is said, naming the file: a pipe kept a replay waiting for good.
 */
export function recordedText(file: string): string | undefined {
  const read = readOwnText(file);
  if ('absent' in read) return undefined;
  if ('problem' in read) throw new LemmingError('cassette-invalid', `${file} ${read.problem}, where \`lemming run --record\` keeps a recording (a file): replay a recording lemming wrote`, { exitCode: EXIT.usage });
  return read.text;
}

/**
 * Whether a cassette line is a chat entry: its request, and an answer (a text and a list of tool calls,
 * each an object) or a failure (its message). `typeof null` is `'object'`: a hand-edited `"response": null`
 * passed as an answer and failed the replay with a TypeError, not with the line. What the answer's usage
 * holds is for the usage gate to judge, as it judges a live answer's.
 */
function isEntry(value: unknown): value is CassetteEntry {
  if (!isObject(value)) return false;
  const entry = value as Partial<Record<keyof CassetteEntry, unknown>>;
  return entry.version === 1 && typeof entry.key === 'string' && isObject(entry.request) && (entry.error === undefined ? isAnswer(entry.response) : isFailure(entry.error));
}

function isAnswer(value: unknown): boolean {
  if (!isObject(value)) return false;
  const answer = value as Partial<Record<keyof ProviderResponse, unknown>>;
  return typeof answer.text === 'string' && Array.isArray(answer.toolCalls) && answer.toolCalls.every((call) => isObject(call) && typeof (call as { name?: unknown }).name === 'string');
}

function isFailure(value: unknown): boolean {
  return isObject(value) && typeof (value as { message?: unknown }).message === 'string';
}

function isObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a cassette line is an embedding entry: its request, and an answer holding a list of vectors.
 * What the answer's tokens and vectors hold is for the embedding gate and the memory layer to judge,
 * as they judge a server's: a line an edit broke is answered and refused where a live one would be.
 */
export function isEmbeddingEntry(value: unknown): value is EmbeddingEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Partial<EmbeddingEntry>;
  const request = entry.embedding;
  const answer = entry.answer;
  return (
    entry.version === 1 &&
    typeof entry.key === 'string' &&
    typeof request === 'object' &&
    request !== null &&
    typeof request.modelKey === 'string' &&
    Array.isArray(request.input) &&
    typeof answer === 'object' &&
    answer !== null &&
    Array.isArray(answer.vectors)
  );
}
