import { describe, expect, test } from 'vitest';
import type { QueueClient } from '../../src/queue/queue-client.js';
import type { WorkerAnnouncement } from '../../src/queue/worker-presence.js';
import { WorkerWatch, type QueueNotice } from '../../src/queue/worker-watch.js';

const worker = (id: string, queues: string[]): WorkerAnnouncement => ({ id, host: 'box', pid: 1, models: [], mcpServers: [], queues, concurrency: 4 });

/** A watch over a fake queue client whose live workers the test sets; checks are made by hand (the timer never fires). */
function watchOver(): { watch: WorkerWatch; notices: QueueNotice[]; live: { workers: WorkerAnnouncement[] } } {
  const live = { workers: [] as WorkerAnnouncement[] };
  const client = { address: 'redis://127.0.0.1:6379', workers: async () => live.workers } as unknown as QueueClient;
  const notices: QueueNotice[] = [];
  return { watch: new WorkerWatch(client, (notice) => notices.push(notice), 1e9), notices, live };
}

describe('the worker watch', () => {
  test('tells, while calls wait, that no worker serves a queue, that a worker joined and serves it now, and that it left', async () => {
    const { watch, notices, live } = watchOver();
    live.workers = [worker('old', ['model-other'])];
    const leave = watch.enter('mcp-files-1234', { kind: 'mcp-server', name: 'files' });
    await watch.check();
    expect(notices.map((notice) => notice.notice)).toEqual(['unserved']);
    expect(notices[0]).toMatchObject({ target: { kind: 'mcp-server', name: 'files' }, waiting: 1 });
    expect(notices[0]?.message).toBe(
      'no worker serves MCP server "files": 1 call(s) wait in queue mcp-files-1234 on redis://127.0.0.1:6379; start one with `lemming worker --queue redis://127.0.0.1:6379 --mcp-servers files`',
    );

    live.workers = [worker('old', ['model-other']), worker('new', ['mcp-files-1234'])];
    await watch.check();
    expect(notices.slice(1).map((notice) => [notice.notice, notice.worker])).toEqual([
      ['worker-joined', 'new'],
      ['served', undefined],
    ]);

    live.workers = [worker('old', ['model-other'])];
    await watch.check();
    expect(notices.slice(3).map((notice) => [notice.notice, notice.worker])).toEqual([
      ['worker-left', 'new'],
      ['unserved', undefined],
    ]);
    leave();
    // The answer came after all: someone served it.
    expect(notices.at(-1)?.notice).toBe('served');
  });

  test('a job taken over from a worker that stopped answering is told with its target', () => {
    const { watch, notices } = watchOver();
    watch.retried({ kind: 'model', name: 'fast' }, 'org.t1.ann.s0.abc');
    expect(notices).toEqual([
      { notice: 'job-retried', target: { kind: 'model', name: 'fast' }, message: 'the job org.t1.ann.s0.abc (model "fast") was left by a worker that stopped answering; another worker runs it again' },
    ]);
  });
});
