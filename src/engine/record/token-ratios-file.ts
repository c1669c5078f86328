import type { Problem } from '../../errors.js';
import { readOwnFile } from '../../storage/read-own-file.js';
import { nameRecord } from '../../org/names.js';
import type { ModelEntry } from '../../org/schema.js';
import { MOST_INPUT_SCALE } from '../../providers/request-tokens.js';

/**
 * `org/state/token-ratios.json`: what lemming learned of each server's prompts, kept with the org's
 * record. It is read back every turn, so it passes the same bounds as it is loaded as what a server
 * says passes as it is learned (engine/record/token-ratios.ts): a value out of them is said once,
 * with the file and the field, and learned again from the server's next answers, never believed.
 */
export const RATIOS_FILE = 'org/state/token-ratios.json';

/** The version that keeps what is learned with the endpoint it came from; version 1 kept it by model key. */
export const RATIOS_VERSION = 2;

/** The bounds of what is learned, at both ends: as a server's answer teaches it and as the file is read back. */
export const LEARNED_BOUNDS = {
  /**
   * Tokens a byte of prompt one call may show: no tokenizer packs more than 20 bytes into a token of
   * a prompt, and none makes more than 2 tokens a byte of one lemming sends (a token a byte at most,
   * a chat template's markers besides: providers/context-fit.ts, promptTokenBound).
   */
  tokensPerByte: { least: 0.05, most: 2 },
  /**
   * The smallest context a server may be believed to hold: below it not even lemming's own rules
   * (some 850 bytes), one short message and an answer fit, so a server stating less is misconfigured
   * or saying something else, and sizing every prompt to it would stop every call.
   */
  leastWindow: 1024,
  /** Calls whose tokens a byte are kept: the estimate forgets an answer once this many have come after it. */
  keptCalls: 8,
  /**
   * Turns a stated context is kept after the refusal that last stated it: prompts sized to it never
   * exceed it, so no answer can show the server holds more; once forgotten, a server still that small
   * refuses the next prompt too long for it, stating its sizes again (the retry is sized by them).
   */
  windowTurns: 10,
} as const;

/** What the servers of one endpoint taught. */
export interface EndpointCounts {
  /** Characters lemming sent: system prompt, messages and tool definitions (a hosted API's average). */
  characters: number;
  /** Input tokens the server reported for them. */
  tokens: number;
  /** What lemming's estimate (4 characters a token) made of the same prompts. */
  estimated: number;
  /**
   * Tokens a byte of the last calls (at most `keptCalls`, oldest first): a call's reported prompt
   * tokens against the bytes sent, a refusal's stated tokens against the bytes refused, or, for a
   * prompt cut silently, the server's window against the bytes sent. What the estimate of a server
   * without a tokenizer is sized with (providers/context-fit.ts, PROMPT_ESTIMATE).
   */
  seen?: number[];
  /** How many answered calls taught `seen` since the server last cut a prompt: the estimate's margin narrows after the first few. */
  reports?: number;
  /** The context size the server said it holds when it refused a prompt, when smaller than the entry's `context_window`. */
  window?: number;
  /** The turn whose refusal last stated `window`: it is kept for LEARNED_BOUNDS.windowTurns turns after. */
  windowTurn?: number;
  /** The turn in which the server was first seen to cut a prompt silently: the human is told once. */
  cutSilently?: number;
}

/** The file as lemming writes it. */
export interface RatiosFile {
  version: typeof RATIOS_VERSION;
  /** The last turn whose calls were counted: a turn finished after a crash is not counted twice. */
  turn: number;
  /** By endpoint (`endpointOf`): two entries of one server and model learn together, and a new server starts afresh. */
  endpoints: Record<string, EndpointCounts>;
  /**
   * The counts `turn`'s prompts were sized with, before it taught anything: a turn finished after
   * a crash that came after this file was written sizes its prompts (and cuts its tool results) as
   * the interrupted attempt did.
   */
  sizedWith?: Record<string, EndpointCounts>;
}

/**
 * The endpoint an entry's calls go to: its provider, where it is served (the URL without a user,
 * password or query, which may hold a key) and the model. What is learned is kept under it, so an
 * entry pointed at another server or model sizes from the prior again. Pure.
 */
export function endpointOf(entry: Pick<ModelEntry, 'provider' | 'model' | 'base_url' | 'url'>): string {
  // Asked several times for every call of a turn (its scale, its sizing, its window, what it taught): made once per loaded entry.
  let endpoint = endpoints.get(entry);
  if (endpoint === undefined) {
    const where = entry.base_url ?? entry.url;
    endpoint = [entry.provider, where === undefined ? undefined : withoutSecrets(where), entry.model].filter((part) => part !== undefined).join(' ');
    endpoints.set(entry, endpoint);
  }
  return endpoint;
}

/** Each registry entry's endpoint, by the entry as loaded (an org whose files did not change keeps its entries). */
const endpoints = new WeakMap<object, string>();

function withoutSecrets(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}

/** An empty file: nothing learned yet. */
export function emptyRatios(): RatiosFile {
  return { version: RATIOS_VERSION, turn: 0, endpoints: nameRecord() };
}

/** The file's bytes lemming reads at most: a record of a few hundred bytes an endpoint. */
const MOST_BYTES = 1 << 20;

/**
 * Read and check the file: what it holds that passes the bounds, and a problem (a warning, with the
 * file and the field) for each thing that does not, which is left out. A missing file is nothing
 * learned, and no problem.
 */
export function readRatiosFile(path: string): { file: RatiosFile; problems: Problem[] } {
  const read = readOwnFile(path, MOST_BYTES);
  if ('absent' in read) return { file: emptyRatios(), problems: [] };
  if ('problem' in read) return { file: emptyRatios(), problems: [whole(`${read.problem}; ignored, and what it held is learned again from the next answers`)] };
  if (read.truncated) return { file: emptyRatios(), problems: [whole(`is ${read.size} bytes, more than the ${MOST_BYTES} lemming reads of it; ignored, and what it held is learned again from the next answers`)] };
  let data: unknown;
  try {
    data = JSON.parse(read.bytes.toString('utf8'));
  } catch {
    return { file: emptyRatios(), problems: [whole('is not JSON; ignored, and what it held is learned again from the next answers')] };
  }
  return checkRatios(data);
}

function whole(message: string, field?: string): Problem {
  return { file: RATIOS_FILE, ...(field === undefined ? {} : { field }), message, severity: 'warning' };
}

/** The file's contents checked (see readRatiosFile). Pure. */
export function checkRatios(data: unknown): { file: RatiosFile; problems: Problem[] } {
  const ignored = (field: string, message: string) => ({ file: emptyRatios(), problems: [whole(`${message}; the file is ignored, and what it held is learned again from the next answers`, field)] });
  if (!isObject(data)) return ignored('version', `the file is ${shown(data)}, not an object like {"version": ${RATIOS_VERSION}, "turn": 3, "endpoints": {}}`);
  if (data.version === 1) return ignored('version', 'version 1 was written before lemming kept what it learns with the endpoint it came from');
  if (data.version !== RATIOS_VERSION) return ignored('version', `${shown(data.version)} is not a version this lemming reads (${RATIOS_VERSION})`);
  if (!isCount(data.turn)) return ignored('turn', `${shown(data.turn)} is not a turn (a whole number from 0, e.g. 3)`);
  if (!isObject(data.endpoints)) return ignored('endpoints', `${shown(data.endpoints)} is not an object of endpoints, e.g. {"openai-compatible http://localhost:11434/v1 llama3.2": {"characters": 0, "tokens": 0, "estimated": 0}}`);
  const problems: Problem[] = [];
  for (const field of Object.keys(data)) {
    if (!['version', 'turn', 'endpoints', 'sizedWith'].includes(field)) problems.push(whole('is not a field of this file (version, turn, endpoints, sizedWith); ignored', shownKey(field)));
  }
  const endpoints = checkedRecords(data.endpoints, 'endpoints', problems);
  const sizedWith = data.sizedWith === undefined ? undefined : isObject(data.sizedWith) ? checkedRecords(data.sizedWith, 'sizedWith', problems) : undefined;
  if (data.sizedWith !== undefined && sizedWith === undefined) problems.push(whole(`${shown(data.sizedWith)} is not an object of endpoints like endpoints; ignored`, 'sizedWith'));
  return { file: { version: RATIOS_VERSION, turn: data.turn, endpoints, ...(sizedWith ? { sizedWith } : {}) }, problems };
}

/** Each endpoint's record that passes, into a record without a prototype (a key like `constructor` is an endpoint like any other). */
function checkedRecords(records: Record<string, unknown>, name: string, problems: Problem[]): Record<string, EndpointCounts> {
  const kept = nameRecord<EndpointCounts>();
  for (const [endpoint, counts] of Object.entries(records)) {
    const wrong = countsProblems(counts);
    if (wrong.length === 0) kept[endpoint] = counts as EndpointCounts;
    else problems.push(whole(`${wrong.join('; ')}; this endpoint's record is ignored, and learned again from its server's next answers`, `${name}[${shownKey(endpoint)}]`));
  }
  return kept;
}

/** What is wrong with one endpoint's record, a phrase a field, each naming the field and a valid value. Pure. */
function countsProblems(counts: unknown): string[] {
  if (!isObject(counts)) return [`${shown(counts)} is not an object like {"characters": 4000, "tokens": 1100, "estimated": 1000}`];
  const wrong: string[] = [];
  for (const field of ['characters', 'tokens', 'estimated'] as const) {
    if (!isCount(counts[field])) wrong.push(`${field}: ${shown(counts[field])} is not a count (a whole number from 0, e.g. 4000)`);
  }
  // The ratio every estimated charge of the entry scales by (token-ratios.ts, scale), bounded as where it is used (request-tokens.ts).
  if (isCount(counts.tokens) && isCount(counts.estimated)) {
    if ((counts.tokens === 0) !== (counts.estimated === 0)) wrong.push(`tokens and estimated go together: a server's count of prompts lemming estimated, both 0 or both above (e.g. "tokens": 1100, "estimated": 1000)`);
    else if (counts.tokens > counts.estimated * MOST_INPUT_SCALE) {
      wrong.push(`tokens: ${counts.tokens} for estimated: ${counts.estimated} is ${counts.tokens / counts.estimated} tokens a token of lemming's estimate, more than the ${MOST_INPUT_SCALE} a server is believed to count (e.g. "tokens": 1100, "estimated": 1000)`);
    }
  }
  const { seen } = counts;
  const { least, most } = LEARNED_BOUNDS.tokensPerByte;
  if (seen !== undefined && (!Array.isArray(seen) || seen.length > LEARNED_BOUNDS.keptCalls || !seen.every((ratio) => typeof ratio === 'number' && ratio >= least && ratio <= most))) {
    wrong.push(`seen: ${shown(seen)} is not a list of at most ${LEARNED_BOUNDS.keptCalls} tokens a byte, each from ${least} to ${most} (e.g. [0.27, 0.31])`);
  }
  if (counts.reports !== undefined && !isCount(counts.reports)) wrong.push(`reports: ${shown(counts.reports)} is not a count (a whole number from 0, e.g. 3)`);
  if (counts.window !== undefined && !(isCount(counts.window) && counts.window >= LEARNED_BOUNDS.leastWindow)) {
    wrong.push(`window: ${shown(counts.window)} is not a context a server is believed to hold (a whole number of tokens from ${LEARNED_BOUNDS.leastWindow}, e.g. 4096)`);
  }
  if ((counts.window === undefined) !== (counts.windowTurn === undefined)) wrong.push('window and windowTurn go together: the context a server stated and the turn it stated it in (e.g. "window": 4096, "windowTurn": 3)');
  for (const field of ['windowTurn', 'cutSilently'] as const) {
    if (counts[field] !== undefined && !(isCount(counts[field]) && counts[field] >= 1)) wrong.push(`${field}: ${shown(counts[field])} is not a turn (a whole number from 1, e.g. 3)`);
  }
  const known = new Set(['characters', 'tokens', 'estimated', 'seen', 'reports', 'window', 'windowTurn', 'cutSilently']);
  for (const field of Object.keys(counts)) if (!known.has(field)) wrong.push(`${shownKey(field)} is not a field of an endpoint's record (${[...known].join(', ')})`);
  return wrong;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A count of the file, and of what a lesson journaled with an answer holds (token-ratios.ts, learnFrom): a whole number from 0 that sums safely. */
export function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A value as a problem quotes it: JSON (control characters escaped), its start only, so a planted megabyte is not printed whole. */
function shown(value: unknown, most = 60): string {
  const text = value === undefined ? 'missing' : (JSON.stringify(value) ?? String(value));
  return text.length > most ? `${text.slice(0, most - 3)}...` : text;
}

/** A key as a field names it: quoted, long enough for an endpoint's URL. */
function shownKey(key: string): string {
  return shown(key, 160);
}
