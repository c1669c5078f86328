import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { registerSecret } from '../../secrets/secrets.js';
import { edgeTraffic } from '../search/edge-traffic.js';
import { newestFirst } from '../search/indexed-message.js';
import { OrgLook } from './org-look.js';
import type { WatchAnswers, WatchMessage, WatchRequest, WatchThreadData } from './watch-protocol.js';

/*
 * The dashboard's watch thread (started by org-watch.ts): it keeps the message index and
 * looks at the org every `intervalMs`, so the work of taking in each new message (reading
 * its file, indexing its words) is done beside the engine's turn, not in its way. Every
 * question is answered after a look, and what that look found is posted before the answer.
 */
const port = parentPort;
if (!port) throw new Error('watch-thread.js runs as a worker thread, started by the dashboard');
const data = workerData as WatchThreadData;
for (const [variable, value] of data.secrets) registerSecret(variable, value);
/**
 * A lower priority for this thread alone (Linux gives each thread its own): when the cores are
 * busy, a running engine's turn goes first. Not the lowest: on a machine kept busy by other
 * work the lowest would leave the browsers waiting seconds for mail; this still gets a tenth.
 */
const PRIORITY = 10;
try {
  setPriority(PRIORITY);
} catch {
  // Not allowed here: the thread runs at the process's priority.
}
function post(message: WatchMessage): void {
  port?.postMessage(message);
}

// The dashboard already serves while this runs (seconds for a large org): it shows the count so far.
const org = new OrgLook(data.root, (size) => post({ type: 'progress', size }));

function lookAndTell(): void {
  const events = org.look();
  if (events.length > 0) post({ type: 'changed', events, size: org.index.size });
}

function answer(request: WatchRequest): WatchAnswers[WatchRequest['op']] {
  const index = org.index;
  switch (request.op) {
    case 'look':
      return null;
    case 'list':
      return index.list(request.filter, request.page);
    case 'get':
      return index.get(request.id) ?? null;
    case 'find':
      return index.findPage(request.query, request.filter, request.limit);
    case 'thread':
      return index.thread(request.id);
    case 'requests':
      return index.requests(request.agents);
    case 'traffic':
      return edgeTraffic(index, request.turn);
    case 'save':
      org.save();
      return null;
  }
}

post({ type: 'ready', size: org.index.size });
// What was written since the dashboard started, while the index was built: news, as any look finds it.
const starting = new Set(data.startingFiles);
const since = [...org.index.all()].filter((message) => !starting.has(message.file)).sort((left, right) => -newestFirst(left, right));
if (since.length > 0) post({ type: 'changed', events: since.map((message) => ({ kind: 'mail', message })), size: org.index.size });
port.on('message', (request: WatchRequest) => {
  try {
    lookAndTell();
    post({ type: 'answer', seq: request.seq, result: answer(request), size: org.index.size });
  } catch (error) {
    post({ type: 'failed', seq: request.seq, message: error instanceof Error ? error.message : String(error) });
  }
});
setInterval(() => {
  try {
    lookAndTell();
  } catch {
    // Looked at again next time; a question in between looks too, and answers with what failed.
  }
}, data.intervalMs);
/** Saving a large index takes a while (over a second at 100,000 messages): never more than a fiftieth of the time. */
const SAVE_SHARE = 50;
function saveIn(delayMs: number): void {
  setTimeout(() => {
    const started = performance.now();
    org.save();
    saveIn(Math.max(data.saveEveryMs, SAVE_SHARE * (performance.now() - started)));
  }, delayMs);
}
saveIn(data.saveEveryMs);
