import { OTLP_URL, OTLP_URL_HINT } from '../org/otlp-url.js';
import { createRequire } from 'node:module';
import { commandIo } from './cli-context.js';
import { MAX_SEED } from '../experiment/seed-bound.js';
import { tablesFolder } from '../tables/tables-folder.js';

const requireModule = createRequire(import.meta.url);

// Required as main.ts requires it (see there): the same CommonJS module, already loaded.
const { InvalidArgumentError } = requireModule('commander') as typeof import('commander');

/*
 * The values of the CLI's options: each parser refuses a bad value with what a valid one
 * looks like (commander prints it and exits 2), and each helper turns parsed flags into a
 * command's options.
 */

export function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) throw new InvalidArgumentError('expected a whole number of 1 or more, for example 5');
  return parsed;
}

/** A count that may be none: 0 or more. */
export function wholeNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a whole number, 0 or more, for example 3');
  return parsed;
}

/** How many messages a search prints: 1 to MAX_PAGE, the bound the dashboard's search has too. */
export function pageLimit(value: string): number {
  // Loaded when a limit is parsed, as top-up's rule is for credits: every other command starts without it.
  const { MAX_PAGE } = requireModule('../web/search/message-filter.js') as typeof import('../web/search/message-filter.js');
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed < 1 || parsed > MAX_PAGE) throw new InvalidArgumentError(`expected a whole number from 1 to ${MAX_PAGE}, for example 20`);
  return parsed;
}

/** A confidence level: a plain decimal above 0.5 and below 1. */
export function confidenceLevel(value: string): number {
  const parsed = Number(value);
  if (!/^0\.\d+$/.test(value) || parsed <= 0.5 || parsed >= 1) throw new InvalidArgumentError('expected a confidence level above 0.5 and below 1, for example 0.95');
  return parsed;
}

/** A turn number: 0 (the org before its first turn) or more. */
export function turnNumber(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed)) throw new InvalidArgumentError('expected a turn number, 0 or more, for example 7');
  return parsed;
}

/** A seed: 0 to MAX_SEED, the range an experiment file's `seed:` takes. */
export function seed(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > MAX_SEED) throw new InvalidArgumentError(`expected a seed, a whole number from 0 to ${MAX_SEED}, for example 7`);
  return parsed;
}

/**
 * The parser of an amount of credits: a plain decimal above zero and at most MAX_TOP_UP_CREDITS
 * (the rule of top-up.ts, for a top-up, import-network's budgets and blame's ceiling alike): no
 * hex, no exponents, nothing a typo could turn into a fortune. `amount` is what the amount is, in a
 * refusal's words (`one top-up`, `each agent's budget`), so each option is refused as itself.
 */
export function credits(amount: string): (value: string) => number {
  return (value) => {
    // Loaded when an amount is parsed, as a command module is (command-modules.ts): every other command starts without it.
    const { topUpProblem, MAX_TOP_UP_CREDITS } = requireModule('../engine/money/top-up.js') as typeof import('../engine/money/top-up.js');
    const parsed = Number(value);
    if (!/^\d+(\.\d+)?$/.test(value)) throw new InvalidArgumentError(`expected a plain number of credits above 0 and at most ${MAX_TOP_UP_CREDITS} for ${amount}, for example 0.5`);
    const problem = topUpProblem(parsed, amount);
    if (problem !== undefined) throw new InvalidArgumentError(`${problem}, for example 0.5`);
    return parsed;
  };
}

/**
 * A new agent's budget (`add-agent --credits`): a plain decimal from 0, since a resume may say
 * `credits: 0` and a hire may give none (checkNewAgent's rule; the agent is called once it is topped
 * up), to MAX_GIVEN_CREDITS, the most credits may enter at once, in billionths, the ledger's unit:
 * the rule of a resume's `credits:` (givenCreditsProblem). Said in add-agent's words, not a top-up's.
 */
export function budget(value: string): number {
  // Loaded when an amount is parsed, as a command module is (command-modules.ts): every other command starts without it.
  const { givenCreditsProblem, MAX_GIVEN_CREDITS } = requireModule('../org/ledger-line.js') as typeof import('../org/ledger-line.js');
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || givenCreditsProblem(parsed, "a new agent's budget", 0) !== undefined) {
    throw new InvalidArgumentError(`a new agent's budget is a plain number of credits from 0 to ${MAX_GIVEN_CREDITS}, in at most 9 decimals, for example 0.5`);
  }
  return parsed;
}

export function outputMode(options: { json?: boolean }): 'plain' | 'json' {
  return options.json ? 'json' : 'plain';
}

/** `--record FILE` / `--replay FILE` / `--queue URL` / `--otlp URL` of `run` and `run-once`. */
export interface CassetteOptions {
  record?: string;
  replay?: string;
  queue?: string;
  otlp?: string;
}

export function cassette(options: CassetteOptions): CassetteOptions {
  return {
    ...(options.record ? { record: options.record } : {}),
    ...(options.replay ? { replay: options.replay } : {}),
    ...(options.queue ? { queue: options.queue } : {}),
    ...(options.otlp ? { otlp: options.otlp } : {}),
  };
}

/** `--otlp URL`: an OTLP/HTTP endpoint. */
export function otlpUrl(value: string): string {
  if (!OTLP_URL.test(value)) throw new InvalidArgumentError(`expected ${OTLP_URL_HINT}`);
  return value;
}

/** A TCP port: 0 (any free one) to 65535. */
export function port(value: string): number {
  const parsed = Number(value);
  if (!/^\d+$/.test(value) || parsed > 65535) throw new InvalidArgumentError('expected a port from 0 (any free port) to 65535, for example 4780');
  return parsed;
}

/** `--port` / `--host` of `serve` and `run --serve`. */
export interface ServeFlags {
  port?: number;
  host?: string;
}

export function serveFlags(options: ServeFlags): ServeFlags {
  return { ...(options.port === undefined ? {} : { port: options.port }), ...(options.host === undefined ? {} : { host: options.host }) };
}

/** A comma-separated list of names; an empty one is refused with what a valid one looks like. */
function commaList(expected: string): (value: string) => string[] {
  return (value) => {
    const names = value.split(',').map((name) => name.trim()).filter((name) => name !== '');
    if (names.length === 0) throw new InvalidArgumentError(`expected ${expected}`);
    return names;
  };
}

/** `--choices a,b,c` of `lemming ask`. */
export const choiceList = commaList('choices separated by commas, for example yes,no,unsure');
export const modelList = commaList('registry keys from org/org.yaml models, separated by commas, for example offline,gpt-4o-mini');
export const mcpServerList = commaList('server names from org/org.yaml mcp_servers, separated by commas, for example files,search');

export const OTLP_HELP = 'send each turn as an OpenTelemetry trace to this OTLP/HTTP endpoint, for example http://localhost:4318 (default: org.yaml telemetry.otlp)';

export const QUEUE_HELP = 'send model and MCP tool calls as jobs to `lemming worker` processes on this Redis (default: org.yaml engine.queue)';

/** The live screen when stdout is a terminal and no line output was asked for. */
export function screenMode(options: { json?: boolean; plain?: boolean }): 'ui' | 'plain' | 'json' {
  if (options.json) return 'json';
  return options.plain || !commandIo().stdout.isTTY ? 'plain' : 'ui';
}

export const SHUTDOWN_HELP = 'after SIGTERM or SIGINT, the most seconds to stop before quitting anyway (default 8; for run, org.yaml engine.shutdown_seconds)';
export const LOG_FORMAT_HELP = 'text (the default) or json: one JSON object a line on standard error (level, time, event, org, agent, turn), for log collectors';

/** `--shutdown-timeout` and `--log-format` of the commands a supervisor runs. */
export interface ServiceFlags {
  shutdownTimeout?: number;
  logFormat?: 'text' | 'json';
}

/** `--shutdown-timeout`: seconds above 0 and at most an hour. */
export function shutdownSeconds(value: string): number {
  const parsed = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || parsed <= 0 || parsed > 3600) throw new InvalidArgumentError('expected seconds above 0 and at most 3600, for example 8');
  return parsed;
}

/** `--log-format`: `text` (lines for a person, the default) or `json` (one object a line on standard error, for log collectors). */
export function logFormat(value: string): 'text' | 'json' {
  if (value !== 'text' && value !== 'json') throw new InvalidArgumentError('expected text or json, for example --log-format json');
  return value;
}

/** `--csv DIR`: its folder is checked as the command starts (named-destination.ts), not once the report's work is done and the tables are written. */
function csvFolder(value: string): string {
  tablesFolder(value);
  return value;
}

/** `--csv DIR` of every command whose report has tables (docs/api.md, "Tables as CSV"). */
export const CSV_OPTION = ['--csv <dir>', "also write the report's tables into DIR: a CSV per table (RFC 4180, a header row) and dictionary.csv naming each column's type, unit and meaning, for pandas or R", csvFolder] as const;
