import type { RunOptions } from '../engine/engine.js';
import type { EngineEvent } from '../engine/events.js';
import type { Org } from '../org/org.js';
import { EXIT, LemmingError } from '../errors.js';
import { fromWorkingFolder } from '../invocation.js';
import { openEngine, type OpenEngineOptions } from './open-engine.js';
import { OTLP_URL, OTLP_URL_HINT } from '../org/otlp-url.js';

/** Options of `openOrg`. */
export interface OpenOrgOptions {
  /** Shown to anyone who finds the org's lock taken (default `library`). */
  command?: string;
  /** A queue (`redis://…`) whose `lemming worker` processes make the calls; org.yaml `engine.queue` decides without it. */
  queue?: string;
  /** Record model answers to this cassette, or replay them from one (a relative path is taken from the current folder). */
  cassette?: { record?: string; replay?: string };
  /** Send each turn as a trace to this OTLP/HTTP endpoint; org.yaml `telemetry.otlp` decides without it. */
  otlp?: string;
}

/** An org opened for running: it holds the org's lock until `close`. */
export interface OpenedOrg {
  /** The org root, absolute (a relative one given to `openOrg` is taken from the current folder). */
  readonly root: string;
  /** The org as the engine holds it now (org.yaml, the chart, the resumes). */
  readonly org: Org;
  /**
   * Run turns, yielding every event as it happens (`turn-started`, `agent-called`,
   * `message-delivered`, …, `run-finished` last). By default until no agent has unread mail.
   */
  run(options?: RunOptions): AsyncGenerator<EngineEvent>;
  /**
   * Release the lock and the connections the run used; waits for telemetry and notifications to be
   * sent. Resolves with the warnings that came after the run's events ended (telemetry that could not
   * be sent); those during a run are `warning` events.
   */
  close(): Promise<string[]>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Open an org to run its turns: takes its lock (one engine per org; a lock left by a dead process
 * is recovered) and finishes a turn a crash left half-done. Throws a LemmingError when the folder
 * holds no valid org or another engine holds it.
 */
export function openOrg(root: string, options: OpenOrgOptions = {}): OpenedOrg {
  checkOpenOptions(options);
  const engineOptions: OpenEngineOptions = {
    command: options.command ?? 'library',
    ...(options.queue === undefined ? {} : { queue: options.queue }),
    ...(options.cassette === undefined ? {} : { cassette: cassetteFrom(options.cassette) }),
    ...(options.otlp === undefined ? {} : { otlp: options.otlp }),
  };
  const folder = fromWorkingFolder(root);
  const opened = openEngine(folder, engineOptions);
  return {
    root: folder,
    get org() {
      return opened.engine.currentOrg;
    },
    run: (runOptions) => opened.engine.run(checkedRunOptions(runOptions)),
    close: () => opened.close(),
    [Symbol.asyncDispose]: async () => void (await opened.close()),
  };
}

/**
 * The run's bounds as a program gives them, held to what `--turns` and `--until` take: a whole number
 * of 1 or more. The types do not hold a JavaScript caller, and the engine compares whatever it is
 * given: -1 and NaN ran no turn, said as a turn cap; 1.5 ran two turns.
 */
function checkedRunOptions(options: RunOptions | undefined): RunOptions | undefined {
  for (const field of ['maxTurns', 'untilTurn'] as const) {
    const value: unknown = options?.[field];
    if (value === undefined || (typeof value === 'number' && Number.isInteger(value) && value >= 1)) continue;
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new LemmingError('bad-run-option', `run: ${field} is ${shown}; it must be a whole number of 1 or more, for example { ${field}: 5 }`, { exitCode: EXIT.usage });
  }
  return options;
}

/**
 * The options as a program gives them, held before the lock is taken to what `--otlp`, `--record` and
 * `--replay` take (the types do not hold a JavaScript caller): before, `otlp: 'file:///etc/passwd'` ran with
 * no telemetry and no word, and `otlp: 42` or `cassette: { record: 42 }` failed on a TypeError.
 */
function checkOpenOptions(options: OpenOrgOptions): void {
  const refuse = (field: string, value: unknown, valid: string): never => {
    const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
    throw new LemmingError('bad-open-option', `openOrg: ${field} is ${shown}; it must be ${valid}`, { exitCode: EXIT.usage });
  };
  const otlp: unknown = options.otlp;
  if (otlp !== undefined && (typeof otlp !== 'string' || !OTLP_URL.test(otlp))) refuse('otlp', otlp, `${OTLP_URL_HINT} ({ otlp: 'http://localhost:4318' })`);
  for (const field of ['record', 'replay'] as const) {
    const path: unknown = options.cassette?.[field];
    if (path !== undefined && (typeof path !== 'string' || path === '')) refuse(`cassette.${field}`, path, `the path of a cassette file, for example { cassette: { ${field}: 'calls.jsonl' } }`);
  }
}

/** The cassettes' paths, taken from the current folder as `--record` and `--replay` are. */
function cassetteFrom(cassette: { record?: string; replay?: string }): { record?: string; replay?: string } {
  return {
    ...(cassette.record === undefined ? {} : { record: fromWorkingFolder(cassette.record) }),
    ...(cassette.replay === undefined ? {} : { replay: fromWorkingFolder(cassette.replay) }),
  };
}
