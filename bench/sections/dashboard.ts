import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { repo, type BenchContext } from '../context.js';
import { asGuard, atMostMs, type Row } from '../row.js';
import type { Figure } from '../stats.js';

/** What bench/web-bench.ts prints. */
interface DashboardResults {
  agents: number;
  history: number;
  indexBuildMs: number;
  serverStartMs: number;
  indexReadyMs: number;
  firstPageMs: number;
  firstPageWarm: Figure;
  search: Figure;
  broadSearch: Figure;
  thread: Figure;
  threadLength: number;
  turnAlone: Figure;
  turnServed: Figure;
  servedRatio: number;
  /** Events the hub published during the served turns, and what the stream's client received during them and in all. */
  stream: { published: number; duringTurns: { events: number; bytes: number }; afterTurns: { events: number; bytes: number } };
}

const one = (ms: number): Figure => ({ median: ms, min: ms, max: ms, runs: 1 });

/** The dashboard's rows: first page, search, thread, and what serving costs a turn (issue targets). */
export function dashboard(context: BenchContext): Row[] {
  const storage = context.storages[0];
  if (!storage) return [];
  const output = execFileSync(process.execPath, [join(repo, 'dist-bench', 'bench', 'web-bench.js')], {
    encoding: 'utf8',
    env: { ...process.env, LEMMING_BENCH_DIR: storage.directory },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const results = JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as DashboardResults;
  const storageName = storage.name;
  return [
    { what: 'first page: HTML, the app\'s modules, status and chart, on a server just started (its index still loading)', storage: storageName, figure: { ms: one(results.firstPageMs) }, target: atMostMs(one(results.firstPageMs), 1000, '< 1 s') },
    { what: 'the same page again', storage: storageName, figure: { ms: results.firstPageWarm }, target: atMostMs(results.firstPageWarm, 1000, '< 1 s') },
    { what: 'a search (words a few messages hold, one with a typo), over HTTP', storage: storageName, figure: { ms: results.search }, target: atMostMs(results.search, 100, '< 100 ms') },
    { what: 'a search for words every message holds (newest first, with the count), over HTTP', storage: storageName, figure: { ms: results.broadSearch }, target: atMostMs(results.broadSearch, 100, '< 100 ms') },
    { what: `a thread of ${results.threadLength}, over HTTP`, storage: storageName, figure: { ms: results.thread }, target: atMostMs(results.thread, 100, '< 100 ms') },
    { what: 'a turn, every agent with mail, with a dashboard and an open event stream, against the same engine\'s turns without', storage: storageName, figure: { ratio: results.servedRatio, of: `${results.turnServed.median.toFixed(0)} ms against ${results.turnAlone.median.toFixed(0)} ms; the stream received ${results.stream.duringTurns.events} of ${results.stream.published} events (${(results.stream.duringTurns.bytes / 1e6).toFixed(1)} MB) during the ${results.turnServed.runs} served turns` }, target: asGuard({ text: '≤ 1.25×', met: results.servedRatio <= 1.25 }) },
    { what: 'the dashboard\'s server start, until the page answers (its first byte; the search index loads behind it)', storage: storageName, figure: { ms: one(results.serverStartMs) }, target: atMostMs(one(results.serverStartMs), 1000, '< 1 s') },
    { what: 'the dashboard\'s server start, until its search index is in (loaded from org/state/cache on its thread; searches answer 503 until then)', storage: storageName, figure: { ms: one(results.indexReadyMs) } },
    { what: 'building the search index from the outboxes (once; then it is loaded and kept up to date)', storage: storageName, figure: { ms: one(results.indexBuildMs) } },
  ];
}
