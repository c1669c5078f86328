import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../src/engine/engine.js';
import type { TurnStats } from '../src/engine/events.js';
import { emptyStats } from '../src/engine/run-totals.js';
import { formatMessage } from '../src/mailbox/message-format.js';
import { messageFileName, messageId } from '../src/mailbox/message.js';
import { newToken } from '../src/web/access/access-token.js';
import { EventHub } from '../src/web/event-hub.js';
import { MessageIndex } from '../src/web/search/message-index.js';
import { startWebServer, type WebServer } from '../src/web/server.js';
import { NextAgentProvider } from './bench-providers.js';
import { agentName, buildOrg } from './build-org.js';
import { countEventStream, type StreamCount } from './sse-counter.js';
import { figure, showMs, type Figure } from './stats.js';

/**
 * The dashboard at N = 1,000 agents and H = 100,000 messages: the first page, a search, a
 * thread, and what serving a browser costs a turn. Run by `npm run bench` (bench/main.ts) in a
 * process of its own; prints its results as one JSON object (sections/dashboard.ts makes the rows).
 */
const AGENTS = 1_000;
const HISTORY = 100_000;
const THREAD_LENGTH = 40;
const base = process.env.LEMMING_BENCH_DIR ?? join(import.meta.dirname, '..', '..', 'bench', '.work');
// Progress goes to standard error; standard output carries the results, one JSON object, for sections/dashboard.ts.
const log = (line: string): void => void process.stderr.write(`${line}\n`);

/** A conversation of `THREAD_LENGTH` replies between two agents, on top of the history, as files dropped in. */
function addThread(root: string): string[] {
  const ids: string[] = [];
  for (let index = 0; index < THREAD_LENGTH; index += 1) {
    const from = agentName(index % 2);
    const to = agentName((index + 1) % 2);
    const turn = 900_000 + index;
    const id = messageId(turn, from, 1);
    const file = join(root, 'agents', from, 'outbox', messageFileName(turn, 1, to));
    writeFileSync(file, formatMessage({ id, from, to, turn, created: '2026-01-01T00:00:00.000Z', priority: 'normal', subject: 'Zeppelin budget', body: `Reply ${index} about the zeppelin budget.`, ...(ids.length > 0 ? { replyTo: ids.at(-1) as string } : {}) }));
    ids.push(id);
  }
  return ids;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  return performance.now() - start;
}

async function series(runs: number, action: (index: number) => Promise<unknown>): Promise<Figure> {
  const times: number[] = [];
  for (let index = 0; index < runs; index += 1) times.push(await timed(() => action(index)));
  return figure(times);
}

/** What a browser fetches before the chart page is usable: the page, its modules, the status and the chart. */
async function firstPage(server: WebServer, cookie: string): Promise<void> {
  const get = async (path: string): Promise<void> => {
    const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers: { cookie } });
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    await response.arrayBuffer();
  };
  await get('/');
  await Promise.all(['main.js', 'api.js', 'dom.js', 'live.js', 'chart-view.js', 'messages-view.js', 'agent-view.js', 'run-view.js', 'human-view.js', 'markdown.js', 'bar-chart.js', 'proposals-view.js', 'trace-view.js', 'index-state.js'].map((file) => get(`/app/${file}`)));
  await Promise.all([get('/api/status'), get('/api/chart')]);
}

/** Run turns; with a hub, every event goes to it as `lemming run --serve` sends it to the browsers. */
async function turns(engine: Engine, count: number, hub?: EventHub): Promise<number[]> {
  const times: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const result: { stats: TurnStats } = { stats: emptyStats() };
    const start = performance.now();
    for await (const event of engine.turn(result)) hub?.publish({ kind: 'engine', event });
    times.push(performance.now() - start);
    // Between turns, one pass of the event loop and no more, as `lemming run --serve` gives: the event
    // stream's writes and the dashboard's own work fall inside the turns, where a live run has them.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return times;
}

mkdirSync(base, { recursive: true });
const root = mkdtempSync(join(base, 'lemming-web-bench-'));
try {
  let start = performance.now();
  buildOrg(root, { agents: AGENTS, history: HISTORY, withMail: AGENTS });
  const threadIds = addThread(root);
  log(`  built N=${AGENTS}, H=${HISTORY} in ${((performance.now() - start) / 1000).toFixed(1)} s`);

  start = performance.now();
  MessageIndex.open(root);
  const indexBuildMs = performance.now() - start;
  log(`  search index built from the outboxes: ${(indexBuildMs / 1000).toFixed(1)} s`);

  const token = newToken();
  // The server start as a person meets it: from the call until the page's first byte (the login's
  // redirect, then the page), and apart from it, until the index (loaded from org/state/cache) is in.
  start = performance.now();
  const server = await startWebServer({ root, host: '127.0.0.1', port: 0, token });
  const indexReady = server.dashboard.watch.ready().then(() => performance.now() - start);
  const login = await fetch(server.url, { redirect: 'manual' });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await fetch(`http://127.0.0.1:${server.port}/`, { headers: { cookie } });
  const serverStartMs = performance.now() - start;
  await page.arrayBuffer();
  if (!page.ok) throw new Error(`the page: ${page.status}`);
  // While the index loads: the chart's page answers without the traffic on its edges.
  const firstPageMs = await timed(() => firstPage(server, cookie));
  const indexReadyMs = await indexReady;
  const firstPageWarm = await series(5, () => firstPage(server, cookie));
  log(`  server start until the page answers: ${serverStartMs.toFixed(0)} ms; until the saved index is in: ${indexReadyMs.toFixed(0)} ms; first page (HTML, modules, status and chart): ${firstPageMs.toFixed(0)} ms, then ${showMs(firstPageWarm)}`);

  const searchOver = (words: string[]) =>
    series(words.length * 3, async (index) => {
      const response = await fetch(`http://127.0.0.1:${server.port}/api/search?q=${encodeURIComponent(words[index % words.length] as string)}`, { headers: { cookie } });
      await response.json();
    });
  // Words a few messages hold (one with a typo), and words every one of the 100,000 holds (the bench's history repeats one text).
  const searchFigure = await searchOver(['zeppelin', 'zepelin', 'zeppelin budget', 'note 4242', 'reply 17']);
  const broadSearchFigure = await searchOver(['progress', 'task forward']);
  log(`  search over HTTP: ${showMs(searchFigure)}; words in every message: ${showMs(broadSearchFigure)}`);
  const threadFigure = await series(20, async (index) => {
    const response = await fetch(`http://127.0.0.1:${server.port}/api/threads/${threadIds[(index * 7) % threadIds.length]}`, { headers: { cookie } });
    const body = (await response.json()) as { messages: unknown[] };
    if (body.messages.length !== THREAD_LENGTH) throw new Error(`a thread of ${body.messages.length} messages, expected ${THREAD_LENGTH}`);
  });
  log(`  thread of ${THREAD_LENGTH} over HTTP: ${showMs(threadFigure)}`);
  await server.close();

  // Turn cost: the same engine, turns alone, then with a dashboard on its event stream and a browser's
  // event stream open, then alone again; the served turns are compared with the two unserved runs.
  const names = Array.from({ length: AGENTS }, (_, index) => agentName(index));
  const engine = Engine.open({ root, providerFactory: () => new NextAgentProvider(names), command: 'bench' });
  let comparison: { alone: Figure; served: Figure; ratio: number; stream: { published: number; duringTurns: StreamCount; afterTurns: StreamCount } };
  try {
    await turns(engine, 5);
    const aloneBefore = await turns(engine, 7);
    const hub = new EventHub();
    const served = await startWebServer({ root, host: '127.0.0.1', port: 0, token, hub });
    // Turns are compared with the index in, as a dashboard that has been open a while has it.
    await served.dashboard.watch.ready();
    const stream = await countEventStream(`http://127.0.0.1:${served.port}/api/events`, token);
    // The hello first: what comes after it is what the turns cost the stream.
    while (stream.count.events === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const hello = { ...stream.count };
    const firstId = hub.lastId;
    const servedTimes = await turns(engine, 7, hub);
    const duringTurns = { events: stream.count.events - hello.events, bytes: stream.count.bytes - hello.bytes };
    const published = hub.lastId - firstId;
    // Then what was still on its way: every event published must reach the client.
    const deadline = performance.now() + 30_000;
    while (stream.count.events - hello.events < published && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    const afterTurns = { events: stream.count.events - hello.events, bytes: stream.count.bytes - hello.bytes };
    await stream.stop();
    await served.close();
    if (duringTurns.events === 0) throw new Error(`the event stream received nothing during the served turns (${published} events published): the served turns measured no stream`);
    if (afterTurns.events < published) throw new Error(`the event stream delivered ${afterTurns.events} of ${published} events published during the served turns`);
    const aloneAfter = await turns(engine, 7);
    const alone = figure([...aloneBefore, ...aloneAfter]);
    const servedFigure = figure(servedTimes);
    comparison = { alone, served: servedFigure, ratio: servedFigure.median / alone.median, stream: { published, duringTurns, afterTurns } };
    log(`  turn, N=${AGENTS} all with mail: alone ${showMs(alone)}; served with a browser's event stream open ${showMs(servedFigure)} (${((comparison.ratio - 1) * 100).toFixed(1)}%); ${published} events published in ${servedTimes.length} served turns, ${duringTurns.events} (${(duringTurns.bytes / 1e6).toFixed(1)} MB) received during them, ${afterTurns.events} in all`);
  } finally {
    engine.close();
  }

  const results = {
    agents: AGENTS,
    history: HISTORY,
    folder: base,
    indexBuildMs,
    serverStartMs,
    indexReadyMs,
    firstPageMs,
    firstPageWarm,
    search: searchFigure,
    broadSearch: broadSearchFigure,
    thread: threadFigure,
    threadLength: THREAD_LENGTH,
    turnAlone: comparison.alone,
    turnServed: comparison.served,
    servedRatio: comparison.ratio,
    stream: comparison.stream,
    date: new Date().toISOString(),
  };
  process.stdout.write(`${JSON.stringify(results)}\n`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
